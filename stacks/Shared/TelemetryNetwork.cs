using System.Collections.Immutable;
using MlPlatform.Components.Addons.Observability;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Stacks.Configuration;

namespace MlPlatform.Stacks.Shared;

/// <summary>
/// The openings of the logs and traces pipeline, beyond the allow matrix's role edges, each to one namespace and
/// its ports only: workloads (serving, workflows, teams) send OTLP and Jaeger to the OpenTelemetry Collector, the
/// collector exports traces to Tempo and OTLP logs to Loki, the node log collector pushes to Loki. Grafana reaches
/// Loki and Tempo through the monitoring role's edge to every namespace; Loki and Tempo reach their bucket over the
/// HTTPS egress every namespace has.
/// </summary>
public static class TelemetryNetwork
{
    /// <summary>The namespace roles whose workloads send telemetry to the collector.</summary>
    public static ImmutableArray<NamespaceRole> WorkloadRoles { get; } = [NamespaceRole.Serving, NamespaceRole.Workflows, NamespaceRole.GpuWorkloads];

    /// <summary>One opening: from the source namespaces to one namespace, on its pods' ports.</summary>
    /// <param name="Name">The rule's name on both ends (<c>to-NAME</c> egress, <c>from-NAME</c> ingress are derived from the peers).</param>
    /// <param name="FromRoles">Source namespaces by role; empty when <paramref name="FromNamespace"/> is set.</param>
    /// <param name="FromNamespace">The source namespace by name; null when selected by roles.</param>
    /// <param name="To">The destination namespace.</param>
    /// <param name="Ports">The destination pods' ports.</param>
    /// <param name="Why">The traffic it carries.</param>
    public sealed record Edge(string Name, ImmutableArray<NamespaceRole> FromRoles, string? FromNamespace, string To, ImmutableArray<NetworkPort> Ports, string Why);

    /// <summary>The openings that apply to a stack: those whose add-ons are on.</summary>
    public static IEnumerable<Edge> EdgesFor(PlatformConfig config)
    {
        var addons = config.Addons;
        var roles = config.Namespaces.Select(n => n.Role).ToHashSet();
        if (addons.Tracing)
        {
            // Only the roles the stack has namespaces of: nothing opens from a switched-off add-on's role.
            yield return new Edge("otel-collector", [.. WorkloadRoles.Where(roles.Contains)], null, PlatformNamespaces.OtelCollector,
                [.. OpenTelemetryCollector.ReceiverPorts.Select(p => new NetworkPort(p.Port, p.Protocol))],
                "workloads send traces and logs (OTLP, Jaeger) to the OpenTelemetry Collector");
            yield return new Edge("tempo", [], PlatformNamespaces.OtelCollector, PlatformNamespaces.Tempo,
                [new NetworkPort(Tempo.OtlpGrpcPort)], "the collector exports traces to Tempo (OTLP gRPC)");
        }

        if (addons.Logging)
        {
            yield return new Edge("loki", [], PlatformNamespaces.LogCollector, PlatformNamespaces.Loki,
                [new NetworkPort(Loki.HttpPort)], "the node log collector pushes pod logs to Loki (OTLP HTTP)");
            if (addons.Tracing)
            {
                yield return new Edge("loki", [], PlatformNamespaces.OtelCollector, PlatformNamespaces.Loki,
                    [new NetworkPort(Loki.HttpPort)], "the collector forwards workloads' OTLP logs to Loki");
            }
        }
    }

    /// <summary>The rules of one namespace: egress where it is a source, ingress where it is the destination.</summary>
    public static IEnumerable<NetworkAllowRule> RulesFor(NamespaceConfig ns, PlatformConfig config)
    {
        foreach (var edge in EdgesFor(config))
        {
            var isSource = edge.FromNamespace is { } from ? ns.Name == from : edge.FromRoles.Contains(ns.Role);
            if (isSource)
            {
                yield return new NetworkAllowRule
                {
                    Name = $"to-{edge.Name}",
                    Direction = TrafficDirection.Egress,
                    Namespaces = [Named(edge.To)],
                    Ports = edge.Ports,
                };
            }

            if (ns.Name == edge.To)
            {
                yield return new NetworkAllowRule
                {
                    Name = edge.FromNamespace is { } source ? $"from-{source}" : "from-workloads",
                    Direction = TrafficDirection.Ingress,
                    Namespaces = edge.FromNamespace is { } named
                        ? [Named(named)]
                        : [.. edge.FromRoles.Select(r => ImmutableDictionary<string, string>.Empty.Add(PlatformLabels.Role, AllowMatrix.RoleLabel(r)))],
                    Ports = edge.Ports,
                };
            }
        }
    }

    private static ImmutableDictionary<string, string> Named(string name) =>
        ImmutableDictionary<string, string>.Empty.Add("kubernetes.io/metadata.name", name);
}
