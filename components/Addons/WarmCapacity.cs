using System.Collections.Immutable;
using MlPlatform.Components.Kubernetes;
using Pulumi;
using Pulumi.Kubernetes.Types.Inputs.Apps.V1;
using Pulumi.Kubernetes.Types.Inputs.Core.V1;
using Pulumi.Kubernetes.Types.Inputs.Meta.V1;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Components.Addons;

/// <summary>A pool whose nodes must stay up with nothing on them: its name, its node selector and taints, and how many nodes.</summary>
/// <param name="Pool">The pool name (names the Deployment).</param>
/// <param name="Nodes">How many nodes to keep (the pool's configured minimum).</param>
/// <param name="NodeSelector">The labels that select the pool's nodes.</param>
/// <param name="Tolerations">The pool's taints, tolerated.</param>
public sealed record WarmPool(string Pool, int Nodes, ImmutableDictionary<string, string> NodeSelector, ImmutableArray<PodToleration> Tolerations);

/// <summary>Inputs of <see cref="WarmCapacity"/>.</summary>
public sealed class WarmCapacityArgs
{
    /// <summary>The namespace of the placeholders.</summary>
    public required Input<string> Namespace { get; init; }

    /// <summary>The pools to keep warm (a pool with no nodes gets nothing).</summary>
    public ImmutableArray<WarmPool> Pools { get; init; } = [];

    /// <summary>The lowest PriorityClass of the platform: any real pod preempts a placeholder.</summary>
    public string PriorityClassName { get; init; } = "preemptible";

    /// <summary>What the Deployments wait for (the namespace and the PriorityClasses).</summary>
    public ImmutableArray<Resource> Ready { get; init; } = [];

    /// <summary>Labels of the Deployments.</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// Warm capacity for autoscalers that have no minimum (Karpenter): per pool, a Deployment of pause pods, one per
/// node (hostname anti-affinity), selecting the pool and tolerating its taints, in the lowest PriorityClass. The
/// pods keep the nodes non-empty, so they are launched and never consolidated away; they request almost nothing
/// (no GPU), so real work schedules next to them, and any pod that needs their room preempts them.
/// </summary>
public sealed class WarmCapacity : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:addons:WarmCapacity";

    /// <summary>The label that names the pool a placeholder keeps warm.</summary>
    public const string PoolLabel = "mlplatform.io/warm-pool";

    /// <summary>Creates one Deployment per pool with nodes to keep.</summary>
    public WarmCapacity(string name, WarmCapacityArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var childOptions = new CustomResourceOptions { Parent = this };
        childOptions.DependsOn.AddRange(args.Ready.Select(r => (Input<Resource>)r).ToList());
        Deployments = [.. args.Pools.Where(p => p.Nodes > 0).Select(pool => new K8s.Apps.V1.Deployment($"{name}-{pool.Pool}", new DeploymentArgs
        {
            Metadata = new ObjectMetaArgs { Name = DeploymentName(pool.Pool), Namespace = args.Namespace, Labels = args.Labels },
            Spec = Spec(pool, args.PriorityClassName),
        }, childOptions))];
        RegisterOutputs(new Dictionary<string, object?> { ["pools"] = args.Pools.Where(p => p.Nodes > 0).Select(p => p.Pool).ToArray() });
    }

    /// <summary>The placeholder Deployments.</summary>
    public ImmutableArray<K8s.Apps.V1.Deployment> Deployments { get; }

    /// <summary>The name of a pool's placeholder Deployment.</summary>
    public static string DeploymentName(string pool) => $"warm-{pool}";

    private static DeploymentSpecArgs Spec(WarmPool pool, string priorityClassName)
    {
        var labels = new InputMap<string> { [PoolLabel] = pool.Pool };
        return new DeploymentSpecArgs
        {
            Replicas = pool.Nodes,
            Selector = new LabelSelectorArgs { MatchLabels = labels },
            Template = new PodTemplateSpecArgs
            {
                Metadata = new ObjectMetaArgs { Labels = labels },
                Spec = new PodSpecArgs
                {
                    PriorityClassName = priorityClassName,
                    AutomountServiceAccountToken = false,
                    TerminationGracePeriodSeconds = 0,
                    NodeSelector = pool.NodeSelector.ToDictionary(),
                    Tolerations = pool.Tolerations.Select(t => new TolerationArgs { Key = t.Key, Operator = "Exists", Effect = t.Effect }).ToList(),
                    Affinity = new AffinityArgs
                    {
                        // One placeholder per node: N replicas hold N nodes.
                        PodAntiAffinity = new PodAntiAffinityArgs
                        {
                            RequiredDuringSchedulingIgnoredDuringExecution = new PodAffinityTermArgs
                            {
                                TopologyKey = "kubernetes.io/hostname",
                                LabelSelector = new LabelSelectorArgs { MatchLabels = labels },
                            },
                        },
                    },
                    SecurityContext = new PodSecurityContextArgs
                    {
                        RunAsNonRoot = true,
                        RunAsUser = PodSecurity.DefaultUser,
                        SeccompProfile = new SeccompProfileArgs { Type = "RuntimeDefault" },
                    },
                    Containers = new ContainerArgs
                    {
                        Name = "pause",
                        Image = ImageCatalog.Pause.Reference,
                        Resources = new ResourceRequirementsArgs
                        {
                            Requests = { ["cpu"] = "10m", ["memory"] = "16Mi" },
                            Limits = { ["cpu"] = "10m", ["memory"] = "16Mi" },
                        },
                        SecurityContext = new SecurityContextArgs
                        {
                            AllowPrivilegeEscalation = false,
                            ReadOnlyRootFilesystem = true,
                            Capabilities = new CapabilitiesArgs { Drop = { "ALL" } },
                        },
                    },
                },
            },
        };
    }
}
