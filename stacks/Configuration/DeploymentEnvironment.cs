namespace MlPlatform.Stacks.Configuration;

/// <summary>The value of <c>mlplatform:environment</c>; production turns on the high-availability and safety defaults.</summary>
public enum DeploymentEnvironment
{
    /// <summary>A developer's or CI's throw-away platform.</summary>
    Development,

    /// <summary>Pre-production: small, spot capacity, GPU pools that scale to zero.</summary>
    Staging,

    /// <summary>Highly available, private control plane, deletion protection, policies enforced.</summary>
    Production,
}
