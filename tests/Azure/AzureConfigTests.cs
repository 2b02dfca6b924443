using MlPlatform.Components.Azure;
using MlPlatform.Stacks.Configuration;
using MlPlatform.Tests.Configuration;
using Xunit;

namespace MlPlatform.Tests.Azure;

public class AzureConfigTests
{
    private const string Group = "5f0c2b7e-8a41-4d3c-9e6f-1b2a3c4d5e6f";

    private static Dictionary<string, object?> Platform() => new()
    {
        ["name"] = "platform",
        ["role"] = "cpu",
        ["min"] = 1,
        ["max"] = 3,
    };

    private static ConfigFixture Azure(string environment = "staging", Dictionary<string, object>? azure = null, params Dictionary<string, object?>[] pools)
    {
        azure ??= [];
        azure.TryAdd("adminGroupObjectIds", new[] { Group });
        return ConfigFixture.Valid("azure", environment)
            .Set("region", "eastus2")
            .Set("azure", azure)
            .Set("nodePools", pools.Length == 0 ? new[] { Platform() } : pools);
    }

    private static ConfigProblem Single(ConfigFixture config, string key) =>
        Assert.Single(config.Problems(), p => p.Key == key);

    [Fact]
    public void Defaults_give_a_private_cluster_and_a_sized_database_per_environment()
    {
        var staging = Azure().Read().Azure!;
        var production = Azure("production").Read().Azure!;

        Assert.Equal("10.0.0.0/16", staging.VnetCidr);
        Assert.True(staging.IsPrivateCluster);
        Assert.Equal(AzureNodeOs.AzureLinux, staging.NodeOs);
        Assert.Equal(KubeloginMode.AzureCli, staging.KubeloginMode);
        Assert.Equal(AzureConfig.DefaultSystemVmSize, staging.SystemVmSize);
        Assert.Equal(new AzureDatabaseConfig("Standard_B2s", 32, 7, "17"), staging.Database);
        Assert.Equal("Burstable", staging.Database.Tier);
        Assert.Equal(30, staging.LogRetentionDays);
        Assert.Equal(new AzureMaintenanceWindow("Sunday", "02:00", 4), staging.MaintenanceWindow);
        Assert.Equal("NetworkWatcherRG", staging.NetworkWatcherResourceGroup);
        Assert.Null(staging.NetworkWatcherName);
        Assert.Equal(new AzureDatabaseConfig("Standard_D4ds_v5", 128, 14, "17"), production.Database);
        Assert.Equal("GeneralPurpose", production.Database.Tier);
        Assert.Equal(365, production.LogRetentionDays);
    }

    [Fact]
    public void Reads_every_setting()
    {
        var config = Azure("staging", new()
        {
            ["vnetCidr"] = "10.8.0.0/20",
            ["authorizedIpRanges"] = new[] { "203.0.113.0/24" },
            ["nodeOs"] = "ubuntu",
            ["kubeloginMode"] = "workloadidentity",
            ["logRetentionDays"] = 90,
            ["database"] = new Dictionary<string, object> { ["sku"] = "Standard_E4ds_v5", ["storageSizeGb"] = 256, ["backupRetentionDays"] = 21, ["version"] = "16" },
            ["maintenanceWindow"] = new Dictionary<string, object> { ["day"] = "saturday", ["startTime"] = "23:30", ["durationHours"] = 6 },
            ["networkWatcher"] = new Dictionary<string, object> { ["resourceGroup"] = "rg-network", ["name"] = "nw-eastus2" },
        }).Read().Azure!;

        Assert.Equal("10.8.0.0/20", config.VnetCidr);
        Assert.Equal(new[] { "203.0.113.0/24" }, config.AuthorizedIpRanges.ToArray());
        Assert.False(config.IsPrivateCluster);
        Assert.Equal(new[] { Group }, config.AdminGroupObjectIds.ToArray());
        Assert.Equal(AzureNodeOs.Ubuntu, config.NodeOs);
        Assert.Equal(KubeloginMode.WorkloadIdentity, config.KubeloginMode);
        Assert.Equal(90, config.LogRetentionDays);
        Assert.Equal(new AzureDatabaseConfig("Standard_E4ds_v5", 256, 21, "16"), config.Database);
        Assert.Equal("MemoryOptimized", config.Database.Tier);
        Assert.Equal(new AzureMaintenanceWindow("Saturday", "23:30", 6), config.MaintenanceWindow);
        Assert.Equal("rg-network", config.NetworkWatcherResourceGroup);
        Assert.Equal("nw-eastus2", config.NetworkWatcherName);
    }

    [Fact]
    public void Network_policy_ranges_default_to_the_vnet_and_pod_range_of_a_private_cluster()
    {
        var network = Azure("staging", new() { ["vnetCidr"] = "10.60.0.0/16" }).Read().Network;
        Assert.Equal(new[] { "10.60.0.0/16", AzureConfig.PodCidr }, network.ApiServerCidrs.ToArray());
        Assert.Equal(new[] { "10.60.0.0/16" }, network.NodeCidrs.ToArray());
        Assert.Equal(new[] { "10.60.0.0/16" }, network.DataStoreCidrs.ToArray());
        Assert.Equal(new[] { "0.0.0.0/0" }, network.ExternalEgressCidrs.ToArray());

        // A public API server has an address only Azure knows.
        var open = Azure("staging", new() { ["vnetCidr"] = "10.60.0.0/16", ["authorizedIpRanges"] = new[] { "203.0.113.0/24" } }).Read().Network;
        Assert.Equal(new[] { "0.0.0.0/0" }, open.ApiServerCidrs.ToArray());
        Assert.Equal(new[] { "10.60.0.0/16" }, open.NodeCidrs.ToArray());
    }

    [Fact]
    public void Admin_groups_are_required_and_must_be_object_ids()
    {
        var missing = ConfigFixture.Valid("azure").Set("region", "eastus2").Set("nodePools", new[] { Platform() });
        var problem = Single(missing, "mlplatform:azure.adminGroupObjectIds");
        Assert.Contains("pulumi up", problem.Message, StringComparison.Ordinal);

        var wrong = Azure("staging", new() { ["adminGroupObjectIds"] = new[] { "platform-admins" } });
        Assert.Contains("not an Entra ID object id", Single(wrong, "mlplatform:azure.adminGroupObjectIds[0]").Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("production", "203.0.113.0/24", "production cluster is private")]
    [InlineData("staging", "0.0.0.0/0", "whole internet")]
    [InlineData("staging", "office", "not an IPv4 CIDR")]
    public void Authorized_ranges_are_staging_only_real_and_narrow(string environment, string range, string message)
    {
        var problem = Single(Azure(environment, new() { ["authorizedIpRanges"] = new[] { range } }), "mlplatform:azure.authorizedIpRanges");
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.0/8", "must be a /16 to /22")]
    [InlineData("10.0.0.0/24", "must be a /16 to /22")]
    [InlineData("192.168.16.0/20", "overlaps 192.168.0.0/16")]
    [InlineData("172.16.0.0/16", "overlaps 172.16.0.0/16")]
    [InlineData("10.0.0.0", "not an IPv4 CIDR")]
    public void Vnet_must_be_splittable_and_clear_of_the_pod_and_service_ranges(string cidr, string message)
    {
        var problem = Single(Azure("staging", new() { ["vnetCidr"] = cidr }), "mlplatform:azure.vnetCidr");
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Database_settings_are_checked_against_flexible_server()
    {
        var problems = Azure("production", new()
        {
            ["database"] = new Dictionary<string, object> { ["sku"] = "Standard_B2s", ["storageSizeGb"] = 100, ["backupRetentionDays"] = 3, ["version"] = "12" },
        }).Problems();

        Assert.Equal(
            ["mlplatform:azure.database.backupRetentionDays", "mlplatform:azure.database.sku", "mlplatform:azure.database.storageSizeGb", "mlplatform:azure.database.version"],
            problems.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Contains("zone-redundant", problems.Single(p => p.Key.EndsWith(".sku", StringComparison.Ordinal)).Message, StringComparison.Ordinal);
        Assert.Contains("not a flexible server compute size",
            Single(Azure("staging", new() { ["database"] = new Dictionary<string, object> { ["sku"] = "db.t4g.medium" } }), "mlplatform:azure.database.sku").Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Maintenance_window_log_retention_and_node_os_are_validated()
    {
        var problems = Azure("staging", new()
        {
            ["maintenanceWindow"] = new Dictionary<string, object> { ["day"] = "Someday", ["startTime"] = "2am", ["durationHours"] = 2 },
            ["logRetentionDays"] = 7,
            ["nodeOs"] = "windows",
            ["kubeloginMode"] = "password",
        }).Problems();

        Assert.Equal(
            ["mlplatform:azure.kubeloginMode", "mlplatform:azure.logRetentionDays", "mlplatform:azure.maintenanceWindow.day",
                "mlplatform:azure.maintenanceWindow.durationHours", "mlplatform:azure.maintenanceWindow.startTime", "mlplatform:azure.nodeOs"],
            problems.Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("Standard_D4s_v5", "no local disk")]
    [InlineData("m7i.xlarge", "not an Azure VM size")]
    public void System_pool_size_is_an_azure_size_with_a_local_disk(string size, string message)
    {
        var config = Azure().Set("systemNodePool", new Dictionary<string, object> { ["instanceType"] = size });
        Assert.Contains(message, Single(config, "mlplatform:systemNodePool.instanceType").Message, StringComparison.Ordinal);
        Assert.Equal("Standard_E8ds_v5", Azure().Set("systemNodePool", new Dictionary<string, object> { ["instanceType"] = "Standard_E8ds_v5" }).Read().Azure!.SystemVmSize);
    }

    [Fact]
    public void Location_must_be_an_azure_location_name()
    {
        Assert.Contains("not an Azure location name", Single(Azure().Set("region", "West Europe"), "mlplatform:region").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Azure_settings_on_another_cloud_and_aws_settings_on_azure_are_rejected()
    {
        var onAws = ConfigFixture.Valid("aws").Set("region", "us-east-1")
            .Set("aws", new { adminRoleArns = new[] { "arn:aws:iam::123456789012:role/admin" } })
            .Set("azure", new { vnetCidr = "10.0.0.0/16" });
        Assert.Contains("only used with cloud 'azure'", Single(onAws, "mlplatform:azure").Message, StringComparison.Ordinal);
        Assert.Contains("only used with cloud 'aws'", Single(Azure().Set("aws", new { vpcCidr = "10.0.0.0/16" }), "mlplatform:aws").Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("l4")]
    [InlineData("a10g")]
    public void Gpus_azure_does_not_offer_are_refused_by_name(string accelerator)
    {
        var problem = Single(Azure("staging", null, Platform(), ConfigFixture.GpuPool(accelerator: accelerator)), "mlplatform:nodePools[1].accelerator");
        Assert.Contains($"{accelerator} GPUs do not exist on Azure", problem.Message, StringComparison.Ordinal);
        Assert.Contains("t4, a10, a100, h100", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("t4", 1)]
    [InlineData("t4", 4)]
    [InlineData("a10", 2)]
    [InlineData("a100", 8)]
    [InlineData("h100", 8)]
    public void Gpu_counts_the_sizes_offer_are_accepted(string accelerator, int gpus)
    {
        var pool = ConfigFixture.GpuPool(accelerator: accelerator);
        pool["gpusPerNode"] = gpus;
        Assert.Equal(gpus, Azure("staging", null, Platform(), pool).Read().NodePools[1].GpusPerNode);
    }

    [Theory]
    [InlineData("t4", 2, "t4 VMs on Azure have 1 or 4 GPUs, not 2")]
    [InlineData("a100", 3, "a100 VMs on Azure have 1 or 2 or 4 or 8 GPUs, not 3")]
    [InlineData("h100", 4, "h100 VMs on Azure have 1 or 2 or 8 GPUs, not 4")]
    public void Gpu_counts_no_size_offers_are_refused(string accelerator, int gpus, string message)
    {
        var pool = ConfigFixture.GpuPool(accelerator: accelerator);
        pool["gpusPerNode"] = gpus;
        Assert.Equal(message + ": no VM size would match", Single(Azure("staging", null, Platform(), pool), "mlplatform:nodePools[1].gpusPerNode").Message);
    }

    [Fact]
    public void A_named_vm_size_must_be_one_of_the_accelerators_with_the_gpu_count()
    {
        var wrongFamily = ConfigFixture.GpuPool(accelerator: "t4");
        wrongFamily["instanceFamilies"] = new[] { "Standard_NC24ads_A100_v4" };
        Assert.Contains("not a t4 size", Single(Azure("staging", null, Platform(), wrongFamily), "mlplatform:nodePools[1].instanceFamilies").Message, StringComparison.Ordinal);

        var wrongCount = ConfigFixture.GpuPool(accelerator: "t4");
        wrongCount["instanceFamilies"] = new[] { "Standard_NC64as_T4_v3" };
        Assert.Equal("Standard_NC64as_T4_v3 has 4 GPUs, not 1", Single(Azure("staging", null, Platform(), wrongCount), "mlplatform:nodePools[1].gpusPerNode").Message);

        var two = ConfigFixture.GpuPool(accelerator: "t4");
        two["instanceFamilies"] = new[] { "Standard_NC4as_T4_v3", "Standard_NC8as_T4_v3" };
        Assert.Contains("one VM size", Single(Azure("staging", null, Platform(), two), "mlplatform:nodePools[1].instanceFamilies").Message, StringComparison.Ordinal);

        var gpuOnCpu = Platform();
        gpuOnCpu["instanceFamilies"] = new[] { "Standard_NC8as_T4_v3" };
        Assert.Contains("is a GPU size", Single(Azure("staging", null, gpuOnCpu), "mlplatform:nodePools[0].instanceFamilies").Message, StringComparison.Ordinal);

        var right = ConfigFixture.GpuPool(accelerator: "t4");
        right["instanceFamilies"] = new[] { "Standard_NC16as_T4_v3" };
        Assert.Equal("Standard_NC16as_T4_v3", Azure("staging", null, Platform(), right).Read().NodePools[1].InstanceFamilies[0]);
    }

    [Fact]
    public void Karpenter_only_settings_are_refused_on_azure()
    {
        var pool = ConfigFixture.GpuPool(accelerator: "t4");
        pool["cpuLimit"] = 64;
        pool["gpuLimit"] = 4;
        pool["spot"] = true;
        pool["onDemandFallback"] = true;

        var keys = Azure("staging", null, Platform(), pool).Problems().Select(p => p.Key).Order(StringComparer.Ordinal);
        Assert.Equal(["mlplatform:nodePools[1].cpuLimit", "mlplatform:nodePools[1].gpuLimit", "mlplatform:nodePools[1].onDemandFallback"], keys);
    }

    [Fact]
    public void Pool_names_must_give_distinct_aks_names()
    {
        var first = ConfigFixture.GpuPool(name: "gpu-inference-a", accelerator: "t4");
        var second = ConfigFixture.GpuPool(name: "gpu-inference-b", accelerator: "t4");
        var problem = Single(Azure("staging", null, Platform(), first, second), "mlplatform:nodePools[2].name");
        Assert.Contains("'gpuinference'", problem.Message, StringComparison.Ordinal);

        var system = Platform();
        system["name"] = "system";
        Assert.Contains("the system pool", Single(Azure("staging", null, system, Platform()), "mlplatform:nodePools[0].name").Message, StringComparison.Ordinal);

        var digit = Platform();
        digit["name"] = "1-pool";
        Assert.Contains("starting with a letter", Single(Azure("staging", null, digit, Platform()), "mlplatform:nodePools[0].name").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_platform_needs_a_regular_untainted_pool_beside_the_system_pool()
    {
        var spot = Platform();
        spot["spot"] = true;
        var tainted = Platform();
        tainted["name"] = "tainted";
        tainted["taints"] = new[] { new Dictionary<string, object> { ["key"] = "workload", ["value"] = "batch", ["effect"] = "NoSchedule" } };
        var empty = Platform();
        empty["name"] = "empty";
        empty["min"] = 0;

        var problem = Single(Azure("staging", null, spot, tainted, empty, ConfigFixture.GpuPool(accelerator: "t4")), "mlplatform:nodePools");
        Assert.Contains("CriticalAddonsOnly", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Aks_reserved_labels_are_refused()
    {
        var pool = Platform();
        pool["labels"] = new Dictionary<string, string> { ["kubernetes.azure.com/mode"] = "user" };
        Assert.Contains("reserves", Single(Azure("staging", null, pool), "mlplatform:nodePools[0].labels.kubernetes.azure.com/mode").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_of_an_azure_stack_is_reported_at_once()
    {
        var gpu = ConfigFixture.GpuPool(accelerator: "l4");
        var problems = ConfigFixture.Valid("azure", "production").Set("region", "eastus2")
            .Set("azure", new Dictionary<string, object> { ["vnetCidr"] = "10.0.0.0/8", ["authorizedIpRanges"] = new[] { "203.0.113.0/24" } })
            .Set("nodePools", new[] { gpu })
            .Problems();

        Assert.Equal(
            ["mlplatform:azure.adminGroupObjectIds", "mlplatform:azure.authorizedIpRanges", "mlplatform:azure.vnetCidr", "mlplatform:nodePools", "mlplatform:nodePools[0].accelerator"],
            problems.Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Aws_refuses_the_azure_only_a10()
    {
        var problem = Assert.Single(ConfigFixture.Valid("aws").Set("region", "us-east-1")
            .Set("aws", new { adminRoleArns = new[] { "arn:aws:iam::123456789012:role/admin" } })
            .Set("nodePools", new[] { ConfigFixture.GpuPool(accelerator: "a10") })
            .Problems());
        Assert.Equal("mlplatform:nodePools[0].accelerator", problem.Key);
        Assert.Contains("not offered on AWS", problem.Message, StringComparison.Ordinal);
        Assert.Contains("a10g (g5)", problem.Message, StringComparison.Ordinal);
    }
}
