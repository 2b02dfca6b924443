using System.Collections.Immutable;

namespace MlPlatform.Components.Addons;

/// <summary>
/// Where a GPU pod goes: the node labels of its GPU pool, and the toleration of the <c>nvidia.com/gpu</c>
/// NoSchedule taint every GPU node carries (so that only pods asking for GPUs land there).
/// </summary>
/// <param name="NodeSelector">The labels of the pool's nodes; empty when no pool is known (any GPU node).</param>
public sealed record GpuPlacement(ImmutableDictionary<string, string> NodeSelector)
{
    /// <summary>The taint key of GPU nodes, also the extended resource name of a GPU.</summary>
    public const string GpuResource = "nvidia.com/gpu";

    /// <summary>Any node with GPUs: no pool labels, only the taint toleration.</summary>
    public static GpuPlacement AnyGpuNode { get; } = new(ImmutableDictionary<string, string>.Empty);

    /// <summary>The <c>tolerations</c> list of a GPU pod.</summary>
    public static object[] Tolerations() =>
    [
        new Dictionary<string, object> { ["key"] = GpuResource, ["operator"] = "Exists", ["effect"] = "NoSchedule" },
    ];

    /// <summary>The <c>nodeSelector</c> map of a GPU pod.</summary>
    public Dictionary<string, object> NodeSelectorMap() =>
        NodeSelector.OrderBy(l => l.Key, StringComparer.Ordinal).ToDictionary(l => l.Key, l => (object)l.Value);
}
