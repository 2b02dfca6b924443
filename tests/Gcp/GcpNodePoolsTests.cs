using System.Collections.Immutable;
using MlPlatform.Components.Gcp;
using MlPlatform.Stacks.Configuration;
using MlPlatform.Stacks.Gcp;
using Xunit;

namespace MlPlatform.Tests.Gcp;

public class GcpNodePoolsTests
{
    private static readonly GcpConfig Regional = new() { ProjectId = "acme-ml", Database = new("db-custom-1-3840", 20, 7, "17") };

    private static NodePoolConfig Gpu(string name, Accelerator accelerator, int max, int gpus = 1, bool spot = false, bool fallback = false, int? gpuLimit = null) => new()
    {
        Name = name,
        Role = NodeRole.Gpu,
        Accelerator = accelerator,
        Min = 0,
        Max = max,
        GpusPerNode = gpus,
        GpuLimit = gpuLimit,
        Spot = spot,
        OnDemandFallback = fallback,
        Labels = ImmutableDictionary<string, string>.Empty.Add("mlplatform.io/workload", name),
        Taints = [TaintConfig.Gpu, new TaintConfig("dedicated", null, "NoExecute")],
    };

    private static readonly PlatformConfig Base = ConfigReader.Read(key => key switch
    {
        "cloud" => "gcp",
        "environment" => "staging",
        "region" => "us-central1",
        "gcp" => """{"projectId": "acme-ml"}""",
        "systemNodePool" => """{"instanceType": "n2-standard-4", "min": 3, "max": 4, "desired": 3}""",
        _ => null,
    });

    private static PlatformConfig Config(params NodePoolConfig[] pools) => Base with { NodePools = [.. pools] };

    [Fact]
    public void Gpu_pools_keep_their_taints_but_leave_the_gpu_taint_to_gke()
    {
        var spec = GcpNodePools.ToGke(Gpu("inference", Accelerator.L4, 4, spot: true), Regional);

        Assert.Equal(("g2-standard-8", true, "ANY", 200), (spec.MachineType, spec.Spot, spec.LocationPolicy, spec.DiskSizeGb));
        Assert.Equal(new GkeAccelerator("nvidia-l4", 1, "LATEST"), spec.Accelerator);
        Assert.Equal(new[] { new GkeTaint("dedicated", "", "NO_EXECUTE") }, spec.Taints.ToArray());
        Assert.Equal("inference", spec.Labels[GcpNodePools.PoolLabel]);
        Assert.Equal(0, spec.InitialNodeCountPerZone);
        Assert.True(spec.NodeLocations.IsEmpty);
    }

    [Fact]
    public void Gpu_zones_pin_gpu_pools_only()
    {
        var gcp = Regional with { GpuZones = ["us-central1-a", "us-central1-c"] };
        Assert.Equal(new[] { "us-central1-a", "us-central1-c" }, GcpNodePools.ToGke(Gpu("g", Accelerator.T4, 2), gcp).NodeLocations.ToArray());

        var cpu = new NodePoolConfig { Name = "batch", Role = NodeRole.Cpu, Min = 4, Max = 9 };
        var spec = GcpNodePools.ToGke(cpu, gcp);
        Assert.True(spec.NodeLocations.IsEmpty);
        Assert.Equal(("n2-standard-8", "BALANCED", 2, false), (spec.MachineType, spec.LocationPolicy, spec.InitialNodeCountPerZone, spec.Spot));
        Assert.Null(spec.Accelerator);
    }

    [Fact]
    public void Spot_pools_with_fallback_join_a_compute_class_that_places_their_pods()
    {
        var pool = Gpu("inference", Accelerator.L4, 4, spot: true, fallback: true);
        var spec = GcpNodePools.ToGke(pool, Regional);

        Assert.Equal("inference", spec.Labels[GkeComputeClasses.ClassLabel]);
        Assert.Contains(new GkeTaint(GkeComputeClasses.ClassLabel, "inference", "NO_SCHEDULE"), spec.Taints);
        var computeClass = Assert.Single(GcpNodePools.ComputeClasses(Config(pool, Gpu("training", Accelerator.H100, 1, 8))));
        Assert.Equal(new GkeComputeClass("inference", "inference", "g2-standard-8", new GkeAccelerator("nvidia-l4", 1, "LATEST"), 200), computeClass);
        var selectors = GcpNodePools.NodeSelectors(Config(pool));
        Assert.Equal("inference", Assert.Single(selectors["inference"]).Value);
    }

    [Fact]
    public void Nap_limits_sum_every_pool_and_group_gpus_by_accelerator_type()
    {
        var config = Config(
            Gpu("l4-a", Accelerator.L4, 4),
            Gpu("l4-b", Accelerator.L4, 2, gpus: 2),
            Gpu("a100", Accelerator.A100, 2, gpus: 8, gpuLimit: 8),
            new NodePoolConfig { Name = "batch", Role = NodeRole.Cpu, Min = 0, Max = 10, CpuLimit = 40 });

        var limits = GcpNodePools.AutoscalingLimits(config, Regional).ToDictionary(l => l.ResourceType, l => l.Maximum);

        Assert.Equal(new[] { "cpu", "memory", "nvidia-l4", "nvidia-tesla-a100" }, GcpNodePools.AutoscalingLimits(config, Regional).Select(l => l.ResourceType));
        Assert.Equal((4 * 1) + (2 * 2), limits["nvidia-l4"]);
        Assert.Equal(8, limits["nvidia-tesla-a100"]);
        Assert.Equal((4 * 4) + (4 * 8) + (2 * 24) + (2 * 96) + 40, limits["cpu"]);
        Assert.Equal((4 * 16) + (4 * 32) + (2 * 96) + (2 * 680) + (40 * 4), limits["memory"]);
    }

    [Fact]
    public void The_system_pool_spreads_over_the_zones_and_prefers_to_stay_free_of_workloads()
    {
        var spec = GcpNodePools.System(Config(), Regional);

        Assert.Equal(("system", "n2-standard-4", 3, 4, 1), (spec.Name, spec.MachineType, spec.Min, spec.Max, spec.InitialNodeCountPerZone));
        Assert.False(spec.Spot);
        Assert.Equal(new GkeTaint(GcpNodePools.SystemNodeTaint, "true", "PREFER_NO_SCHEDULE"), Assert.Single(spec.Taints));
        Assert.Equal("system", spec.Labels[GcpNodePools.SystemNodeLabel]);
        Assert.Equal(2, GcpNodePools.System(Config() with { SystemNodePool = new("e2-standard-4", 2, 3, 2) }, Regional with { Zone = "us-central1-a" }).InitialNodeCountPerZone);
    }
}
