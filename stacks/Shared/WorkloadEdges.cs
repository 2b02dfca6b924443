using System.Collections.Immutable;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Stacks.Configuration;

namespace MlPlatform.Stacks.Shared;

/// <summary>
/// The openings the application workloads declare, on top of the role matrix (<see cref="AllowMatrix"/>): a
/// workload's callers may reach its ports (ingress in its namespace, egress in theirs), and a workload reaches its
/// dependencies (a namespace, or a data service on its port only). Data services are reachable from the
/// namespaces that declare them and from nothing else.
/// </summary>
public static class WorkloadEdges
{
    /// <summary>One opening between two namespaces.</summary>
    /// <param name="From">The calling namespace.</param>
    /// <param name="To">The called namespace.</param>
    /// <param name="Ports">The called pods' ports; empty for every port.</param>
    public sealed record Edge(string From, string To, ImmutableArray<int> Ports);

    /// <summary>Every declared edge of the stack, merged per pair of namespaces.</summary>
    public static ImmutableArray<Edge> All(PlatformConfig config)
    {
        var raw = new List<Edge>();
        foreach (var workload in config.Workloads)
        {
            ImmutableArray<int> ports = [.. workload.Ports.Select(p => p.Port)];
            raw.AddRange(workload.Callers.Select(caller => new Edge(caller, workload.Namespace, ports)));
            raw.AddRange(workload.Dependencies.Select(d => Dependency(config, workload.Namespace, d)));
        }

        return
        [
            .. raw.Where(e => e.From != e.To)
                .GroupBy(e => (e.From, e.To))
                .OrderBy(g => g.Key.From, StringComparer.Ordinal).ThenBy(g => g.Key.To, StringComparer.Ordinal)
                .Select(g => new Edge(g.Key.From, g.Key.To, g.Any(e => e.Ports.IsEmpty) ? [] : [.. g.SelectMany(e => e.Ports).Distinct().Order()])),
        ];
    }

    /// <summary>The allow rules of one namespace that the declared edges give it.</summary>
    public static ImmutableArray<NetworkAllowRule> RulesFor(NamespaceConfig ns, PlatformConfig config)
    {
        var rules = ImmutableArray.CreateBuilder<NetworkAllowRule>();
        foreach (var edge in All(config))
        {
            ImmutableArray<NetworkPort> ports = [.. edge.Ports.Select(p => new NetworkPort(p))];
            if (edge.From == ns.Name)
            {
                rules.Add(new NetworkAllowRule { Name = $"wl-to-{edge.To}", Direction = TrafficDirection.Egress, Namespaces = [Named(edge.To)], Ports = ports });
            }

            if (edge.To == ns.Name)
            {
                rules.Add(new NetworkAllowRule { Name = $"wl-from-{edge.From}", Direction = TrafficDirection.Ingress, Namespaces = [Named(edge.From)], Ports = ports });
            }
        }

        return rules.ToImmutable();
    }

    private static Edge Dependency(PlatformConfig config, string from, string dependency) =>
        config.DataServices.FirstOrDefault(s => s.Name == dependency) is { } service
            ? new Edge(from, service.Namespace, [service.Port])
            : new Edge(from, dependency, []);

    private static ImmutableDictionary<string, string> Named(string name) =>
        ImmutableDictionary<string, string>.Empty.Add("kubernetes.io/metadata.name", name);
}
