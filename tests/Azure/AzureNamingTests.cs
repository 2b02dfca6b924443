using System.Text;
using MlPlatform.Components.Azure;
using MlPlatform.Stacks.Azure;
using MlPlatform.Stacks.Configuration;
using Xunit;

namespace MlPlatform.Tests.Azure;

/// <summary>Pure helpers: subnet plan, global names, AKS names and sizes, the kubeconfig.</summary>
public class AzureNamingTests
{
    [Theory]
    [InlineData("10.60.0.0/16", "10.60.0.0/17", "10.60.128.0/24", "10.60.129.0/24")]
    [InlineData("10.8.0.0/20", "10.8.0.0/21", "10.8.8.0/24", "10.8.9.0/24")]
    [InlineData("10.8.4.0/22", "10.8.4.0/23", "10.8.6.0/24", "10.8.7.0/24")]
    public void Subnets_take_the_first_half_for_nodes_then_two_24s(string vnet, string nodes, string postgres, string endpoints)
    {
        Assert.Equal(nodes, AzureSubnetPlan.Nodes(vnet));
        Assert.Equal(postgres, AzureSubnetPlan.Postgres(vnet));
        Assert.Equal(endpoints, AzureSubnetPlan.Endpoints(vnet));
        Assert.False(ConfigReader.CidrsOverlap(nodes, postgres));
        Assert.False(ConfigReader.CidrsOverlap(postgres, endpoints));
        Assert.True(ConfigReader.CidrsOverlap(vnet, endpoints));
    }

    [Fact]
    public void Global_names_fit_each_services_rules_and_end_in_the_stable_suffix()
    {
        var suffix = AzureNames.UniqueSuffix("8f3a2c1e-5b7d-4e9f-a1c3-6d2e8b4f0a17", "rg-mlplatform-azure-production");
        Assert.Matches(@"\A[0-9a-f]{8}\z", suffix);
        Assert.Equal(suffix, AzureNames.UniqueSuffix("8F3A2C1E-5B7D-4E9F-A1C3-6D2E8B4F0A17", "RG-mlplatform-azure-production"));

        var account = AzureNames.StorageAccount("stmlplatform-azure-production", suffix);
        Assert.Matches(@"\A[a-z0-9]{3,24}\z", account);
        Assert.EndsWith(suffix, account, StringComparison.Ordinal);
        var vault = AzureNames.KeyVault("kv-mlplatform-azure-production", suffix);
        Assert.Matches(@"\A[a-z][a-z0-9-]{1,22}[a-z0-9]\z", vault);
        Assert.DoesNotContain("--", vault, StringComparison.Ordinal);
        Assert.Matches(@"\A[a-z0-9]{5,50}\z", AzureNames.Registry("acrmlplatform-azure-production", suffix));
        Assert.True(AzureNames.PostgresServer("psql-mlplatform-azure-production", suffix).Length <= 63);
    }

    [Theory]
    [InlineData("gpu-inference", "gpuinference")]
    [InlineData("cpu-batch", "cpubatch")]
    [InlineData("very-long-pool-name", "verylongpool")]
    public void Aks_pool_names_keep_letters_and_digits_up_to_twelve(string pool, string aks)
    {
        Assert.Equal(aks, AzureNodePools.AgentPoolName(pool));
    }

    [Fact]
    public void Gpu_sizes_default_by_gpu_count_and_cpu_pools_take_the_general_purpose_sizes()
    {
        NodePoolConfig Gpu(Accelerator accelerator, int gpus) => new() { Name = "g", Role = NodeRole.Gpu, Accelerator = accelerator, Min = 0, Max = 1, GpusPerNode = gpus };

        Assert.Equal("Standard_NC8as_T4_v3", AzureVmSizes.SizeOf(Gpu(Accelerator.T4, 1)));
        Assert.Equal("Standard_NC64as_T4_v3", AzureVmSizes.SizeOf(Gpu(Accelerator.T4, 4)));
        Assert.Equal("Standard_NV36ads_A10_v5", AzureVmSizes.SizeOf(Gpu(Accelerator.A10, 1)));
        Assert.Equal("Standard_NC24ads_A100_v4", AzureVmSizes.SizeOf(Gpu(Accelerator.A100, 1)));
        Assert.Equal("Standard_ND96asr_v4", AzureVmSizes.SizeOf(Gpu(Accelerator.A100, 8)));
        Assert.Equal("Standard_NC40ads_H100_v5", AzureVmSizes.SizeOf(Gpu(Accelerator.H100, 1)));
        Assert.Equal("Standard_ND96isr_H100_v5", AzureVmSizes.SizeOf(Gpu(Accelerator.H100, 8)));
        Assert.Equal(AzureVmSizes.DefaultCpuSize, AzureVmSizes.SizeOf(new NodePoolConfig { Name = "c", Role = NodeRole.Cpu, Min = 0, Max = 1 }));
        Assert.Equal(AzureVmSizes.DefaultMemorySize, AzureVmSizes.SizeOf(new NodePoolConfig { Name = "m", Role = NodeRole.Memory, Min = 0, Max = 1 }));
        Assert.False(AzureVmSizes.Offers(Accelerator.L4));
        Assert.False(AzureVmSizes.Offers(Accelerator.A10G));
        Assert.All(AzureVmSizes.DefaultGpuSize, d => Assert.Equal(d.Key.Gpus, AzureVmSizes.Find(d.Value)!.Gpus));
    }

    [Fact]
    public void Agent_pools_follow_the_gpu_operator_and_the_a10_grid_driver()
    {
        var azure = new AzureConfig { Database = new("Standard_B2s", 32, 7, "17") };
        NodePoolConfig Gpu(Accelerator accelerator) => new()
        {
            Name = "gpu-pool",
            Role = NodeRole.Gpu,
            Accelerator = accelerator,
            Min = 0,
            Max = 2,
            Spot = true,
            Taints = [TaintConfig.Gpu],
        };

        var t4 = AzureNodePools.ToAgentPool(Gpu(Accelerator.T4), azure, gpuOperator: true);
        Assert.False(t4.InstallGpuDriver);
        Assert.Equal(AzureNodeOs.Ubuntu, t4.Os);
        Assert.Equal("gpupool", t4.AgentPoolName);
        Assert.Equal("gpu-pool", t4.Labels[AzureNodePools.PoolLabel]);
        Assert.Equal(new[] { "nvidia.com/gpu=present:NoSchedule" }, t4.Taints.ToArray());
        Assert.True(t4.Spot);
        Assert.False(t4.EncryptionAtHost);

        var a10 = AzureNodePools.ToAgentPool(Gpu(Accelerator.A10), azure, gpuOperator: true);
        Assert.True(a10.InstallGpuDriver);
        Assert.Equal(AzureNodeOs.AzureLinux, a10.Os);
        Assert.True(AzureNodePools.ToAgentPool(Gpu(Accelerator.T4), azure, gpuOperator: false).InstallGpuDriver);

        var cpu = AzureNodePools.ToAgentPool(new NodePoolConfig { Name = "cpu", Role = NodeRole.Cpu, Min = 1, Max = 2 }, azure, gpuOperator: true);
        Assert.Null(cpu.InstallGpuDriver);
        Assert.True(cpu.EncryptionAtHost);
        Assert.Equal("cpu:NoSchedule", AksNodePools.Taint("cpu", null, "NoSchedule"));
    }

    [Fact]
    public void Kubeconfig_reads_the_server_and_ca_from_the_credentials_and_signs_in_with_kubelogin()
    {
        const string credentials = """
            apiVersion: v1
            kind: Config
            clusters:
            - cluster:
                certificate-authority-data: Q0E=
                server: https://ml-abc.hcp.eastus2.azmk8s.io:443
              name: ml
            users:
            - name: clusterUser_ml
              user: {}
            """;
        var (server, ca) = AksKubeconfig.ClusterOf(Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        Assert.Equal("https://ml-abc.hcp.eastus2.azmk8s.io:443", server);
        Assert.Equal("Q0E=", ca);

        var kubeconfig = System.Text.Json.Nodes.JsonNode.Parse(AksKubeconfig.Build("ml", server, ca, KubeloginMode.AzureCli))!;
        Assert.Equal("ml", kubeconfig["current-context"]!.GetValue<string>());
        Assert.Equal("Never", kubeconfig["users"]![0]!["user"]!["exec"]!["interactiveMode"]!.GetValue<string>());
    }
}
