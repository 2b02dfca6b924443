namespace MlPlatform.Stacks.Configuration;

/// <summary>Whether Kyverno blocks or only reports violations of the platform's cluster policies.</summary>
public enum PolicyMode
{
    /// <summary>Violations are reported in policy reports; nothing is blocked.</summary>
    Audit,

    /// <summary>Violating requests are rejected at admission.</summary>
    Enforce,
}
