using System.Collections.Immutable;

namespace MlPlatform.Components.Kubernetes;

/// <summary>Which way an allow rule opens traffic, seen from the namespace that owns it.</summary>
public enum TrafficDirection
{
    /// <summary>Traffic into the namespace's pods.</summary>
    Ingress,

    /// <summary>Traffic out of the namespace's pods.</summary>
    Egress,
}

/// <summary>A port a rule opens.</summary>
/// <param name="Port">Port number.</param>
/// <param name="Protocol"><c>TCP</c>, <c>UDP</c> or <c>SCTP</c>.</param>
public sealed record NetworkPort(int Port, string Protocol = "TCP");

/// <summary>
/// One exception to a namespace's default-deny: traffic to or from the namespaces whose labels match, or the
/// address ranges given, on the ports given (all ports when empty). Rendered as a NetworkPolicy of its own, named
/// <c>allow-NAME</c>, so that each opening is visible and reviewable on its own.
/// </summary>
public sealed record NetworkAllowRule
{
    /// <summary>DNS-1123 name, unique in the namespace.</summary>
    public required string Name { get; init; }

    /// <summary>Into or out of the namespace.</summary>
    public required TrafficDirection Direction { get; init; }

    /// <summary>Peer namespaces, each selected by its labels (e.g. <c>mlplatform.io/role: serving</c>).</summary>
    public ImmutableArray<ImmutableDictionary<string, string>> Namespaces { get; init; } = [];

    /// <summary>Peer address ranges (outside the pod network: API server, nodes, managed services).</summary>
    public ImmutableArray<string> Cidrs { get; init; } = [];

    /// <summary>Ports; empty opens every port.</summary>
    public ImmutableArray<NetworkPort> Ports { get; init; } = [];

    /// <summary>An allow rule with namespaces selected by the role label.</summary>
    public static NetworkAllowRule ForRoles(string name, TrafficDirection direction, params string[] roles) => new()
    {
        Name = name,
        Direction = direction,
        Namespaces = [.. roles.Select(r => ImmutableDictionary<string, string>.Empty.Add(PlatformLabels.Role, r))],
    };
}
