using System.Collections.Immutable;

namespace MlPlatform.Stacks.Configuration;

/// <summary>One autoscaled pool of workload nodes (an entry of <c>mlplatform:nodePools</c>).</summary>
public sealed record NodePoolConfig
{
    /// <summary>DNS-1123 label, unique among the pools.</summary>
    public required string Name { get; init; }

    /// <summary>The shape of the machines.</summary>
    public required NodeRole Role { get; init; }

    /// <summary>The GPU model; required for <see cref="NodeRole.Gpu"/> pools and forbidden otherwise.</summary>
    public Accelerator? Accelerator { get; init; }

    /// <summary>Fewest nodes; 0 lets the pool scale to zero when idle.</summary>
    public required int Min { get; init; }

    /// <summary>Most nodes.</summary>
    public required int Max { get; init; }

    /// <summary>Run on spot / preemptible capacity.</summary>
    public bool Spot { get; init; }

    /// <summary>With <see cref="Spot"/>: fall back to on-demand when no spot capacity is available.</summary>
    public bool OnDemandFallback { get; init; }

    /// <summary>Instance families to choose from (e.g. <c>g6</c>, <c>p5</c>); empty takes the cloud's default for the role and accelerator.</summary>
    public ImmutableArray<string> InstanceFamilies { get; init; } = [];

    /// <summary>GPUs per node, used to derive the pool's GPU limit (<see cref="Max"/> x this).</summary>
    public int GpusPerNode { get; init; } = 1;

    /// <summary>The most vCPUs the pool may provision in total; null derives it from <see cref="Max"/>.</summary>
    public int? CpuLimit { get; init; }

    /// <summary>The most GPUs the pool may provision in total; null is <see cref="Max"/> x <see cref="GpusPerNode"/>.</summary>
    public int? GpuLimit { get; init; }

    /// <summary>Node labels.</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Node taints; GPU pools must carry <c>nvidia.com/gpu</c> with effect NoSchedule.</summary>
    public ImmutableArray<TaintConfig> Taints { get; init; } = [];

    /// <summary>True for GPU pools.</summary>
    public bool IsGpu => Role == NodeRole.Gpu;

    /// <summary>The total GPU limit of the pool: the configured one, or max nodes times GPUs per node.</summary>
    public int EffectiveGpuLimit => GpuLimit ?? (IsGpu ? Max * GpusPerNode : 0);
}
