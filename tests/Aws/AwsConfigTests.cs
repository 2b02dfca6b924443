using System.Text.Json;
using MlPlatform.Components.Aws;
using MlPlatform.Stacks.Configuration;
using Xunit;

namespace MlPlatform.Tests.Aws;

public class AwsConfigTests
{
    private const string Admin = "arn:aws:iam::123456789012:role/platform-admin";

    private static Dictionary<string, object> Aws(string environment = "staging", object? aws = null) => new()
    {
        ["cloud"] = "aws",
        ["environment"] = environment,
        ["region"] = "us-east-1",
        ["aws"] = aws ?? new Dictionary<string, object> { ["adminRoleArns"] = new[] { Admin } },
    };

    private static PlatformConfig Read(Dictionary<string, object> config) =>
        ConfigReader.Read(key => config.TryGetValue(key, out var value)
            ? value as string ?? JsonSerializer.Serialize(value)
            : null);

    private static IReadOnlyList<ConfigProblem> Problems(Dictionary<string, object> config) =>
        Assert.Throws<ConfigValidationException>(() => Read(config)).Problems;

    private static Dictionary<string, object> WithAws(string environment, Dictionary<string, object> aws)
    {
        aws.TryAdd("adminRoleArns", new[] { Admin });
        return Aws(environment, aws);
    }

    [Fact]
    public void Defaults_give_a_private_vpc_and_sized_database_per_environment()
    {
        var staging = Read(Aws()).Aws!;
        var production = Read(Aws("production")).Aws!;

        Assert.Equal("10.0.0.0/16", staging.VpcCidr);
        Assert.Empty(staging.PublicAccessCidrs);
        Assert.False(staging.HasPublicEndpoint);
        Assert.Equal(NodeImageFamily.Al2023, staging.NodeImage);
        Assert.Equal("latest", staging.NodeImageVersion);
        Assert.Equal(AwsConfig.DefaultSystemInstanceType, staging.SystemInstanceType);
        Assert.Equal(new AwsDatabaseConfig("db.t4g.medium", 20, 7, "17"), staging.Database);
        Assert.Equal(30, staging.LogRetentionDays);
        Assert.Equal(new AwsDatabaseConfig("db.r7g.large", 100, 14, "17"), production.Database);
        Assert.Equal(365, production.LogRetentionDays);
    }

    [Fact]
    public void Network_policy_ranges_default_to_the_vpc_on_aws_but_stay_configurable()
    {
        var config = Read(WithAws("staging", new() { ["vpcCidr"] = "10.40.0.0/16" }));
        Assert.Equal(new[] { "10.40.0.0/16" }, config.Network.ApiServerCidrs.ToArray());
        Assert.Equal(new[] { "10.40.0.0/16" }, config.Network.NodeCidrs.ToArray());
        Assert.Equal(new[] { "10.40.0.0/16" }, config.Network.DataStoreCidrs.ToArray());
        Assert.Equal(new[] { "0.0.0.0/0" }, config.Network.ExternalEgressCidrs.ToArray());

        var custom = Aws();
        custom["network"] = new Dictionary<string, object> { ["dataStoreCidrs"] = new[] { "10.0.8.0/24" } };
        Assert.Equal(new[] { "10.0.8.0/24" }, Read(custom).Network.DataStoreCidrs.ToArray());
    }

    [Fact]
    public void Reads_every_setting()
    {
        var config = Read(WithAws("staging", new()
        {
            ["vpcCidr"] = "10.8.0.0/18",
            ["publicAccessCidrs"] = new[] { "203.0.113.0/24" },
            ["nodeImage"] = "bottlerocket",
            ["nodeImageVersion"] = "v1.50.0",
            ["logRetentionDays"] = 90,
            ["database"] = new Dictionary<string, object>
            {
                ["instanceClass"] = "db.m7g.large",
                ["allocatedStorage"] = 50,
                ["backupRetentionDays"] = 10,
                ["engineVersion"] = "16.4",
            },
        })).Aws!;

        Assert.Equal("10.8.0.0/18", config.VpcCidr);
        Assert.Equal(new[] { "203.0.113.0/24" }, config.PublicAccessCidrs.ToArray());
        Assert.Equal(new[] { Admin }, config.AdminRoleArns.ToArray());
        Assert.Equal(NodeImageFamily.Bottlerocket, config.NodeImage);
        Assert.Equal("v1.50.0", config.NodeImageVersion);
        Assert.Equal(90, config.LogRetentionDays);
        Assert.Equal(new AwsDatabaseConfig("db.m7g.large", 50, 10, "16.4"), config.Database);
    }

    [Fact]
    public void System_instance_type_comes_from_the_system_node_pool()
    {
        var config = Aws();
        config["systemNodePool"] = new Dictionary<string, object> { ["instanceType"] = "m7i.2xlarge" };
        Assert.Equal("m7i.2xlarge", Read(config).Aws!.SystemInstanceType);

        config["systemNodePool"] = new Dictionary<string, object> { ["instanceType"] = "large" };
        var problem = Assert.Single(Problems(config));
        Assert.Equal("mlplatform:systemNodePool.instanceType", problem.Key);
    }

    [Fact]
    public void Aws_settings_on_another_cloud_are_rejected()
    {
        var config = new Dictionary<string, object>
        {
            ["cloud"] = "existing",
            ["environment"] = "staging",
            ["aws"] = new Dictionary<string, object> { ["vpcCidr"] = "10.0.0.0/16" },
        };
        var problem = Assert.Single(Problems(config));
        Assert.Equal("mlplatform:aws", problem.Key);
        Assert.Contains("only used with cloud 'aws'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Aws_settings_are_optional_for_the_existing_target()
    {
        Assert.Null(Read(new Dictionary<string, object> { ["cloud"] = "existing", ["environment"] = "staging" }).Aws);
    }

    [Theory]
    [InlineData("10.0.0.0", "is not an IPv4 CIDR")]
    [InlineData("10.0.0.0/8", "must be a /16 to /20")]
    [InlineData("10.0.0.0/24", "must be a /16 to /20")]
    public void Vpc_cidr_must_be_a_splittable_ipv4_range(string cidr, string message)
    {
        var problem = Assert.Single(Problems(WithAws("staging", new() { ["vpcCidr"] = cidr })));
        Assert.Equal("mlplatform:aws.vpcCidr", problem.Key);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Public_access_cidrs_must_be_cidrs()
    {
        var problem = Assert.Single(Problems(WithAws("staging", new() { ["publicAccessCidrs"] = new[] { "office" } })));
        Assert.Equal("mlplatform:aws.publicAccessCidrs[0]", problem.Key);
    }

    [Fact]
    public void Staging_may_open_the_api_to_configured_ranges()
    {
        var config = Read(WithAws("staging", new() { ["publicAccessCidrs"] = new[] { "0.0.0.0/0" } })).Aws!;
        Assert.True(config.HasPublicEndpoint);
    }

    [Fact]
    public void Production_rejects_an_api_open_to_the_internet()
    {
        var problem = Assert.Single(Problems(WithAws("production", new() { ["publicAccessCidrs"] = new[] { "0.0.0.0/0" } })));
        Assert.Equal("mlplatform:aws.publicAccessCidrs", problem.Key);
        Assert.Contains("0.0.0.0/0", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Production_rejects_any_public_api_endpoint()
    {
        var problem = Assert.Single(Problems(WithAws("production", new() { ["publicAccessCidrs"] = new[] { "203.0.113.0/24" } })));
        Assert.Equal("mlplatform:aws.publicAccessCidrs", problem.Key);
        Assert.Contains("private", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Admin_roles_are_required_because_the_creator_is_not_admin()
    {
        var problem = Assert.Single(Problems(Aws(aws: new Dictionary<string, object>())));
        Assert.Equal("mlplatform:aws.adminRoleArns", problem.Key);

        var missing = Aws();
        missing.Remove("aws");
        Assert.Equal("mlplatform:aws.adminRoleArns", Assert.Single(Problems(missing)).Key);
    }

    [Theory]
    [InlineData("arn:aws:iam::123456789012:user/alice")]
    [InlineData("arn:aws:iam::1234:role/admin")]
    [InlineData("platform-admin")]
    public void Admin_roles_must_be_iam_role_arns(string arn)
    {
        var problem = Assert.Single(Problems(Aws(aws: new Dictionary<string, object> { ["adminRoleArns"] = new[] { Admin, arn } })));
        Assert.Equal("mlplatform:aws.adminRoleArns[1]", problem.Key);
    }

    [Fact]
    public void Node_image_must_be_a_known_family()
    {
        var problem = Assert.Single(Problems(WithAws("staging", new() { ["nodeImage"] = "ubuntu" })));
        Assert.Equal("mlplatform:aws.nodeImage", problem.Key);
    }

    [Fact]
    public void Node_image_version_must_be_latest_or_a_release()
    {
        var problem = Assert.Single(Problems(WithAws("staging", new() { ["nodeImageVersion"] = "2025-11-03" })));
        Assert.Equal("mlplatform:aws.nodeImageVersion", problem.Key);
    }

    [Fact]
    public void Log_retention_must_be_one_cloudwatch_accepts()
    {
        var problem = Assert.Single(Problems(WithAws("staging", new() { ["logRetentionDays"] = 45 })));
        Assert.Equal("mlplatform:aws.logRetentionDays", problem.Key);
    }

    [Theory]
    [InlineData("instanceClass", "t4g.medium")]
    [InlineData("allocatedStorage", 10)]
    [InlineData("backupRetentionDays", 3)]
    [InlineData("backupRetentionDays", 40)]
    [InlineData("engineVersion", "latest")]
    public void Database_settings_are_validated(string key, object value)
    {
        var problem = Assert.Single(Problems(WithAws("staging", new() { ["database"] = new Dictionary<string, object> { [key] = value } })));
        Assert.Equal($"mlplatform:aws.database.{key}", problem.Key);
    }

    [Fact]
    public void Unknown_keys_are_rejected_at_every_level()
    {
        var problems = Problems(WithAws("staging", new()
        {
            ["vpcCdir"] = "10.0.0.0/16",
            ["database"] = new Dictionary<string, object> { ["multiAz"] = true },
        }));
        Assert.Equal(["mlplatform:aws.database.multiAz", "mlplatform:aws.vpcCdir"], problems.Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var problems = Problems(Aws("production", new Dictionary<string, object>
        {
            ["vpcCidr"] = "10.0.0.0/8",
            ["publicAccessCidrs"] = new[] { "0.0.0.0/0" },
            ["logRetentionDays"] = 2,
            ["database"] = new Dictionary<string, object> { ["backupRetentionDays"] = 1 },
        }));
        Assert.Equal(
            ["mlplatform:aws.adminRoleArns", "mlplatform:aws.database.backupRetentionDays", "mlplatform:aws.logRetentionDays",
                "mlplatform:aws.publicAccessCidrs", "mlplatform:aws.vpcCidr"],
            problems.Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    private static Dictionary<string, object> GpuPool(string name, string accelerator, int? gpus, string[]? families = null)
    {
        var pool = new Dictionary<string, object>
        {
            ["name"] = name,
            ["role"] = "gpu",
            ["accelerator"] = accelerator,
            ["min"] = 0,
            ["max"] = 2,
            ["taints"] = new[] { new Dictionary<string, object> { ["key"] = "nvidia.com/gpu", ["value"] = "present", ["effect"] = "NoSchedule" } },
        };
        if (gpus is not null)
        {
            pool["gpusPerNode"] = gpus.Value;
        }

        if (families is not null)
        {
            pool["instanceFamilies"] = families;
        }

        return pool;
    }

    [Theory]
    [InlineData("a100", null, "a100 instances on AWS have 8 GPUs, not 1: no instance type would match")]
    [InlineData("h100", 4, "h100 instances on AWS have 1 or 8 GPUs, not 4: no instance type would match")]
    [InlineData("l4", 2, "l4 instances on AWS have 1 or 4 or 8 GPUs, not 2: no instance type would match")]
    public void Gpu_pools_must_ask_for_a_gpu_count_their_aws_family_offers(string accelerator, int? gpus, string message)
    {
        var config = Aws();
        config["nodePools"] = new object[] { GpuPool("cpu-free", "t4", 1), GpuPool("train", accelerator, gpus) };

        var problem = Assert.Single(Problems(config));
        Assert.Equal("mlplatform:nodePools[1].gpusPerNode", problem.Key);
        Assert.Equal(message, problem.Message);
    }

    [Fact]
    public void Gpu_counts_that_aws_offers_or_own_instance_families_pass()
    {
        var config = Aws();
        config["nodePools"] = new object[]
        {
            GpuPool("a100", "a100", 8),
            GpuPool("h100-single", "h100", 1),
            GpuPool("a10g-quad", "a10g", 4),
            GpuPool("custom", "a100", 1, ["p4de"]),
        };

        Assert.Equal(4, Read(config).NodePools.Length);
        Assert.Equal(new[] { 1, 4, 8 }, ConfigReader.AwsGpusPerInstance[Accelerator.T4]);
    }

    [Fact]
    public void Identity_defaults_to_pod_identity_and_irsa_stays_available()
    {
        Assert.Equal(WorkloadIdentityMode.PodIdentity, Read(Aws()).Aws!.Identity);
        Assert.Equal(WorkloadIdentityMode.Irsa, Read(WithAws("staging", new() { ["identity"] = "irsa" })).Aws!.Identity);
        Assert.Equal(WorkloadIdentityMode.PodIdentity, Read(WithAws("production", new() { ["identity"] = "pod-identity" })).Aws!.Identity);

        var problem = Assert.Single(Problems(WithAws("staging", new() { ["identity"] = "kiam" })));
        Assert.Equal("mlplatform:aws.identity", problem.Key);
        Assert.Contains("pod-identity, irsa", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_balancer_defaults_to_internet_facing_with_access_logs_in_production()
    {
        Assert.Equal(new AwsLoadBalancerConfig(LoadBalancerScheme.InternetFacing, false, null), Read(Aws()).Aws!.LoadBalancer);
        Assert.Equal(new AwsLoadBalancerConfig(LoadBalancerScheme.InternetFacing, true, null), Read(Aws("production")).Aws!.LoadBalancer);
        Assert.Equal(LoadBalancerScheme.Internal,
            Read(WithAws("production", new() { ["loadBalancer"] = new Dictionary<string, object> { ["scheme"] = "internal" } })).Aws!.LoadBalancer.Scheme);
    }
}
