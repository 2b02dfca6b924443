using System.Collections.Immutable;
using MlPlatform.Components.Aws;
using MlPlatform.Stacks.Configuration;
using MlPlatform.Stacks.Shared;

namespace MlPlatform.Stacks.Aws;

/// <summary>Turns <c>mlplatform:nodePools</c> into Karpenter NodePools and EC2NodeClasses on AWS.</summary>
public static class AwsNodePools
{
    /// <summary>The node class of CPU and memory pools.</summary>
    public const string StandardNodeClass = "standard";

    /// <summary>The node class of GPU pools (a larger volume for CUDA images and model caches).</summary>
    public const string GpuNodeClass = "gpu";

    /// <summary>The label every node carries with its pool's name, for the platform's own selectors.</summary>
    public const string PoolLabel = "mlplatform.io/node-pool";

    /// <summary>The instance families of a pool: the configured ones, or the cloud's default for its role and GPU.</summary>
    public static ImmutableArray<string> InstanceFamilies(NodePoolConfig pool) =>
        !pool.InstanceFamilies.IsDefaultOrEmpty ? pool.InstanceFamilies : pool.Role switch
        {
            NodeRole.Gpu => pool.Accelerator switch
            {
                Accelerator.T4 => ["g4dn"],
                Accelerator.L4 => ["g6"],
                Accelerator.A10G => ["g5"],
                Accelerator.A100 => ["p4d"],
                Accelerator.H100 => ["p5"],
                Accelerator.A10 => throw new ArgumentException($"GPU pool '{pool.Name}' asks for A10 GPUs, which AWS does not offer (validation rejects it).", nameof(pool)),
                _ => throw new ArgumentException($"GPU pool '{pool.Name}' has no accelerator.", nameof(pool)),
            },
            NodeRole.Memory => ["r7i", "r7a", "r6i"],
            _ => ["m7i", "m7a", "m6i", "c7i"],
        };

    /// <summary>The largest node of a pool in vCPUs: 64 for CPU pools, the biggest size of the GPU family otherwise.</summary>
    public static int MaxNodeCpu(NodePoolConfig pool) => pool.Accelerator switch
    {
        Accelerator.T4 or Accelerator.A100 => 96,
        Accelerator.L4 or Accelerator.A10G or Accelerator.H100 => 192,
        _ => 64,
    };

    /// <summary>Karpenter's capacity types for a pool: spot, spot with on-demand fallback, or on-demand.</summary>
    public static ImmutableArray<string> CapacityTypes(NodePoolConfig pool) =>
        pool.Spot ? pool.OnDemandFallback ? ["spot", "on-demand"] : ["spot"] : ["on-demand"];

    /// <summary>The capacity of a pool in words (the plan's node pool table).</summary>
    public static string CapacityDescription(NodePoolConfig pool) =>
        pool.Spot ? pool.OnDemandFallback ? "spot, on-demand fallback" : "spot" : "on-demand";

    /// <summary>The Karpenter NodePool of a configured pool.</summary>
    public static KarpenterNodePool ToKarpenter(NodePoolConfig pool)
    {
        var maxNodeCpu = MaxNodeCpu(pool);
        return new KarpenterNodePool
        {
            Name = pool.Name,
            NodeClassName = pool.IsGpu ? GpuNodeClass : StandardNodeClass,
            InstanceFamilies = InstanceFamilies(pool),
            CapacityTypes = CapacityTypes(pool),
            GpusPerNode = pool.IsGpu ? pool.GpusPerNode : null,
            MaxNodeCpu = maxNodeCpu,
            CpuLimit = pool.CpuLimit ?? pool.Max * maxNodeCpu,
            GpuLimit = pool.EffectiveGpuLimit,
            Labels = pool.Labels.SetItem(PoolLabel, pool.Name),
            Taints = [.. pool.Taints.Select(t => new KarpenterTaint(t.Key, t.Value, t.Effect))],
            Disruption = Disruption(pool),

            // 30 days: longer than any multi-day training run, short enough to pick up fresh node images.
            ExpireAfter = "720h",
        };
    }

    /// <summary>
    /// How Karpenter may take a pool's nodes: training GPU pools (labelled <c>mlplatform.io/workload: training</c>)
    /// only lose empty nodes, never in working hours; other GPU pools consolidate after 10 minutes (GPU nodes take
    /// minutes to start and pull images) and give a draining model server an hour; CPU pools after a minute.
    /// </summary>
    public static KarpenterDisruption Disruption(NodePoolConfig pool) =>
        !pool.IsGpu ? KarpenterDisruption.Consolidating("1m")
        : pool.Labels.GetValueOrDefault(WorkloadLabel) == MlWorkloadsLayer.TrainingWorkloadLabel ? KarpenterDisruption.Training
        : KarpenterDisruption.Consolidating("10m") with { TerminationGracePeriod = "1h" };

    /// <summary>The node label that names a pool's workload.</summary>
    public const string WorkloadLabel = "mlplatform.io/workload";

    /// <summary>The node classes the pools use.</summary>
    public static ImmutableArray<KarpenterNodeClass> NodeClasses(
        PlatformConfig config, AwsConfig aws, string clusterName, ImmutableDictionary<string, string> tags)
    {
        var classes = ImmutableArray.CreateBuilder<KarpenterNodeClass>();
        if (config.NodePools.Any(p => !p.IsGpu))
        {
            classes.Add(new KarpenterNodeClass(StandardNodeClass, clusterName, KarpenterInfrastructure.InstanceProfileNameFor(clusterName),
                aws.NodeImage, aws.NodeImageVersion, 100, tags));
        }

        if (config.NodePools.Any(p => p.IsGpu))
        {
            classes.Add(new KarpenterNodeClass(GpuNodeClass, clusterName, KarpenterInfrastructure.InstanceProfileNameFor(clusterName),
                aws.NodeImage, aws.NodeImageVersion, 300, tags));
        }

        return classes.ToImmutable();
    }

    /// <summary>The <c>nodePools</c> stack output: one entry per pool.</summary>
    public static List<Dictionary<string, object?>> Summary(PlatformConfig config) =>
        [.. config.NodePools.Select(p => new Dictionary<string, object?>
        {
            ["name"] = p.Name,
            ["role"] = ConfigReader.Lower(p.Role),
            ["accelerator"] = p.Accelerator is { } accelerator ? ConfigReader.Lower(accelerator) : null,
            ["min"] = p.Min,
            ["max"] = p.Max,
            ["capacity"] = CapacityDescription(p),
        })];
}
