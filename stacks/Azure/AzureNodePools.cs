using System.Collections.Immutable;
using System.Text.RegularExpressions;
using MlPlatform.Components.Azure;
using MlPlatform.Stacks.Configuration;

namespace MlPlatform.Stacks.Azure;

/// <summary>Turns <c>mlplatform:nodePools</c> into AKS agent pools.</summary>
public static partial class AzureNodePools
{
    /// <summary>The system pool's AKS name.</summary>
    public const string SystemPoolName = AksCluster.SystemPoolName;

    /// <summary>The label every node carries with its pool's name, for the platform's own selectors.</summary>
    public const string PoolLabel = "mlplatform.io/node-pool";

    /// <summary>The node label prefix AKS keeps for itself.</summary>
    public const string ReservedLabelPrefix = "kubernetes.azure.com/";

    /// <summary>The taint AKS puts on spot nodes, as the shared layers see it.</summary>
    public static TaintConfig SpotTaint { get; } = new("kubernetes.azure.com/scalesetpriority", "spot", "NoSchedule");

    /// <summary>
    /// The AKS agent pool name of a pool: its letters and digits, at most 12 (AKS's limit for Linux pools); the
    /// pool's own name stays on its nodes as <see cref="PoolLabel"/>.
    /// </summary>
    public static string AgentPoolName(string poolName)
    {
        var name = new string([.. poolName.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit)]);
        return name[..Math.Min(name.Length, 12)];
    }

    /// <summary>True when AKS installs the NVIDIA driver on this pool: without the GPU operator, and always for A10 (NVadsA10 v5 needs AKS's GRID driver).</summary>
    public static bool AksInstallsGpuDriver(NodePoolConfig pool, bool gpuOperator) =>
        pool.IsGpu && (!gpuOperator || pool.Accelerator == Accelerator.A10);

    /// <summary>
    /// True for the VM sizes known to support encryption at host: the general-purpose and memory-optimised v4 to v6
    /// sizes. GPU sizes are left without it until their support is confirmed for each family.
    /// </summary>
    public static bool SupportsEncryptionAtHost(string vmSize) => GeneralPurposeSize().IsMatch(vmSize);

    /// <summary>The AKS agent pool of a configured pool.</summary>
    public static AksNodePoolSpec ToAgentPool(NodePoolConfig pool, AzureConfig azure, bool gpuOperator)
    {
        var size = AzureVmSizes.SizeOf(pool);
        var aksDriver = AksInstallsGpuDriver(pool, gpuOperator);
        return new AksNodePoolSpec
        {
            Name = pool.Name,
            AgentPoolName = AgentPoolName(pool.Name),
            VmSize = size,
            Min = pool.Min,
            Max = pool.Max,
            Spot = pool.Spot,

            // NVIDIA's driver containers (the GPU operator) run on Ubuntu nodes.
            Os = pool.IsGpu && !aksDriver ? AzureNodeOs.Ubuntu : azure.NodeOs,

            // CUDA images and model caches are large.
            OsDiskSizeGb = pool.IsGpu ? 256 : 128,
            EncryptionAtHost = SupportsEncryptionAtHost(size),
            InstallGpuDriver = pool.IsGpu ? aksDriver : null,
            Labels = pool.Labels.SetItem(PoolLabel, pool.Name),
            Taints = [.. pool.Taints.Select(t => AksNodePools.Taint(t.Key, t.Value, t.Effect))],
        };
    }

    /// <summary>The capacity of a pool in words (the plan's node pool table).</summary>
    public static string CapacityDescription(NodePoolConfig pool) => pool.Spot ? "spot" : "regular";

    /// <summary>The <c>nodePools</c> stack output: one entry per pool.</summary>
    public static List<Dictionary<string, object?>> Summary(PlatformConfig config) =>
        [.. config.NodePools.Select(p => new Dictionary<string, object?>
        {
            ["name"] = p.Name,
            ["agentPool"] = AgentPoolName(p.Name),
            ["role"] = ConfigReader.Lower(p.Role),
            ["accelerator"] = p.Accelerator is { } accelerator ? ConfigReader.Lower(accelerator) : null,
            ["vmSize"] = AzureVmSizes.SizeOf(p),
            ["min"] = p.Min,
            ["max"] = p.Max,
            ["capacity"] = CapacityDescription(p),
        })];

    [GeneratedRegex(@"\AStandard_[DE][0-9]+[a-z]*_v[4-6]\z")]
    private static partial Regex GeneralPurposeSize();
}
