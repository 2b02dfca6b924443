using System.Collections.Immutable;

namespace MlPlatform.Components.Addons;

/// <summary>
/// Where a GPU pod goes: the node labels of its GPU pool, the toleration of the <c>nvidia.com/gpu</c> NoSchedule
/// taint every GPU node carries (so that only pods asking for GPUs land there), and the tolerations of the pool's
/// other taints (its own, and those its cloud adds, such as the spot taint of AKS spot nodes).
/// </summary>
/// <param name="NodeSelector">The labels of the pool's nodes; empty when no pool is known (any GPU node).</param>
public sealed record GpuPlacement(ImmutableDictionary<string, string> NodeSelector)
{
    /// <summary>The taint key of GPU nodes, also the extended resource name of a GPU.</summary>
    public const string GpuResource = "nvidia.com/gpu";

    /// <summary>Any node with GPUs: no pool labels, only the taint toleration.</summary>
    public static GpuPlacement AnyGpuNode { get; } = new(ImmutableDictionary<string, string>.Empty);

    /// <summary>The tolerations of the pool's taints besides the GPU one.</summary>
    public ImmutableArray<PodToleration> PoolTolerations { get; init; } = [];

    /// <summary>The <c>tolerations</c> list of a GPU pod: the GPU taint's and the pool's.</summary>
    public object[] Tolerations() => PodToleration.List([PodToleration.Gpu, .. PoolTolerations]);

    /// <summary>The <c>nodeSelector</c> map of a GPU pod.</summary>
    public Dictionary<string, object> NodeSelectorMap() =>
        NodeSelector.OrderBy(l => l.Key, StringComparer.Ordinal).ToDictionary(l => l.Key, l => (object)l.Value);
}
