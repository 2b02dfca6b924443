using System.Collections.Immutable;
using MlPlatform.Components.Addons;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Stacks.Configuration;
using Pulumi;

namespace MlPlatform.Stacks.Shared;

/// <summary>
/// Kueue on every cloud, from the same typed node pools and namespace quotas the clouds use: the chart in its
/// guarded namespace, a ResourceFlavor per pool (its nodes' labels, taints and tolerations as the cloud renders
/// them), a ClusterQueue and a LocalQueue per queueing namespace (each team, and the pipelines' namespace) in one
/// cohort, and WorkloadPriorityClasses mirroring the PriorityClasses.
/// </summary>
public static class KueuePlan
{
    /// <summary>The namespaces whose batch work Kueue queues, in configuration order.</summary>
    public static ImmutableArray<string> QueueNamespaces(PlatformConfig config) =>
        config.Addons.Kueue ? [.. config.Namespaces.Where(ConfigReader.IsKueueNamespace).Select(n => n.Name)] : [];

    /// <summary>The LocalQueue a namespace's Jobs and workflow pods name; null when Kueue does not queue it.</summary>
    public static string? QueueNameIn(PlatformConfig config, string @namespace) =>
        QueueNamespaces(config).Contains(@namespace) ? KueueQueues.LocalQueueName : null;

    /// <summary>One flavor per node pool, CPU and memory pools first (Kueue tries flavors in order, so CPU work fills them before a GPU pool).</summary>
    public static ImmutableArray<KueueFlavor> Flavors(PlatformConfig config, CloudIntegration cloud) =>
    [
        .. config.NodePools.OrderBy(p => p.IsGpu).Select(pool =>
        {
            var taints = NodePoolScheduling.NodeTaints(pool, cloud);
            return new KueueFlavor(
                pool.Name,
                cloud.NodeSelectorFor(pool),
                NodePoolScheduling.Tolerations(taints.Where(t => t.Key != GpuPlacement.GpuResource)),
                [.. taints.Where(t => t.Key == GpuPlacement.GpuResource).Select(t => new FlavorTaint(t.Key, t.Value, t.Effect))],
                AdvertisedGpus(pool));
        }),
    ];

    /// <summary>The GPUs a pool offers Kueue: its GPU limit (0 for CPU pools).</summary>
    public static int AdvertisedGpus(NodePoolConfig pool) => pool.IsGpu ? pool.EffectiveGpuLimit : 0;

    /// <summary>One queue per queueing namespace, its quota from the namespace's ResourceQuota and its limits from <c>mlplatform:kueue.teams</c>.</summary>
    public static ImmutableArray<KueueTeamQueue> Queues(PlatformConfig config) =>
    [
        .. QueueNamespaces(config).Select(name =>
        {
            var ns = config.FindNamespace(name)!;
            var limits = config.Kueue.LimitsFor(name);
            return new KueueTeamQueue(name, ns.Quota.RequestsCpu, ns.Quota.RequestsMemory, WholeGpus(ns.Quota.Gpus))
            {
                BorrowingLimit = limits.BorrowingLimit,
                LendingLimit = limits.LendingLimit,
                Labels = ns.IsTeam ? ImmutableDictionary<string, string>.Empty.Add(PlatformLabels.Team, ns.Name) : ImmutableDictionary<string, string>.Empty,
            };
        }),
    ];

    /// <summary>Installs Kueue and its queues when <c>mlplatform:kueue</c> is on; returns the release, or null.</summary>
    /// <param name="config">The validated configuration.</param>
    /// <param name="tenancy">The tenancy layer (the namespaces and PriorityClasses).</param>
    /// <param name="cloud">The cloud's node-pool facts.</param>
    /// <param name="inNamespace">The options of a release in a platform namespace (its guard rails first).</param>
    /// <param name="options">The provider.</param>
    public static Resource? Deploy(
        PlatformConfig config, Tenancy tenancy, CloudIntegration cloud, Func<string, ComponentResourceOptions> inNamespace, ComponentResourceOptions options)
    {
        if (!config.Addons.Kueue)
        {
            return null;
        }

        var namespaces = QueueNamespaces(config);
        var kueue = new Kueue("kueue", new KueueArgs
        {
            Namespace = tenancy.Namespaces[PlatformNamespaces.Kueue].NamespaceName,
            ManagedNamespaces = namespaces,
            HighAvailability = config.IsProduction,
            PriorityClassName = PriorityTier.Ladder[0].Name,
        }, inNamespace(PlatformNamespaces.Kueue));

        _ = new KueueQueues("kueue-queues", new KueueQueuesArgs
        {
            Flavors = Flavors(config, cloud),
            Queues = Queues(config),
            Cohort = config.Kueue.Cohort,
            PriorityTiers = PriorityTier.Ladder,
            Ready = [kueue.Release, .. namespaces.Select(n => (Resource)tenancy.Namespaces[n])],
            Labels = TenancyPlan.CommonLabels(config),
        }, options);
        return kueue.Release;
    }

    private static int WholeGpus(string quantity) => (int)Math.Min(Math.Floor(Quantities.Value(quantity) ?? 0), int.MaxValue);
}
