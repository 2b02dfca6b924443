namespace MlPlatform.Components.Kubernetes;

/// <summary>A Pod Security Standards level, as used by the <c>pod-security.kubernetes.io/*</c> namespace labels.</summary>
public enum PodSecurityLevel
{
    /// <summary>Unrestricted: only for namespaces listed in the reviewed exceptions.</summary>
    Privileged,

    /// <summary>Prevents known privilege escalations.</summary>
    Baseline,

    /// <summary>Current pod hardening best practice.</summary>
    Restricted,
}
