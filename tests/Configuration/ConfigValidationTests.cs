using MlPlatform.Stacks.Configuration;
using Xunit;

namespace MlPlatform.Tests.Configuration;

/// <summary>One test per validation rule: the problem is reported with the exact key to fix.</summary>
public class ConfigValidationTests
{
    [Theory]
    [InlineData(null, "mlplatform:cloud", "required")]
    [InlineData("openstack", "mlplatform:cloud", "'openstack' is not one of aws, azure, gcp, existing")]
    public void Cloud_must_be_known(string? cloud, string key, string message)
    {
        var problem = Assert.Single(ConfigFixture.Valid().Set("cloud", cloud).Problems());
        Assert.Equal(key, problem.Key);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "required")]
    [InlineData("prod", "'prod' is not one of development, staging, production")]
    public void Environment_must_be_known(string? environment, string message)
    {
        var problem = Assert.Single(ConfigFixture.Valid().Set("environment", environment).Problems());
        Assert.Equal("mlplatform:environment", problem.Key);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("aws")]
    [InlineData("azure")]
    [InlineData("gcp")]
    public void Clouds_need_a_region(string cloud)
    {
        var problems = ConfigFixture.Valid(cloud).Problems();
        Assert.Contains(problems, p => p.Key == "mlplatform:region" && p.Message.Contains("required", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("1.34", true)]
    [InlineData("1.9", true)]
    [InlineData("v1.34", false)]
    [InlineData("1.34.2", false)]
    [InlineData("latest", false)]
    public void Kubernetes_version_is_a_minor_version(string version, bool valid)
    {
        var fixture = ConfigFixture.Valid().Set("kubernetesVersion", version);
        if (valid)
        {
            Assert.Equal(version, fixture.Read().KubernetesVersion);
        }
        else
        {
            Assert.Equal("mlplatform:kubernetesVersion", Assert.Single(fixture.Problems()).Key);
        }
    }

    [Theory]
    [InlineData(0, 3, 1, "mlplatform:systemNodePool.min")]
    [InlineData(3, 2, 3, "mlplatform:systemNodePool.max")]
    [InlineData(2, 4, 5, "mlplatform:systemNodePool.desired")]
    public void System_pool_sizes_are_consistent(int min, int max, int desired, string key)
    {
        var problems = ConfigFixture.Valid().Set("systemNodePool", new { min, max, desired }).Problems();
        Assert.Contains(problems, p => p.Key == key);
    }

    [Fact]
    public void Node_pool_names_are_dns_labels()
    {
        var pool = ConfigFixture.GpuPool(name: "GPU_Pool");
        var problem = Assert.Single(ConfigFixture.Valid().Set("nodePools", new[] { pool }).Problems());
        Assert.Equal("mlplatform:nodePools[0].name", problem.Key);
        Assert.Contains("DNS-1123", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Node_pool_names_are_unique()
    {
        var problem = Assert.Single(ConfigFixture.Valid().Set("nodePools", new[] { ConfigFixture.GpuPool(), ConfigFixture.GpuPool() }).Problems());
        Assert.Equal("mlplatform:nodePools[1].name", problem.Key);
        Assert.Contains("duplicate", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_role_and_accelerator_are_reported()
    {
        var pool = ConfigFixture.GpuPool(accelerator: "v100");
        pool["role"] = "tpu";
        var problems = ConfigFixture.Valid().Set("nodePools", new[] { pool }).Problems();
        Assert.Contains(problems, p => p.Key == "mlplatform:nodePools[0].role" && p.Message.Contains("'tpu' is not one of cpu, memory, gpu", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Key == "mlplatform:nodePools[0].accelerator" && p.Message.Contains("t4, l4, a10g, a10, a100, h100", StringComparison.Ordinal));
    }

    [Fact]
    public void Gpu_pools_need_an_accelerator_and_cpu_pools_must_not_have_one()
    {
        var gpu = ConfigFixture.GpuPool();
        gpu.Remove("accelerator");
        var cpu = new Dictionary<string, object?> { ["name"] = "cpu", ["role"] = "cpu", ["accelerator"] = "t4", ["min"] = 0, ["max"] = 2 };
        var problems = ConfigFixture.Valid().Set("nodePools", new object[] { gpu, cpu }).Problems();
        Assert.Equal(["mlplatform:nodePools[0].accelerator", "mlplatform:nodePools[1].accelerator"], problems.Select(p => p.Key).ToArray());
    }

    [Theory]
    [InlineData(-1, 2, "mlplatform:nodePools[0].min", "must not be negative")]
    [InlineData(3, 2, "mlplatform:nodePools[0].max", "must be at least min (3)")]
    [InlineData(0, 0, "mlplatform:nodePools[0].max", "must be at least 1")]
    public void Node_pool_sizes_are_consistent(int min, int max, string key, string message)
    {
        var problem = Assert.Single(ConfigFixture.Valid().Set("nodePools", new[] { ConfigFixture.GpuPool(min: min, max: max) }).Problems());
        Assert.Equal(key, problem.Key);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Node_pool_sizes_are_required_and_whole_numbers()
    {
        var pool = ConfigFixture.GpuPool();
        pool.Remove("min");
        pool["max"] = "lots";
        var problems = ConfigFixture.Valid().Set("nodePools", new[] { pool }).Problems();
        Assert.Contains(problems, p => p.Key == "mlplatform:nodePools[0].min" && p.Message.StartsWith("required", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Key == "mlplatform:nodePools[0].max" && p.Message.Contains("'lots' is not a whole number", StringComparison.Ordinal));
    }

    [Fact]
    public void On_demand_fallback_needs_spot()
    {
        var pool = ConfigFixture.GpuPool();
        pool["onDemandFallback"] = true;
        Assert.Equal("mlplatform:nodePools[0].onDemandFallback", Assert.Single(ConfigFixture.Valid().Set("nodePools", new[] { pool }).Problems()).Key);
    }

    [Fact]
    public void Gpu_pools_must_carry_the_gpu_taint()
    {
        var pool = ConfigFixture.GpuPool();
        pool["taints"] = new[] { new Dictionary<string, object> { ["key"] = "nvidia.com/gpu", ["effect"] = "PreferNoSchedule" } };
        var problem = Assert.Single(ConfigFixture.Valid().Set("nodePools", new[] { pool }).Problems());
        Assert.Equal("mlplatform:nodePools[0].taints", problem.Key);
        Assert.Contains("nvidia.com/gpu with effect NoSchedule", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Taint_effects_and_label_keys_are_checked()
    {
        var pool = ConfigFixture.GpuPool();
        pool["taints"] = new object[]
        {
            new Dictionary<string, object> { ["key"] = "nvidia.com/gpu", ["effect"] = "NoSchedule" },
            new Dictionary<string, object> { ["key"] = "dedicated", ["effect"] = "Sometimes" },
        };
        pool["labels"] = new Dictionary<string, string> { ["bad key!"] = "x" };
        var problems = ConfigFixture.Valid().Set("nodePools", new[] { pool }).Problems();
        Assert.Contains(problems, p => p.Key == "mlplatform:nodePools[0].taints[1].effect");
        Assert.Contains(problems, p => p.Key == "mlplatform:nodePools[0].labels.bad key!");
    }

    [Fact]
    public void Unknown_keys_are_reported_as_likely_typos()
    {
        var pool = ConfigFixture.GpuPool();
        pool["maxx"] = 3;
        var problems = ConfigFixture.Valid()
            .Set("nodePools", new[] { pool })
            .Set("addons", new { kserv = false })
            .Problems();
        Assert.Contains(problems, p => p.Key == "mlplatform:nodePools[0].maxx" && p.Message.Contains("unknown key", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Key == "mlplatform:addons.kserv");
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("lots")]
    [InlineData("10 Gi")]
    public void Quotas_are_non_negative_quantities(string value)
    {
        var problem = Assert.Single(ConfigFixture.Valid()
            .Set("teams", new[] { new { name = "team-a", quota = new { requestsMemory = value } } })
            .Problems());
        Assert.Equal("mlplatform:teams[0].quota.requestsMemory", problem.Key);
    }

    [Fact]
    public void Team_names_are_dns_labels_and_unique_across_all_namespaces()
    {
        var problems = ConfigFixture.Valid()
            .Set("teams", new[] { new { name = "Team_A" }, new { name = "serving" }, new { name = "team-b" }, new { name = "team-b" } })
            .Problems();
        Assert.Equal(["mlplatform:teams[0].name", "mlplatform:teams[1].name", "mlplatform:teams[3].name"], problems.Select(p => p.Key).ToArray());
    }

    [Fact]
    public void Teams_cannot_be_privileged()
    {
        var problem = Assert.Single(ConfigFixture.Valid().Set("teams", new[] { new { name = "team-a", podSecurity = "privileged" } }).Problems());
        Assert.Equal("mlplatform:teams[0].podSecurity", problem.Key);
    }

    [Fact]
    public void Only_reviewed_namespaces_may_be_privileged()
    {
        var problem = Assert.Single(ConfigFixture.Valid()
            .Set("namespaces", new Dictionary<string, object> { ["mlflow"] = new { podSecurity = "privileged" } })
            .Problems());
        Assert.Equal("mlplatform:namespaces.mlflow.podSecurity", problem.Key);
        Assert.Contains("reviewed Pod Security exceptions", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Overrides_must_name_an_enabled_platform_namespace()
    {
        var problems = ConfigFixture.Valid()
            .Set("addons", new { argoCd = false })
            .Set("namespaces", new Dictionary<string, object> { ["team-x"] = new { }, ["argocd"] = new { } })
            .Problems();
        Assert.Contains(problems, p => p.Key == "mlplatform:namespaces.team-x" && p.Message.Contains("mlplatform:teams", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Key == "mlplatform:namespaces.argocd" && p.Message.Contains("disabled", StringComparison.Ordinal));
    }

    [Fact]
    public void Kserve_needs_cert_manager()
    {
        var problem = Assert.Single(ConfigFixture.Valid().Set("addons", new { certManager = false }).Problems());
        Assert.Equal("mlplatform:addons.certManager", problem.Key);
    }

    [Fact]
    public void Addon_switches_are_booleans()
    {
        var problem = Assert.Single(ConfigFixture.Valid().Set("addons", new { mlflow = "maybe" }).Problems());
        Assert.Equal("mlplatform:addons.mlflow", problem.Key);
    }

    [Fact]
    public void Network_cidrs_are_checked()
    {
        var problem = Assert.Single(ConfigFixture.Valid().Set("network", new { apiServerCidrs = new[] { "10.0.0.0/8", "api.example.com" } }).Problems());
        Assert.Equal("mlplatform:network.apiServerCidrs[1]", problem.Key);
    }

    [Fact]
    public void Kube_context_is_only_for_existing_clusters()
    {
        var problems = ConfigFixture.Valid("aws").Set("region", "us-east-1").Set("kubeContext", "prod").Problems();
        Assert.Contains(problems, p => p.Key == "mlplatform:kubeContext");
    }

    [Theory]
    [InlineData("nodePools", "{\"name\":\"x\"}", "must be a list")]
    [InlineData("addons", "[true]", "must be an object")]
    [InlineData("teams", "not json", "must be a list")]
    public void Structured_keys_must_have_the_right_shape(string key, string raw, string message)
    {
        var problem = Assert.Single(ConfigFixture.Valid().Raw(key, raw).Problems());
        Assert.Equal($"mlplatform:{key}", problem.Key);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_at_once_with_its_key()
    {
        var gpu = ConfigFixture.GpuPool(min: 5, max: 2);
        gpu["taints"] = Array.Empty<object>();
        var error = Assert.Throws<ConfigValidationException>(() => new ConfigFixture()
            .Set("cloud", "aws")
            .Set("environment", "prod")
            .Set("nodePools", new[] { gpu })
            .Set("teams", new[] { new { name = "Bad Team" } })
            .Read());

        string[] expected =
        [
            "mlplatform:environment", "mlplatform:region", "mlplatform:nodePools[0].max",
            "mlplatform:nodePools[0].taints", "mlplatform:teams[0].name", "mlplatform:aws.adminRoleArns",
        ];
        Assert.Equal(expected, error.Problems.Select(p => p.Key).ToArray());
        Assert.StartsWith("Invalid stack configuration (6 problems)", error.Message, StringComparison.Ordinal);
        Assert.All(expected, key => Assert.Contains($"  - {key}: ", error.Message, StringComparison.Ordinal));
    }
}
