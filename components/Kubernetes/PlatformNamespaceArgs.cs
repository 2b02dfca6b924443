using System.Collections.Immutable;

namespace MlPlatform.Components.Kubernetes;

/// <summary>Inputs of a <see cref="PlatformNamespace"/>.</summary>
public sealed class PlatformNamespaceArgs
{
    /// <summary>The namespace name (a DNS-1123 label); also used as the prefix of every child's logical name.</summary>
    public required string Name { get; init; }

    /// <summary>The Pod Security Standards level enforced, warned and audited. Defaults to restricted.</summary>
    public PodSecurityLevel PodSecurity { get; init; } = PodSecurityLevel.Restricted;

    /// <summary>The Pod Security Standards version the labels pin. Defaults to <c>latest</c>.</summary>
    public string PodSecurityVersion { get; init; } = "latest";

    /// <summary>Labels of the namespace (the standard labels, its role, its team, ...).</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>The ResourceQuota.</summary>
    public required NamespaceQuota Quota { get; init; }

    /// <summary>The LimitRange container defaults.</summary>
    public required ContainerDefaults ContainerDefaults { get; init; }

    /// <summary>Openings in the default-deny network policy.</summary>
    public ImmutableArray<NetworkAllowRule> AllowRules { get; init; } = [];

    /// <summary>Allow pods of the namespace to talk to each other. Defaults to true.</summary>
    public bool AllowSameNamespace { get; init; } = true;
}
