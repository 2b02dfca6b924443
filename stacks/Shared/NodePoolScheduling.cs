using System.Collections.Immutable;
using MlPlatform.Components.Addons;
using MlPlatform.Stacks.Configuration;

namespace MlPlatform.Stacks.Shared;

/// <summary>
/// Which taints the nodes of a pool really carry (the pool's own, and those the cloud adds, such as AKS's spot taint)
/// and the tolerations that follow, so that workloads placed on a pool can schedule there on every cloud.
/// </summary>
public static class NodePoolScheduling
{
    /// <summary>The taints of a pool's nodes: the configured ones, plus the cloud's spot taints on spot pools.</summary>
    public static ImmutableArray<TaintConfig> NodeTaints(NodePoolConfig pool, CloudIntegration cloud) =>
        pool.Spot ? [.. pool.Taints, .. cloud.SpotNodeTaints] : pool.Taints;

    /// <summary>The tolerations of some taints (by key and effect, whatever their value), each once.</summary>
    public static ImmutableArray<PodToleration> Tolerations(IEnumerable<TaintConfig> taints) =>
        [.. taints.Select(t => new PodToleration(t.Key, t.Effect)).Distinct()];

    /// <summary>A GPU pod on this pool: the cloud's node selector of the pool (its labels unless the cloud selects it otherwise), and the tolerations of its nodes' taints.</summary>
    public static GpuPlacement PlacementOn(NodePoolConfig pool, CloudIntegration cloud) => new(cloud.NodeSelectorFor(pool))
    {
        PoolTolerations = Tolerations(NodeTaints(pool, cloud).Where(t => t.Key != GpuPlacement.GpuResource)),
    };

    /// <summary>
    /// The tolerations batch work (pipelines) carries so that it may run on the stack's spot pools: the cloud's spot
    /// taints when any pool is spot, none otherwise.
    /// </summary>
    public static ImmutableArray<PodToleration> SpotTolerations(PlatformConfig config, CloudIntegration cloud) =>
        config.NodePools.Any(p => p.Spot) ? Tolerations(cloud.SpotNodeTaints) : [];

    /// <summary>The tolerations node agents of GPU nodes need (GPU operator daemonsets): every GPU pool's node taints but the GPU one.</summary>
    public static ImmutableArray<PodToleration> GpuNodeTolerations(PlatformConfig config, CloudIntegration cloud) =>
        Tolerations(config.NodePools.Where(p => p.IsGpu).SelectMany(p => NodeTaints(p, cloud)).Where(t => t.Key != GpuPlacement.GpuResource));
}
