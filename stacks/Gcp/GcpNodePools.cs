using System.Collections.Immutable;
using MlPlatform.Components.Gcp;
using MlPlatform.Stacks.Configuration;

namespace MlPlatform.Stacks.Gcp;

/// <summary>
/// Turns <c>mlplatform:systemNodePool</c> and <c>mlplatform:nodePools</c> into GKE node pools, Node Auto-Provisioning
/// limits and ComputeClasses.
/// </summary>
public static class GcpNodePools
{
    /// <summary>The label every node carries with its pool's name, for the platform's own selectors.</summary>
    public const string PoolLabel = "mlplatform.io/node-pool";

    /// <summary>The node label of the system pool; platform controllers may select it.</summary>
    public const string SystemNodeLabel = "mlplatform.io/node-role";

    /// <summary>The taint key of the system pool (PreferNoSchedule: workloads go to their own pools when they exist).</summary>
    public const string SystemNodeTaint = "mlplatform.io/system";

    /// <summary>GKE's driver installation on the GPU pools: the newest driver GKE offers for the node version.</summary>
    public const string GpuDriverVersion = "LATEST";

    /// <summary>The boot disk of GPU nodes: CUDA images and model caches are large.</summary>
    public const int GpuDiskSizeGb = 200;

    /// <summary>The boot disk of CPU nodes.</summary>
    public const int CpuDiskSizeGb = 100;

    /// <summary>The zones GKE spreads a regional cluster's node pools over.</summary>
    public const int RegionalZones = 3;

    /// <summary>The machine of a pool: the GPU series' size with its GPU count, or the CPU machine type.</summary>
    public static GcpMachine MachineFor(NodePoolConfig pool)
    {
        var family = pool.InstanceFamilies.IsDefaultOrEmpty ? null : pool.InstanceFamilies[0];
        if (pool.Accelerator is { } accelerator)
        {
            return GcpMachines.SeriesFor(accelerator, family, pool.GpusPerNode)?.WithGpus(pool.GpusPerNode)
                ?? throw new ArgumentException($"GPU pool '{pool.Name}' matches no GCP machine type (configuration validation refuses it).", nameof(pool));
        }

        var machineType = family ?? (pool.Role == NodeRole.Memory ? GcpMachines.DefaultMemoryMachine : GcpMachines.DefaultCpuMachine);
        return GcpMachines.CpuMachine(machineType)
            ?? throw new ArgumentException($"Pool '{pool.Name}' names the unknown machine type '{machineType}'.", nameof(pool));
    }

    /// <summary>The GPUs of a pool's machines, installed by GKE; null for CPU pools.</summary>
    public static GkeAccelerator? AcceleratorFor(NodePoolConfig pool)
    {
        if (pool.Accelerator is not { } accelerator)
        {
            return null;
        }

        var family = pool.InstanceFamilies.IsDefaultOrEmpty ? null : pool.InstanceFamilies[0];
        var series = GcpMachines.SeriesFor(accelerator, family, pool.GpusPerNode)!;
        return new GkeAccelerator(series.AcceleratorType, pool.GpusPerNode, GpuDriverVersion);
    }

    /// <summary>True when a pool gets a ComputeClass: Spot with on-demand fallback.</summary>
    public static bool HasComputeClass(NodePoolConfig pool) => pool.Spot && pool.OnDemandFallback;

    /// <summary>The system pool: on-demand, over the cluster's zones, lightly tainted.</summary>
    public static GkeNodePoolSpec System(PlatformConfig config, GcpConfig gcp)
    {
        var zones = gcp.IsRegional ? RegionalZones : 1;
        return new GkeNodePoolSpec
        {
            Name = ConfigReader.GkeSystemPoolName,
            MachineType = gcp.SystemMachineType,
            Min = config.SystemNodePool.Min,
            Max = config.SystemNodePool.Max,
            InitialNodeCountPerZone = Math.Max(1, InitialPerZone(config.SystemNodePool.Desired, config.SystemNodePool.Max, zones)),
            DiskSizeGb = CpuDiskSizeGb,
            Labels = ImmutableDictionary<string, string>.Empty.Add(SystemNodeLabel, "system").Add(PoolLabel, ConfigReader.GkeSystemPoolName),
            Taints = [new GkeTaint(SystemNodeTaint, "true", "PREFER_NO_SCHEDULE")],
            LocationPolicy = "BALANCED",
        };
    }

    /// <summary>The GKE node pool of a configured pool.</summary>
    public static GkeNodePoolSpec ToGke(NodePoolConfig pool, GcpConfig gcp)
    {
        var machine = MachineFor(pool);
        var nodeLocations = pool.IsGpu && !gcp.GpuZones.IsDefaultOrEmpty ? gcp.GpuZones : [];
        var zones = !nodeLocations.IsEmpty ? nodeLocations.Length : gcp.IsRegional ? RegionalZones : 1;
        var labels = pool.Labels.SetItem(PoolLabel, pool.Name);
        var taints = pool.Taints
            // GKE taints GPU nodes nvidia.com/gpu=present:NoSchedule itself; a second one of that key and effect would conflict.
            .Where(t => !(pool.IsGpu && t.Key == TaintConfig.Gpu.Key && t.Effect == TaintConfig.Gpu.Effect))
            .Select(t => new GkeTaint(t.Key, t.Value ?? string.Empty, Effect(t.Effect)))
            .ToList();
        if (HasComputeClass(pool))
        {
            // A node pool serves a ComputeClass when it carries the class's label and taint.
            labels = labels.SetItem(GkeComputeClasses.ClassLabel, pool.Name);
            taints.Add(new GkeTaint(GkeComputeClasses.ClassLabel, pool.Name, "NO_SCHEDULE"));
        }

        return new GkeNodePoolSpec
        {
            Name = pool.Name,
            MachineType = machine.MachineType,
            Min = pool.Min,
            Max = pool.Max,
            InitialNodeCountPerZone = InitialPerZone(pool.Min, pool.Max, zones),
            Spot = pool.Spot,
            Accelerator = AcceleratorFor(pool),
            DiskSizeGb = pool.IsGpu ? GpuDiskSizeGb : CpuDiskSizeGb,
            Labels = labels,
            Taints = [.. taints],
            NodeLocations = nodeLocations,
            // Spot and GPU capacity is where it is: take any zone that has it.
            LocationPolicy = pool.Spot || pool.IsGpu ? "ANY" : "BALANCED",
        };
    }

    /// <summary>
    /// Node Auto-Provisioning's cluster-wide limits. They cap every node pool, the explicit ones included, so they
    /// are the sums of the pools' maxima: vCPUs and memory (GB) of the system pool and every configured pool, and
    /// per GPU type the pools' GPU limits (pool max x GPUs per node unless configured).
    /// </summary>
    public static ImmutableArray<AutoscalingLimit> AutoscalingLimits(PlatformConfig config, GcpConfig gcp)
    {
        var system = GcpMachines.CpuMachine(gcp.SystemMachineType)!;
        var cpu = config.SystemNodePool.Max * system.Vcpus;
        var memory = config.SystemNodePool.Max * system.MemoryGb;
        foreach (var pool in config.NodePools)
        {
            var machine = MachineFor(pool);
            var poolCpu = pool.CpuLimit ?? pool.Max * machine.Vcpus;
            cpu += poolCpu;
            memory += CeilingDivide(poolCpu * machine.MemoryGb, machine.Vcpus);
        }

        var gpus = config.NodePools
            .Where(p => p.IsGpu)
            .GroupBy(p => AcceleratorFor(p)!.Type)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new AutoscalingLimit(g.Key, g.Sum(p => p.EffectiveGpuLimit)));
        return [new AutoscalingLimit("cpu", cpu), new AutoscalingLimit("memory", memory), .. gpus];
    }

    /// <summary>The ComputeClasses of the Spot pools with on-demand fallback.</summary>
    public static ImmutableArray<GkeComputeClass> ComputeClasses(PlatformConfig config) =>
        [.. config.NodePools.Where(HasComputeClass).Select(p => new GkeComputeClass(
            p.Name, p.Name, MachineFor(p).MachineType, AcceleratorFor(p), p.IsGpu ? GpuDiskSizeGb : CpuDiskSizeGb))];

    /// <summary>
    /// How pods reach the capacity of pools with a ComputeClass: by selecting the class, which spans the Spot pool and
    /// the on-demand nodes auto-provisioned for it (those carry the class's label, not the pool's).
    /// </summary>
    public static ImmutableDictionary<string, ImmutableDictionary<string, string>> NodeSelectors(PlatformConfig config) =>
        config.NodePools.Where(HasComputeClass).ToImmutableDictionary(
            p => p.Name,
            p => ImmutableDictionary<string, string>.Empty.Add(GkeComputeClasses.ClassLabel, p.Name));

    /// <summary>The <c>nodePools</c> stack output: one entry per configured pool.</summary>
    public static List<Dictionary<string, object?>> Summary(PlatformConfig config) =>
        [.. config.NodePools.Select(p => new Dictionary<string, object?>
        {
            ["name"] = p.Name,
            ["role"] = ConfigReader.Lower(p.Role),
            ["accelerator"] = p.Accelerator is { } accelerator ? ConfigReader.Lower(accelerator) : null,
            ["machineType"] = MachineFor(p).MachineType,
            ["min"] = p.Min,
            ["max"] = p.Max,
            ["capacity"] = p.Spot ? HasComputeClass(p) ? "spot, on-demand fallback" : "spot" : "on-demand",
        })];

    private static string Effect(string kubernetesEffect) => kubernetesEffect switch
    {
        "NoSchedule" => "NO_SCHEDULE",
        "PreferNoSchedule" => "PREFER_NO_SCHEDULE",
        "NoExecute" => "NO_EXECUTE",
        _ => throw new ArgumentException($"'{kubernetesEffect}' is not a taint effect.", nameof(kubernetesEffect)),
    };

    /// <summary>Nodes per zone at creation: enough for the target over all zones, without passing the pool's maximum.</summary>
    private static int InitialPerZone(int target, int max, int zones)
    {
        var perZone = CeilingDivide(target, zones);
        return perZone * zones <= max ? perZone : target / zones;
    }

    private static int CeilingDivide(int value, int divisor) => (value + divisor - 1) / divisor;
}
