using System.Text.Json;
using MlPlatform.Stacks.Configuration;
using MlPlatform.Stacks.Gcp;
using Xunit;

namespace MlPlatform.Tests.Gcp;

public class GcpConfigTests
{
    private const string Project = "acme-ml-test";

    private static Dictionary<string, object> Gcp(string environment = "staging", Dictionary<string, object>? gcp = null)
    {
        gcp ??= [];
        gcp.TryAdd("projectId", Project);
        return new()
        {
            ["cloud"] = "gcp",
            ["environment"] = environment,
            ["region"] = "us-central1",
            ["gcp"] = gcp,
        };
    }

    private static Dictionary<string, object> WithPool(Dictionary<string, object> config, Dictionary<string, object?> pool)
    {
        config["nodePools"] = new[] { pool };
        return config;
    }

    private static Dictionary<string, object?> GpuPool(string accelerator, int gpusPerNode = 1, bool spot = false, string? family = null)
    {
        var pool = new Dictionary<string, object?>
        {
            ["name"] = "gpu",
            ["role"] = "gpu",
            ["accelerator"] = accelerator,
            ["min"] = 0,
            ["max"] = 2,
            ["gpusPerNode"] = gpusPerNode,
            ["spot"] = spot,
            ["taints"] = new[] { new Dictionary<string, object> { ["key"] = "nvidia.com/gpu", ["value"] = "present", ["effect"] = "NoSchedule" } },
        };
        if (family is not null)
        {
            pool["instanceFamilies"] = new[] { family };
        }

        return pool;
    }

    private static PlatformConfig Read(Dictionary<string, object> config) =>
        ConfigReader.Read(key => config.TryGetValue(key, out var value)
            ? value as string ?? JsonSerializer.Serialize(value)
            : null);

    private static IReadOnlyList<ConfigProblem> Problems(Dictionary<string, object> config) =>
        Assert.Throws<ConfigValidationException>(() => Read(config)).Problems;

    private static ConfigProblem Problem(Dictionary<string, object> config, string key)
    {
        var problems = Problems(config);
        return Assert.Single(problems, p => p.Key == key);
    }

    [Fact]
    public void Defaults_give_a_regional_private_cluster_and_a_database_sized_per_environment()
    {
        var staging = Read(Gcp()).Gcp!;
        var production = Read(Gcp("production")).Gcp!;

        Assert.Equal(Project, staging.ProjectId);
        Assert.True(staging.IsRegional);
        Assert.False(staging.HasPublicEndpoint);
        Assert.Equal(("10.10.0.0/20", "10.16.0.0/14", "10.20.0.0/20", "172.16.0.0/28", "10.30.0.0/20"),
            (staging.SubnetCidr, staging.PodsCidr, staging.ServicesCidr, staging.MasterCidr, staging.PrivateServicesCidr));
        Assert.Equal(GkeReleaseChannel.Regular, staging.ReleaseChannel);
        Assert.Equal(new GcpFlowLogsConfig("INTERVAL_5_SEC", 0.5), staging.FlowLogs);
        Assert.Equal(GcpConfig.DefaultSystemMachineType, staging.SystemMachineType);
        Assert.Equal(new GcpDatabaseConfig("db-custom-1-3840", 20, 7, "17"), staging.Database);
        Assert.Equal((30, false), (staging.LogRetentionDays, staging.BucketCmek));
        Assert.Equal(new GcpDatabaseConfig("db-custom-2-8192", 100, 14, "17"), production.Database);
        Assert.Equal((365, true), (production.LogRetentionDays, production.BucketCmek));
        Assert.Equal("acme-ml-test.svc.id.goog", production.WorkloadPool);
        Assert.Equal(("ENTERPRISE", "POSTGRES_17", 7), (production.Database.Edition, production.Database.DatabaseVersion, production.Database.TransactionLogRetentionDays));
    }

    [Fact]
    public void Reads_every_setting()
    {
        var config = Read(Gcp("staging", new()
        {
            ["zone"] = "us-central1-b",
            ["subnetCidr"] = "10.60.0.0/20",
            ["podsCidr"] = "10.64.0.0/14",
            ["servicesCidr"] = "10.68.0.0/20",
            ["masterCidr"] = "172.16.60.0/28",
            ["privateServicesCidr"] = "10.70.0.0/16",
            ["masterAuthorizedNetworks"] = new[] { "203.0.113.0/24" },
            ["releaseChannel"] = "STABLE",
            ["gpuZones"] = new[] { "us-central1-b" },
            ["flowLogs"] = new Dictionary<string, object> { ["aggregationInterval"] = "INTERVAL_1_MIN", ["sampling"] = 0.2 },
            ["logRetentionDays"] = 90,
            ["bucketCmek"] = true,
            ["database"] = new Dictionary<string, object>
            {
                ["tier"] = "db-perf-optimized-N-4",
                ["diskSizeGb"] = 50,
                ["backupRetentionDays"] = 30,
                ["version"] = "16",
            },
        })).Gcp!;

        Assert.Equal("us-central1-b", config.Zone);
        Assert.False(config.IsRegional);
        Assert.Equal(new[] { "203.0.113.0/24" }, config.MasterAuthorizedNetworks.ToArray());
        Assert.True(config.HasPublicEndpoint);
        Assert.Equal(GkeReleaseChannel.Stable, config.ReleaseChannel);
        Assert.Equal(new[] { "us-central1-b" }, config.GpuZones.ToArray());
        Assert.Equal(new GcpFlowLogsConfig("INTERVAL_1_MIN", 0.2), config.FlowLogs);
        Assert.Equal((90, true), (config.LogRetentionDays, config.BucketCmek));
        Assert.Equal(new GcpDatabaseConfig("db-perf-optimized-N-4", 50, 30, "16"), config.Database);
        Assert.Equal(("ENTERPRISE_PLUS", "POSTGRES_16", 30), (config.Database.Edition, config.Database.DatabaseVersion, config.Database.TransactionLogRetentionDays));
    }

    [Fact]
    public void Project_id_is_required_and_checked()
    {
        var config = Gcp();
        ((Dictionary<string, object>)config["gcp"]).Remove("projectId");
        Assert.Contains("required", Problem(config, "mlplatform:gcp.projectId").Message, StringComparison.Ordinal);

        Assert.Contains("is not a project ID", Problem(Gcp("staging", new() { ["projectId"] = "Acme_ML" }), "mlplatform:gcp.projectId").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Region_and_zones_must_be_real_gcp_locations_of_the_region()
    {
        var config = Gcp("staging", new() { ["zone"] = "europe-west4-a", ["gpuZones"] = new[] { "us-central1-a" } });
        var problems = Problems(config);
        Assert.Contains(problems, p => p.Key == "mlplatform:gcp.zone" && p.Message.Contains("not a zone of us-central1", StringComparison.Ordinal));

        var bad = Gcp();
        bad["region"] = "us-east-1";
        Assert.Contains("not a GCP region", Problem(bad, "mlplatform:region").Message, StringComparison.Ordinal);

        var zonal = Gcp("staging", new() { ["zone"] = "us-central1-a", ["gpuZones"] = new[] { "us-central1-c" } });
        Assert.Contains("zonal in us-central1-a", Problem(zonal, "mlplatform:gcp.gpuZones[0]").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Production_is_regional_and_private()
    {
        var problems = Problems(Gcp("production", new() { ["zone"] = "us-central1-a", ["masterAuthorizedNetworks"] = new[] { "203.0.113.0/24" } }));

        Assert.Contains(problems, p => p.Key == "mlplatform:gcp.zone" && p.Message.Contains("regional", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Key == "mlplatform:gcp.masterAuthorizedNetworks" && p.Message.Contains("private", StringComparison.Ordinal));
        Assert.Contains("0.0.0.0/0", Problem(Gcp("staging", new() { ["masterAuthorizedNetworks"] = new[] { "0.0.0.0/0" } }), "mlplatform:gcp.masterAuthorizedNetworks").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ranges_have_their_sizes_and_never_overlap()
    {
        Assert.Contains("must be a /28", Problem(Gcp("staging", new() { ["masterCidr"] = "172.16.0.0/24" }), "mlplatform:gcp.masterCidr").Message, StringComparison.Ordinal);
        Assert.Contains("not an IPv4 CIDR", Problem(Gcp("staging", new() { ["subnetCidr"] = "10.0.0.0" }), "mlplatform:gcp.subnetCidr").Message, StringComparison.Ordinal);

        var overlap = Problem(Gcp("staging", new() { ["podsCidr"] = "10.8.0.0/14" }), "mlplatform:gcp.podsCidr");
        Assert.Contains("overlaps subnetCidr (10.10.0.0/20)", overlap.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Network_policy_ranges_default_to_nodes_control_plane_and_private_services()
    {
        var network = Read(Gcp()).Network;

        Assert.Equal(new[] { "10.10.0.0/20", "172.16.0.0/28", "10.30.0.0/20" }, network.ApiServerCidrs.ToArray());
        Assert.Equal(network.ApiServerCidrs, network.NodeCidrs);
        Assert.Equal(network.ApiServerCidrs, network.DataStoreCidrs);
        Assert.Equal(new[] { "0.0.0.0/0" }, network.ExternalEgressCidrs.ToArray());
    }

    [Theory]
    [InlineData("releaseChannel", "RAPID", "is not one of regular, stable")]
    [InlineData("logRetentionDays", 0, "between 1 and 3650")]
    public void Settings_out_of_range_are_refused(string key, object value, string message)
    {
        Assert.Contains(message, Problem(Gcp("staging", new() { [key] = value }), $"mlplatform:gcp.{key}").Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("INTERVAL_2_MIN", 0.5, "aggregationInterval")]
    [InlineData("INTERVAL_5_SEC", 0, "sampling")]
    [InlineData("INTERVAL_5_SEC", 1.5, "sampling")]
    public void Flow_logs_take_real_intervals_and_a_sampling_fraction(string interval, double sampling, string key)
    {
        var config = Gcp("staging", new() { ["flowLogs"] = new Dictionary<string, object> { ["aggregationInterval"] = interval, ["sampling"] = sampling } });
        Assert.Single(Problems(config), p => p.Key == $"mlplatform:gcp.flowLogs.{key}");
    }

    [Theory]
    [InlineData("staging", "db-custom-1-3840", true)]
    [InlineData("staging", "db-custom-4-16384", true)]
    [InlineData("staging", "db-g1-small", true)]
    [InlineData("production", "db-g1-small", false)]
    [InlineData("staging", "db-custom-3-12288", false)]
    [InlineData("staging", "db-custom-2-1024", false)]
    [InlineData("staging", "db-custom-2-20000", false)]
    [InlineData("staging", "db-perf-optimized-N-8", true)]
    [InlineData("staging", "db-perf-optimized-N-6", false)]
    [InlineData("staging", "db.t4g.medium", false)]
    public void Cloud_sql_tiers_are_real_postgresql_tiers(string environment, string tier, bool valid)
    {
        var config = Gcp(environment, new() { ["database"] = new Dictionary<string, object> { ["tier"] = tier } });
        if (valid)
        {
            Assert.Equal(tier, Read(config).Gcp!.Database.Tier);
        }
        else
        {
            Assert.Single(Problems(config), p => p.Key == "mlplatform:gcp.database.tier");
        }
    }

    [Theory]
    [InlineData("diskSizeGb", 5)]
    [InlineData("backupRetentionDays", 3)]
    [InlineData("version", "13")]
    [InlineData("version", "POSTGRES_17")]
    public void Database_settings_are_checked(string key, object value)
    {
        var config = Gcp("staging", new() { ["database"] = new Dictionary<string, object> { [key] = value } });
        Assert.Single(Problems(config), p => p.Key == $"mlplatform:gcp.database.{key}");
    }

    public static TheoryData<string> AcceleratorsGcpLacks =>
        [.. Enum.GetValues<Accelerator>().Where(a => !GcpMachines.GpuSeries.ContainsKey(a)).Select(ConfigReader.Lower)];

    [Theory]
    [MemberData(nameof(AcceleratorsGcpLacks))]
    public void Any_accelerator_gcp_lacks_is_refused(string accelerator)
    {
        var problem = Problem(WithPool(Gcp(), GpuPool(accelerator)), "mlplatform:nodePools[0].accelerator");

        Assert.Contains($"'{accelerator}' does not exist on GCP", problem.Message, StringComparison.Ordinal);
        Assert.Contains("t4, l4, a100, h100", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A10g_is_among_the_accelerators_gcp_lacks()
    {
        Assert.Contains("a10g", AcceleratorsGcpLacks);
        Assert.Equal(["a100", "h100", "l4", "t4"], GcpMachines.GpuSeries.Keys.Select(ConfigReader.Lower).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("t4", 1, false, null, "n1-standard-8", "nvidia-tesla-t4")]
    [InlineData("t4", 4, false, null, "n1-standard-32", "nvidia-tesla-t4")]
    [InlineData("t4", 2, false, "n1-highmem", "n1-highmem-16", "nvidia-tesla-t4")]
    [InlineData("l4", 1, false, null, "g2-standard-8", "nvidia-l4")]
    [InlineData("l4", 2, false, null, "g2-standard-24", "nvidia-l4")]
    [InlineData("l4", 8, false, null, "g2-standard-96", "nvidia-l4")]
    [InlineData("a100", 8, false, null, "a2-highgpu-8g", "nvidia-tesla-a100")]
    [InlineData("a100", 16, false, null, "a2-megagpu-16g", "nvidia-tesla-a100")]
    [InlineData("a100", 4, false, "a2-ultragpu", "a2-ultragpu-4g", "nvidia-a100-80gb")]
    [InlineData("h100", 8, false, null, "a3-highgpu-8g", "nvidia-h100-80gb")]
    [InlineData("h100", 2, true, null, "a3-highgpu-2g", "nvidia-h100-80gb")]
    [InlineData("h100", 8, false, "a3-megagpu", "a3-megagpu-8g", "nvidia-h100-mega-80gb")]
    public void Gpu_pools_map_to_real_machine_types_and_accelerator_types(string accelerator, int gpus, bool spot, string? family, string machineType, string acceleratorType)
    {
        var pool = Read(WithPool(Gcp(), GpuPool(accelerator, gpus, spot, family))).NodePools.Single();

        Assert.Equal(machineType, GcpNodePools.MachineFor(pool).MachineType);
        Assert.Equal(gpus, GcpNodePools.MachineFor(pool).Gpus);
        Assert.Equal(acceleratorType, GcpNodePools.AcceleratorFor(pool)!.Type);
    }

    [Theory]
    [InlineData("t4", 8, null, "n1-standard (nvidia-tesla-t4): 1, 2, 4")]
    [InlineData("l4", 3, null, "g2-standard (nvidia-l4): 1, 2, 4, 8")]
    [InlineData("a100", 16, "a2-ultragpu", "a2-ultragpu (nvidia-a100-80gb): 1, 2, 4, 8")]
    [InlineData("h100", 4, "a3-megagpu", "a3-megagpu (nvidia-h100-mega-80gb): 8")]
    public void Gpu_counts_no_machine_type_has_are_refused(string accelerator, int gpus, string? family, string offered)
    {
        var problem = Problem(WithPool(Gcp(), GpuPool(accelerator, gpus, spot: true, family)), "mlplatform:nodePools[0].gpusPerNode");
        Assert.Contains(offered, problem.Message, StringComparison.Ordinal);
        Assert.Contains($"not {gpus}", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Partial_a3_high_machines_exist_only_as_spot_vms()
    {
        var problem = Problem(WithPool(Gcp(), GpuPool("h100", 1)), "mlplatform:nodePools[0].spot");
        Assert.Contains("a3-highgpu-1g exists only as Spot VMs", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_series_that_does_not_carry_the_accelerator_is_refused()
    {
        var problem = Problem(WithPool(Gcp(), GpuPool("l4", family: "a2-highgpu")), "mlplatform:nodePools[0].instanceFamilies");
        Assert.Contains("does not carry l4 GPUs; GKE offers them on g2-standard", problem.Message, StringComparison.Ordinal);

        var two = GpuPool("a100");
        two["instanceFamilies"] = new[] { "a2-highgpu", "a2-ultragpu" };
        Assert.Contains("at most one", Problem(WithPool(Gcp(), two), "mlplatform:nodePools[0].instanceFamilies").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cpu_pools_take_one_machine_type()
    {
        var pool = new Dictionary<string, object?> { ["name"] = "batch", ["role"] = "memory", ["min"] = 0, ["max"] = 3 };
        Assert.Equal("n2-highmem-8", GcpNodePools.MachineFor(Read(WithPool(Gcp(), pool)).NodePools.Single()).MachineType);

        pool["instanceFamilies"] = new[] { "c3-highmem-22" };
        var machine = GcpNodePools.MachineFor(Read(WithPool(Gcp(), pool)).NodePools.Single());
        Assert.Equal(("c3-highmem-22", 22, 176), (machine.MachineType, machine.Vcpus, machine.MemoryGb));

        pool["instanceFamilies"] = new[] { "m7i" };
        Assert.Contains("not a machine type", Problem(WithPool(Gcp(), pool), "mlplatform:nodePools[0].instanceFamilies").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_gpu_taint_keeps_gkes_value()
    {
        var pool = GpuPool("l4");
        pool["taints"] = new[] { new Dictionary<string, object> { ["key"] = "nvidia.com/gpu", ["value"] = "true", ["effect"] = "NoSchedule" } };
        Assert.Contains("nvidia.com/gpu=present:NoSchedule itself", Problem(WithPool(Gcp(), pool), "mlplatform:nodePools[0].taints").Message, StringComparison.Ordinal);

        pool["taints"] = new[] { new Dictionary<string, object> { ["key"] = "nvidia.com/gpu", ["effect"] = "NoSchedule" } };
        Assert.Null(Read(WithPool(Gcp(), pool)).NodePools.Single().Taints.Single().Value);
    }

    [Theory]
    [InlineData("system", "platform's own node pool")]
    [InlineData("an-inference-pool-whose-name-is-longer-than-forty", "at most 40 characters")]
    public void Pool_names_fit_gke(string name, string message)
    {
        var pool = GpuPool("l4");
        pool["name"] = name;
        Assert.Contains(message, Problem(WithPool(Gcp(), pool), "mlplatform:nodePools[0].name").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_gpu_operator_is_off_on_gcp_and_refused_when_asked_for()
    {
        Assert.False(Read(Gcp()).Addons.GpuOperator);
        Assert.DoesNotContain(Read(Gcp()).Namespaces, n => n.Name == PlatformNamespaces.GpuOperator);

        var config = Gcp();
        config["addons"] = new Dictionary<string, object> { ["gpuOperator"] = true };
        Assert.Contains("GKE installs the NVIDIA driver", Problem(config, "mlplatform:addons.gpuOperator").Message, StringComparison.Ordinal);

        config["addons"] = new Dictionary<string, object> { ["gpuOperator"] = false, ["argoCd"] = false };
        Assert.False(Read(config).Addons.ArgoCd);
    }

    [Fact]
    public void System_pool_machine_type_and_size_fit_the_cluster()
    {
        var config = Gcp();
        config["systemNodePool"] = new Dictionary<string, object> { ["instanceType"] = "e2-standard-8" };
        Assert.Equal("e2-standard-8", Read(config).Gcp!.SystemMachineType);

        config["systemNodePool"] = new Dictionary<string, object> { ["instanceType"] = "m7i.xlarge" };
        Assert.Single(Problems(config), p => p.Key == "mlplatform:systemNodePool.instanceType");

        config["systemNodePool"] = new Dictionary<string, object> { ["min"] = 1, ["max"] = 2, ["desired"] = 1 };
        Assert.Contains("three zones", Problem(config, "mlplatform:systemNodePool.max").Message, StringComparison.Ordinal);
        ((Dictionary<string, object>)config["gcp"])["zone"] = "us-central1-a";
        Assert.Equal(2, Read(config).SystemNodePool.Max);
    }

    [Fact]
    public void Gcp_settings_on_another_cloud_are_rejected()
    {
        var config = new Dictionary<string, object>
        {
            ["cloud"] = "existing",
            ["environment"] = "staging",
            ["gcp"] = new Dictionary<string, object> { ["projectId"] = Project },
        };
        Assert.Contains("only used with cloud 'gcp'", Problem(config, "mlplatform:gcp").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_keys_are_rejected_and_every_problem_is_reported_at_once()
    {
        var config = WithPool(Gcp("production", new()
        {
            ["projectId"] = "x",
            ["zone"] = "us-central1-a",
            ["masterCidr"] = "172.16.0.0/27",
            ["subnetCidrs"] = "10.0.0.0/16",
            ["database"] = new Dictionary<string, object> { ["tier"] = "db-f1-micro" },
        }), GpuPool("a10g"));

        var keys = Problems(config).Select(p => p.Key).ToHashSet();
        Assert.Superset(new HashSet<string>
        {
            "mlplatform:gcp.projectId", "mlplatform:gcp.zone", "mlplatform:gcp.masterCidr", "mlplatform:gcp.subnetCidrs",
            "mlplatform:gcp.database.tier", "mlplatform:nodePools[0].accelerator",
        }, keys);
    }
}
