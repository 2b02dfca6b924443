using System.Collections.Immutable;
using MlPlatform.Components.Kubernetes;
using Pulumi;
using Pulumi.Kubernetes.ApiExtensions;
using Pulumi.Kubernetes.Types.Inputs.Meta.V1;
using CustomResource = Pulumi.Kubernetes.ApiExtensions.CustomResource;

namespace MlPlatform.Components.Addons;

/// <summary>A node taint as a Kueue ResourceFlavor lists it (<c>spec.nodeTaints[]</c>).</summary>
/// <param name="Key">Taint key.</param>
/// <param name="Value">Taint value; null for none.</param>
/// <param name="Effect"><c>NoSchedule</c>, <c>PreferNoSchedule</c> or <c>NoExecute</c>.</param>
public sealed record FlavorTaint(string Key, string? Value, string Effect);

/// <summary>One node pool as a Kueue ResourceFlavor.</summary>
/// <param name="Name">The flavor's name (the pool's).</param>
/// <param name="NodeLabels">The labels that select the pool's nodes; Kueue adds them to admitted pods' node selectors.</param>
/// <param name="Tolerations">Tolerations Kueue adds to admitted pods (the pool's taints but the GPU one).</param>
/// <param name="NodeTaints">Taints only workloads that tolerate them are assigned the flavor for (the GPU taint).</param>
/// <param name="Gpus">The GPUs the pool advertises in total (its GPU limit times its sharing factor); 0 for CPU pools.</param>
public sealed record KueueFlavor(
    string Name,
    ImmutableDictionary<string, string> NodeLabels,
    ImmutableArray<PodToleration> Tolerations,
    ImmutableArray<FlavorTaint> NodeTaints,
    int Gpus);

/// <summary>The queue of one namespace: a ClusterQueue of its own in the cohort and a LocalQueue in the namespace.</summary>
/// <param name="Namespace">The namespace (a team's, or the pipelines').</param>
/// <param name="Cpu">Its CPU quota (the namespace's <c>requests.cpu</c>), per flavor.</param>
/// <param name="Memory">Its memory quota (the namespace's <c>requests.memory</c>), per flavor.</param>
/// <param name="Gpus">Its GPU quota (the namespace's <c>requests.nvidia.com/gpu</c>), per GPU flavor up to the pool's GPUs.</param>
public sealed record KueueTeamQueue(string Namespace, string Cpu, string Memory, int Gpus)
{
    /// <summary>GPUs above its nominal quota the queue may borrow per GPU flavor; null for no limit.</summary>
    public int? BorrowingLimit { get; init; }

    /// <summary>GPUs of its nominal quota it lends per GPU flavor; null lends all.</summary>
    public int? LendingLimit { get; init; }

    /// <summary>Labels of the LocalQueue on top of the common ones (the team label in a team namespace).</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>Inputs of <see cref="KueueQueues"/>.</summary>
public sealed class KueueQueuesArgs
{
    /// <summary>One flavor per node pool, CPU pools first: Kueue tries them in this order.</summary>
    public ImmutableArray<KueueFlavor> Flavors { get; init; } = [];

    /// <summary>One queue per namespace.</summary>
    public ImmutableArray<KueueTeamQueue> Queues { get; init; } = [];

    /// <summary>The cohort every ClusterQueue joins.</summary>
    public string Cohort { get; init; } = "platform";

    /// <summary>The PriorityClasses the WorkloadPriorityClasses mirror.</summary>
    public ImmutableArray<PriorityTier> PriorityTiers { get; init; } = PriorityTier.Ladder;

    /// <summary>What the objects wait for: Kueue's release (its CRDs and webhooks) and the queues' namespaces.</summary>
    public ImmutableArray<Resource> Ready { get; init; } = [];

    /// <summary>Labels on every object.</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// Kueue's queueing objects: a ResourceFlavor per node pool, a ClusterQueue per namespace (nominal quota from the
/// namespace's quota, cpu, memory and <c>nvidia.com/gpu</c> per flavor) all in one cohort, so that idle GPUs are
/// borrowed and reclaimed, a LocalQueue in each namespace, and WorkloadPriorityClasses that mirror the platform's
/// PriorityClasses. Preemption: a queue reclaims its nominal quota from any borrower (<c>reclaimWithinCohort: Any</c>),
/// a borrowing workload preempts only lower-priority work in the cohort, and within a queue higher priority preempts
/// lower.
/// </summary>
public sealed class KueueQueues : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:addons:KueueQueues";

    /// <summary>The API version of Kueue's objects (v1beta2, the storage version of Kueue 0.19).</summary>
    public const string ApiVersion = "kueue.x-k8s.io/v1beta2";

    /// <summary>The name of the LocalQueue in every queueing namespace (the value of <see cref="Kueue.QueueNameLabel"/>).</summary>
    public const string LocalQueueName = "batch";

    /// <summary>The resources every ClusterQueue covers.</summary>
    public static ImmutableArray<string> CoveredResources { get; } = ["cpu", "memory", GpuPlacement.GpuResource];

    /// <summary>Creates the objects.</summary>
    public KueueQueues(string name, KueueQueuesArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var child = new CustomResourceOptions { Parent = this };
        child.DependsOn.AddRange(args.Ready.Select(r => (Input<Resource>)r).ToList());

        Flavors = [.. args.Flavors.Select(f => new CustomResource($"{name}-flavor-{f.Name}", new KubernetesObjectArgs(
            ApiVersion, "ResourceFlavor", AddonResources.Metadata(f.Name, null, args.Labels), FlavorSpec(f).ToImmutableDictionary()), child))];
        PriorityClasses = [.. args.PriorityTiers.Select(t => new CustomResource($"{name}-priority-{t.Name}", new WorkloadPriorityClassArgs(
            AddonResources.Metadata(t.Name, null, args.Labels), t.Value, t.Description), child))];

        var afterFlavors = CustomResourceOptions.Merge(child, new CustomResourceOptions { DependsOn = Flavors.Select(f => (Input<Resource>)f).ToList() });
        var clusterQueues = ImmutableArray.CreateBuilder<CustomResource>();
        var localQueues = ImmutableArray.CreateBuilder<CustomResource>();
        foreach (var queue in args.Queues)
        {
            var clusterQueue = new CustomResource($"{name}-cq-{queue.Namespace}", new KubernetesObjectArgs(
                ApiVersion, "ClusterQueue", AddonResources.Metadata(queue.Namespace, null, args.Labels),
                ClusterQueueSpec(queue, args.Flavors, args.Cohort).ToImmutableDictionary()), afterFlavors);
            clusterQueues.Add(clusterQueue);
            localQueues.Add(new CustomResource($"{name}-lq-{queue.Namespace}", new KubernetesObjectArgs(
                ApiVersion, "LocalQueue", AddonResources.Metadata(LocalQueueName, queue.Namespace, args.Labels, queue.Labels),
                LocalQueueSpec(queue).ToImmutableDictionary()), CustomResourceOptions.Merge(child, new CustomResourceOptions { DependsOn = { clusterQueue } })));
        }

        ClusterQueues = clusterQueues.ToImmutable();
        LocalQueues = localQueues.ToImmutable();
        RegisterOutputs(new Dictionary<string, object?>
        {
            ["flavors"] = args.Flavors.Select(f => f.Name).ToArray(),
            ["clusterQueues"] = args.Queues.Select(q => q.Namespace).ToArray(),
            ["cohort"] = args.Cohort,
        });
    }

    /// <summary>The ResourceFlavors, one per pool.</summary>
    public ImmutableArray<CustomResource> Flavors { get; }

    /// <summary>The ClusterQueues, one per namespace.</summary>
    public ImmutableArray<CustomResource> ClusterQueues { get; }

    /// <summary>The LocalQueues, one per namespace.</summary>
    public ImmutableArray<CustomResource> LocalQueues { get; }

    /// <summary>The WorkloadPriorityClasses, one per PriorityClass.</summary>
    public ImmutableArray<CustomResource> PriorityClasses { get; }

    /// <summary>The ResourceFlavor <c>spec</c> of a pool.</summary>
    public static Dictionary<string, object> FlavorSpec(KueueFlavor flavor)
    {
        var spec = new Dictionary<string, object>();
        if (!flavor.NodeLabels.IsEmpty)
        {
            spec["nodeLabels"] = flavor.NodeLabels.OrderBy(l => l.Key, StringComparer.Ordinal).ToDictionary(l => l.Key, l => (object)l.Value);
        }

        if (!flavor.NodeTaints.IsEmpty)
        {
            spec["nodeTaints"] = flavor.NodeTaints.Select(t =>
            {
                var taint = new Dictionary<string, object> { ["key"] = t.Key, ["effect"] = t.Effect };
                if (t.Value is not null)
                {
                    taint["value"] = t.Value;
                }

                return (object)taint;
            }).ToArray();
        }

        if (!flavor.Tolerations.IsEmpty)
        {
            spec["tolerations"] = PodToleration.List(flavor.Tolerations);
        }

        return spec;
    }

    /// <summary>
    /// The ClusterQueue <c>spec</c> of a namespace: one resource group over cpu, memory and GPUs with every flavor;
    /// per flavor the namespace's cpu and memory quota, and its GPU quota up to the pool's GPUs (none on CPU pools).
    /// </summary>
    public static Dictionary<string, object> ClusterQueueSpec(KueueTeamQueue queue, ImmutableArray<KueueFlavor> flavors, string cohort) => new()
    {
        ["cohortName"] = cohort,
        ["namespaceSelector"] = new Dictionary<string, object>
        {
            ["matchLabels"] = new Dictionary<string, object> { ["kubernetes.io/metadata.name"] = queue.Namespace },
        },
        ["queueingStrategy"] = "BestEffortFIFO",
        ["resourceGroups"] = new object[]
        {
            new Dictionary<string, object>
            {
                ["coveredResources"] = CoveredResources.Cast<object>().ToArray(),
                ["flavors"] = flavors.Select(f => (object)new Dictionary<string, object>
                {
                    ["name"] = f.Name,
                    ["resources"] = new object[]
                    {
                        new Dictionary<string, object> { ["name"] = "cpu", ["nominalQuota"] = queue.Cpu },
                        new Dictionary<string, object> { ["name"] = "memory", ["nominalQuota"] = queue.Memory },
                        GpuQuota(queue, f),
                    },
                }).ToArray(),
            },
        },
        ["preemption"] = new Dictionary<string, object>
        {
            ["reclaimWithinCohort"] = "Any",
            ["borrowWithinCohort"] = new Dictionary<string, object> { ["policy"] = "LowerPriority" },
            ["withinClusterQueue"] = "LowerPriority",
        },
    };

    /// <summary>The nominal GPU quota of a namespace on one flavor: its GPU quota up to the pool's GPUs.</summary>
    public static int NominalGpus(KueueTeamQueue queue, KueueFlavor flavor) => Math.Min(queue.Gpus, flavor.Gpus);

    private static Dictionary<string, object> GpuQuota(KueueTeamQueue queue, KueueFlavor flavor)
    {
        var nominal = NominalGpus(queue, flavor);
        var quota = new Dictionary<string, object> { ["name"] = GpuPlacement.GpuResource, ["nominalQuota"] = nominal.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (flavor.Gpus > 0 && queue.BorrowingLimit is { } borrowing)
        {
            quota["borrowingLimit"] = borrowing.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (flavor.Gpus > 0 && queue.LendingLimit is { } lending)
        {
            // Kueue refuses a lending limit above the nominal quota.
            quota["lendingLimit"] = Math.Min(lending, nominal).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return quota;
    }

    /// <summary>The LocalQueue <c>spec</c> of a namespace: its own ClusterQueue.</summary>
    public static Dictionary<string, object> LocalQueueSpec(KueueTeamQueue queue) => new() { ["clusterQueue"] = queue.Namespace };

    /// <summary>A WorkloadPriorityClass: value and description at the top level, no <c>spec</c>.</summary>
    private sealed class WorkloadPriorityClassArgs : CustomResourceArgs
    {
        public WorkloadPriorityClassArgs(ObjectMetaArgs metadata, int value, string description)
            : base(KueueQueues.ApiVersion, "WorkloadPriorityClass")
        {
            Metadata = metadata;
            Value = value;
            Description = description;
        }

        [Input("value")]
        public Input<int> Value { get; set; }

        [Input("description")]
        public Input<string> Description { get; set; }
    }
}
