using System.Collections.Immutable;

using MlPlatform.Components.Kubernetes;

namespace MlPlatform.Stacks.Configuration;

/// <summary>A namespace the platform creates, with its guard rails.</summary>
public sealed record NamespaceConfig
{
    /// <summary>DNS-1123 label, unique.</summary>
    public required string Name { get; init; }

    /// <summary>True for a team's namespace; false for one of the platform's own.</summary>
    public required bool IsTeam { get; init; }

    /// <summary>Its part in the network allow matrix.</summary>
    public required NamespaceRole Role { get; init; }

    /// <summary>Pod Security Admission level, enforced, warned and audited.</summary>
    public required PodSecurityLevel PodSecurity { get; init; }

    /// <summary>The ResourceQuota.</summary>
    public required NamespaceQuota Quota { get; init; }

    /// <summary>The LimitRange container defaults.</summary>
    public required ContainerDefaults Limits { get; init; }

    /// <summary>Ports on which the API server calls admission or conversion webhooks in this namespace.</summary>
    public ImmutableArray<int> WebhookPorts { get; init; } = [];

    /// <summary>Why this namespace is allowed to be privileged (from the reviewed exceptions); null otherwise.</summary>
    public string? PrivilegedReason { get; init; }
}
