using System.Collections.Immutable;
using MlPlatform.Components.Addons;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Stacks.Configuration;

namespace MlPlatform.Stacks.Shared;

/// <summary>
/// Which namespace roles may talk to which: every namespace denies all traffic by default, and these edges are
/// the only openings between namespaces (plus DNS and traffic inside a namespace). An edge is rendered twice: as
/// an egress rule in the source namespaces and an ingress rule in the destination namespaces.
/// </summary>
public static class AllowMatrix
{
    /// <summary>The edges between roles; a null destination is every namespace.</summary>
    public static ImmutableArray<AllowEdge> Edges { get; } =
    [
        new(NamespaceRole.Ingress, NamespaceRole.Serving, "the ingress gateway routes requests to model servers"),
        new(NamespaceRole.Ingress, NamespaceRole.Monitoring, "the ingress gateway routes users to Grafana (mlplatform:monitoring.grafanaHostname)")
        {
            // Only Grafana's pod port, and only while Grafana is published: Prometheus, Alertmanager and the
            // exporters stay closed to the gateway.
            Ports = [KubePrometheusStack.GrafanaPort],
            When = GrafanaPublished,
        },
        new(NamespaceRole.Serving, NamespaceRole.Data, "model servers load models from the registry"),
        new(NamespaceRole.Workflows, NamespaceRole.GpuWorkloads, "the workflow engine runs and watches GPU jobs"),
        new(NamespaceRole.Workflows, NamespaceRole.Data, "pipelines register models and log runs in MLflow"),
        new(NamespaceRole.GpuWorkloads, NamespaceRole.Data, "team jobs log runs and artifacts to MLflow"),
        new(NamespaceRole.Monitoring, null, "Prometheus scrapes every namespace"),
    ];

    /// <summary>
    /// Plain-HTTP egress to external address ranges that single platform namespaces need beyond HTTPS, with why.
    /// </summary>
    public static ImmutableDictionary<string, (ImmutableArray<int> Ports, string Why)> ExternalEgressExceptions { get; } =
        new Dictionary<string, (ImmutableArray<int>, string)>
        {
            [PlatformNamespaces.CertManager] = ([80],
                "ACME HTTP-01: cert-manager fetches its own challenge URL over plain HTTP (self-check) before asking the CA to validate"),
            [PlatformNamespaces.GpuOperator] = ([80],
                "the NVIDIA driver container installs kernel headers from distribution package mirrors, many of them plain HTTP"),
        }.ToImmutableDictionary();

    /// <summary>The role label value of a role.</summary>
    public static string RoleLabel(NamespaceRole role) => role switch
    {
        NamespaceRole.GpuWorkloads => "gpu-workloads",
        _ => role.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// True when the stack publishes Grafana through the gateway: the gateway and monitoring add-ons are on and
    /// <c>mlplatform:monitoring.grafanaHostname</c> is set.
    /// </summary>
    public static bool GrafanaPublished(PlatformConfig config) =>
        config.Addons.Gateway && config.Addons.Monitoring && config.Monitoring.GrafanaHostname is not null;

    /// <summary>
    /// The node ports kube-prometheus-stack scrapes on host-network targets: node-exporter (9100), kube-proxy
    /// (10249) and the kubelet (10250); on a self-managed control plane (<c>existing</c>) also etcd (2381), the
    /// controller manager (10257) and the scheduler (10259), whose scrapes the stack only turns off on managed ones.
    /// A closed port would leave its target down and its "down" alert firing.
    /// </summary>
    public static ImmutableArray<int> NodeMetricsPorts(CloudKind cloud) =>
        cloud == CloudKind.Existing ? [9100, 10249, 10250, 2381, 10257, 10259] : [9100, 10249, 10250];

    /// <summary>
    /// The edges that apply to a stack: those whose two ends are roles of namespaces the stack has (a disabled
    /// add-on has no namespace, so nothing opens towards it or from it), and whose condition, if any, holds.
    /// </summary>
    public static IEnumerable<AllowEdge> EdgesFor(PlatformConfig config)
    {
        var roles = config.Namespaces.Select(n => n.Role).ToHashSet();
        return Edges.Where(e => roles.Contains(e.From) && (e.To is not { } to || roles.Contains(to)) && (e.When is null || e.When(config)));
    }

    /// <summary>Every allow rule of one namespace: role edges, then the address-range openings its role needs.</summary>
    /// <param name="ns">The namespace.</param>
    /// <param name="config">The stack's configuration.</param>
    /// <param name="kedaNamespace">Where KEDA runs (its chart's namespace, or the cloud's add-on's); null without KEDA.</param>
    public static ImmutableArray<NetworkAllowRule> RulesFor(NamespaceConfig ns, PlatformConfig config, string? kedaNamespace = null)
    {
        var network = config.Network;
        var rules = ImmutableArray.CreateBuilder<NetworkAllowRule>();
        foreach (var edge in EdgesFor(config))
        {
            ImmutableArray<NetworkPort> ports = [.. edge.Ports.Select(p => new NetworkPort(p))];
            if (edge.From == ns.Role)
            {
                rules.Add(edge.To is { } to
                    ? NetworkAllowRule.ForRoles($"to-{RoleLabel(to)}", TrafficDirection.Egress, RoleLabel(to)) with { Ports = ports }
                    : new NetworkAllowRule { Name = "to-all-namespaces", Direction = TrafficDirection.Egress, Namespaces = [ImmutableDictionary<string, string>.Empty], Ports = ports });
            }

            if (edge.To is null || edge.To == ns.Role)
            {
                rules.Add(NetworkAllowRule.ForRoles($"from-{RoleLabel(edge.From)}", TrafficDirection.Ingress, RoleLabel(edge.From)) with { Ports = ports });
            }
        }

        rules.Add(Cidrs("https", TrafficDirection.Egress, network.ExternalEgressCidrs, 443));
        if (!ns.IsTeam && ExternalEgressExceptions.TryGetValue(ns.Name, out var exception))
        {
            rules.Add(Cidrs("external-http", TrafficDirection.Egress, network.ExternalEgressCidrs, [.. exception.Ports]));
        }

        if (!ns.IsTeam)
        {
            rules.Add(Cidrs("api-server", TrafficDirection.Egress, network.ApiServerCidrs, 443, 6443));
        }

        // Argo's executor in a team namespace that runs workflows reports the steps' results to the API server.
        if (ns.IsTeam && config.WorkflowTemplates.Any(t => t.Namespace == ns.Name))
        {
            rules.Add(Cidrs("workflow-api-server", TrafficDirection.Egress, network.ApiServerCidrs, 443, 6443));
        }

        if (!ns.WebhookPorts.IsEmpty)
        {
            rules.Add(Cidrs("webhooks", TrafficDirection.Ingress, network.ApiServerCidrs, [.. ns.WebhookPorts]));
        }

        // KEDA's Prometheus triggers query Prometheus's API: from wherever KEDA runs (its own namespace, or the
        // cloud's add-on in kube-system), to the Prometheus pods' port only.
        if (kedaNamespace is { } keda && config.Addons.Monitoring)
        {
            if (ns.Role == NamespaceRole.Monitoring)
            {
                rules.Add(new NetworkAllowRule
                {
                    Name = "from-keda",
                    Direction = TrafficDirection.Ingress,
                    Namespaces = [NamespaceNamed(keda)],
                    Ports = [new NetworkPort(KubePrometheusStack.PrometheusPort)],
                });
            }

            if (ns.Name == keda)
            {
                rules.Add(new NetworkAllowRule
                {
                    Name = "to-prometheus",
                    Direction = TrafficDirection.Egress,
                    Namespaces = [NamespaceNamed(PlatformNamespaces.Monitoring)],
                    Ports = [new NetworkPort(KubePrometheusStack.PrometheusPort)],
                });
            }
        }

        rules.AddRange(TelemetryNetwork.RulesFor(ns, config));

        switch (ns.Role)
        {
            case NamespaceRole.Monitoring:
                rules.Add(Cidrs("node-metrics", TrafficDirection.Egress, network.NodeCidrs, [.. NodeMetricsPorts(config.Cloud)]));
                break;
            case NamespaceRole.Data:
                rules.Add(Cidrs("databases", TrafficDirection.Egress, network.DataStoreCidrs, 5432));
                break;
            case NamespaceRole.Ingress:
                rules.Add(Cidrs("load-balancer", TrafficDirection.Ingress, network.LoadBalancerSourceCidrs, 10080, 10443));
                break;
            case NamespaceRole.Delivery:
                rules.Add(Cidrs("git-ssh", TrafficDirection.Egress, network.ExternalEgressCidrs, 22));
                break;
        }

        return rules.ToImmutable();
    }

    private static ImmutableDictionary<string, string> NamespaceNamed(string name) =>
        ImmutableDictionary<string, string>.Empty.Add("kubernetes.io/metadata.name", name);

    private static NetworkAllowRule Cidrs(string name, TrafficDirection direction, ImmutableArray<string> cidrs, params int[] ports) => new()
    {
        Name = name,
        Direction = direction,
        Cidrs = cidrs,
        Ports = [.. ports.Select(p => new NetworkPort(p))],
    };
}

/// <summary>One opening between namespace roles.</summary>
/// <param name="From">Source role.</param>
/// <param name="To">Destination role; null for every namespace.</param>
/// <param name="Why">The traffic it carries.</param>
public sealed record AllowEdge(NamespaceRole From, NamespaceRole? To, string Why)
{
    /// <summary>The destination pods' ports the edge opens; empty opens every port.</summary>
    public ImmutableArray<int> Ports { get; init; } = [];

    /// <summary>The stack setting the edge depends on; null when it always applies.</summary>
    public Func<PlatformConfig, bool>? When { get; init; }
}
