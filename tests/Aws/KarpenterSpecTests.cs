using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlPlatform.Components.Addons;
using MlPlatform.Components.Aws;
using MlPlatform.Infra.Plan;
using MlPlatform.Stacks.Aws;
using MlPlatform.Stacks.Configuration;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Aws;

public class KarpenterSpecTests
{
    private static readonly ImmutableDictionary<string, string> Tags = ImmutableDictionary<string, string>.Empty.Add("managed-by", "pulumi");

    private static JsonNode Object(string apiVersion, string kind, string name, Dictionary<string, object> spec) =>
        JsonSerializer.SerializeToNode(new Dictionary<string, object>
        {
            ["apiVersion"] = apiVersion,
            ["kind"] = kind,
            ["metadata"] = new Dictionary<string, object> { ["name"] = name },
            ["spec"] = spec,
        })!;

    private static PlatformConfig StackConfig(string stack)
    {
        var file = StackConfigFile.Load(RepositoryPaths.Root, stack);
        return ConfigReader.Read(key => file.Values.GetValueOrDefault($"mlplatform:{key}"));
    }

    public static TheoryData<string> Stacks => new() { "staging", "production" };

    [Theory]
    [MemberData(nameof(Stacks))]
    public void Every_node_pool_of_the_stacks_matches_the_nodepool_crd(string stack)
    {
        var config = StackConfig(stack);
        Assert.NotEmpty(config.NodePools);
        foreach (var pool in config.NodePools)
        {
            var spec = KarpenterSpecs.NodePoolSpec(AwsNodePools.ToKarpenter(pool));
            Assert.Empty(CrdSchema.Problems("karpenter.sh", "v1", "NodePool", Object(KarpenterSpecs.NodePoolApiVersion, "NodePool", pool.Name, spec)));
        }
    }

    [Theory]
    [InlineData(NodeImageFamily.Al2023)]
    [InlineData(NodeImageFamily.Bottlerocket)]
    public void Node_classes_match_the_ec2nodeclass_crd(NodeImageFamily image)
    {
        var nodeClass = new KarpenterNodeClass("gpu", "ml", "ml-karpenter-node", image, "latest", 300, Tags);
        var spec = KarpenterSpecs.NodeClassSpec(nodeClass);
        Assert.Empty(CrdSchema.Problems("karpenter.k8s.aws", "v1", "EC2NodeClass", Object(KarpenterSpecs.NodeClassApiVersion, "EC2NodeClass", "gpu", spec)));
    }

    [Fact]
    public void Node_class_requires_imdsv2_with_one_hop_and_encrypted_gp3()
    {
        var spec = JsonSerializer.SerializeToNode(KarpenterSpecs.NodeClassSpec(new KarpenterNodeClass("gpu", "ml", "ml-karpenter-node", NodeImageFamily.Bottlerocket, "v1.50.0", 300, Tags)))!;

        Assert.Equal("required", spec["metadataOptions"]!["httpTokens"]!.GetValue<string>());
        Assert.Equal(1, spec["metadataOptions"]!["httpPutResponseHopLimit"]!.AsInt());
        Assert.Equal("bottlerocket@v1.50.0", spec["amiSelectorTerms"]![0]!["alias"]!.GetValue<string>());
        Assert.Equal("ml-karpenter-node", spec["instanceProfile"]!.GetValue<string>());
        Assert.Equal("ml", spec["subnetSelectorTerms"]![0]!["tags"]![AwsTags.KarpenterDiscovery]!.GetValue<string>());
        Assert.Equal("ml", spec["securityGroupSelectorTerms"]![0]!["tags"]![AwsTags.KarpenterDiscovery]!.GetValue<string>());
        var volumes = spec["blockDeviceMappings"]!.AsArray();
        Assert.Equal(new[] { "/dev/xvda", "/dev/xvdb" }, volumes.Select(v => v!["deviceName"]!.GetValue<string>()));
        Assert.All(volumes, v =>
        {
            Assert.True(v!["ebs"]!["encrypted"]!.GetValue<bool>());
            Assert.Equal("gp3", v["ebs"]!["volumeType"]!.GetValue<string>());
        });
        Assert.Equal("300Gi", volumes[1]!["ebs"]!["volumeSize"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(Accelerator.T4, "g4dn")]
    [InlineData(Accelerator.L4, "g6")]
    [InlineData(Accelerator.A10G, "g5")]
    [InlineData(Accelerator.A100, "p4d")]
    [InlineData(Accelerator.H100, "p5")]
    public void Gpu_pools_default_to_the_family_of_their_accelerator(Accelerator accelerator, string family)
    {
        var pool = new NodePoolConfig { Name = "gpu", Role = NodeRole.Gpu, Accelerator = accelerator, Min = 0, Max = 2, Taints = [TaintConfig.Gpu] };
        Assert.Equal(new[] { family }, AwsNodePools.InstanceFamilies(pool).ToArray());
        Assert.Equal(new[] { "g6e" }, AwsNodePools.InstanceFamilies(pool with { InstanceFamilies = ["g6e"] }).ToArray());
    }

    [Theory]
    [InlineData(false, false, new[] { "on-demand" })]
    [InlineData(true, false, new[] { "spot" })]
    [InlineData(true, true, new[] { "spot", "on-demand" })]
    public void Capacity_type_follows_spot_and_fallback(bool spot, bool fallback, string[] expected)
    {
        var pool = new NodePoolConfig { Name = "batch", Role = NodeRole.Cpu, Min = 0, Max = 2, Spot = spot, OnDemandFallback = fallback };
        var spec = JsonSerializer.SerializeToNode(KarpenterSpecs.NodePoolSpec(AwsNodePools.ToKarpenter(pool)))!;
        var requirement = spec["template"]!["spec"]!["requirements"]!.AsArray().Single(r => r!["key"]!.GetValue<string>() == "karpenter.sh/capacity-type")!;
        Assert.Equal(expected, requirement["values"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Fact]
    public void Gpu_pool_is_tainted_limited_and_consolidated_to_zero()
    {
        var pool = new NodePoolConfig
        {
            Name = "gpu-training",
            Role = NodeRole.Gpu,
            Accelerator = Accelerator.H100,
            Min = 0,
            Max = 4,
            GpusPerNode = 8,
            Taints = [TaintConfig.Gpu],
            Labels = ImmutableDictionary<string, string>.Empty.Add("mlplatform.io/workload", "training"),
        };
        var spec = JsonSerializer.SerializeToNode(KarpenterSpecs.NodePoolSpec(AwsNodePools.ToKarpenter(pool)))!;

        Assert.Equal("32", spec["limits"]!["nvidia.com/gpu"]!.GetValue<string>());
        Assert.Equal("768", spec["limits"]!["cpu"]!.GetValue<string>());
        var taint = Assert.Single(spec["template"]!["spec"]!["taints"]!.AsArray())!;
        Assert.Equal(("nvidia.com/gpu", "NoSchedule"), (taint["key"]!.GetValue<string>(), taint["effect"]!.GetValue<string>()));
        Assert.Equal("gpu", spec["template"]!["spec"]!["nodeClassRef"]!["name"]!.GetValue<string>());
        Assert.Equal("WhenEmpty", spec["disruption"]!["consolidationPolicy"]!.GetValue<string>());
        Assert.Equal("720h", spec["template"]!["spec"]!["expireAfter"]!.GetValue<string>());
        Assert.Equal("gpu-training", spec["template"]!["metadata"]!["labels"]![AwsNodePools.PoolLabel]!.GetValue<string>());
        var gpuCount = spec["template"]!["spec"]!["requirements"]!.AsArray().Single(r => r!["key"]!.GetValue<string>() == "karpenter.k8s.aws/instance-gpu-count")!;
        Assert.Equal("8", gpuCount["values"]![0]!.GetValue<string>());
    }

    [Theory]
    [InlineData("training", "WhenEmpty", "30m", "48h", 2)]
    [InlineData("inference", "WhenEmptyOrUnderutilized", "10m", "1h", 1)]
    public void Gpu_pools_are_disrupted_by_their_role(string workload, string policy, string after, string grace, int budgets)
    {
        var pool = new NodePoolConfig
        {
            Name = $"gpu-{workload}",
            Role = NodeRole.Gpu,
            Accelerator = Accelerator.L4,
            Min = 0,
            Max = 4,
            Taints = [TaintConfig.Gpu],
            Labels = ImmutableDictionary<string, string>.Empty.Add("mlplatform.io/workload", workload),
        };
        var raw = KarpenterSpecs.NodePoolSpec(AwsNodePools.ToKarpenter(pool));
        var spec = JsonSerializer.SerializeToNode(raw)!;

        Assert.Empty(CrdSchema.Problems("karpenter.sh", "v1", "NodePool", Object("karpenter.sh/v1", "NodePool", pool.Name, raw)));
        Assert.Equal(policy, spec["disruption"]!["consolidationPolicy"]!.GetValue<string>());
        Assert.Equal(after, spec["disruption"]!["consolidateAfter"]!.GetValue<string>());
        Assert.Equal(grace, spec["template"]!["spec"]!["terminationGracePeriod"]!.GetValue<string>());
        var list = spec["disruption"]!["budgets"]!.AsArray();
        Assert.Equal(budgets, list.Count);
        if (workload == "training")
        {
            // No disruption at all in the working-day window, one node at a time otherwise.
            Assert.Equal(("0", "0 8 * * mon-fri", "10h"), (list[0]!["nodes"]!.GetValue<string>(), list[0]!["schedule"]!.GetValue<string>(), list[0]!["duration"]!.GetValue<string>()));
            Assert.Equal("1", list[1]!["nodes"]!.GetValue<string>());
        }

        // CPU pools keep the quick consolidation and no grace bound.
        var cpu = JsonSerializer.SerializeToNode(KarpenterSpecs.NodePoolSpec(AwsNodePools.ToKarpenter(new NodePoolConfig { Name = "batch", Role = NodeRole.Cpu, Min = 0, Max = 4 })))!;
        Assert.Equal("1m", cpu["disruption"]!["consolidateAfter"]!.GetValue<string>());
        Assert.Null(cpu["template"]!["spec"]!["terminationGracePeriod"]);
    }

    [Fact]
    public void Cpu_pool_has_a_cpu_limit_and_no_gpu_limit()
    {
        var pool = new NodePoolConfig { Name = "batch", Role = NodeRole.Cpu, Min = 0, Max = 10, CpuLimit = 200 };
        var spec = JsonSerializer.SerializeToNode(KarpenterSpecs.NodePoolSpec(AwsNodePools.ToKarpenter(pool)))!;
        Assert.Equal("200", spec["limits"]!["cpu"]!.GetValue<string>());
        Assert.Null(spec["limits"]!["nvidia.com/gpu"]);
        Assert.Null(spec["template"]!["spec"]!["taints"]);
        Assert.Equal("standard", spec["template"]!["spec"]!["nodeClassRef"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public void Controller_values_exist_in_the_pinned_chart()
    {
        var settings = new KarpenterControllerSettings("ml", "ml-karpenter", "karpenter", 2,
            ImmutableDictionary<string, string>.Empty.Add(EksCluster.SystemNodeLabel, "system"));
        var values = JsonSerializer.SerializeToNode(Karpenter.Values(settings, new Dictionary<string, string> { [IrsaRole.RoleArnAnnotation] = "arn:aws:iam::123456789012:role/karpenter" }))!;

        // nodeSelector is a free-form label map (the chart's default only shows one label).
        Assert.Empty(ChartValues.UnknownKeys(VersionCatalog.Karpenter.Name, VersionCatalog.Karpenter.Version, values, "nodeSelector"));
        Assert.Equal("ml", values["settings"]!["clusterName"]!.GetValue<string>());
        Assert.Equal("ml-karpenter", values["settings"]!["interruptionQueue"]!.GetValue<string>());
        Assert.Equal("arn:aws:iam::123456789012:role/karpenter", values["serviceAccount"]!["annotations"]![IrsaRole.RoleArnAnnotation]!.GetValue<string>());
        Assert.Equal("system", values["nodeSelector"]![EksCluster.SystemNodeLabel]!.GetValue<string>());
        Assert.Equal(2, values["replicas"]!.AsInt());
    }

    [Fact]
    public void The_crd_chart_takes_its_defaults()
    {
        Assert.Empty(ChartValues.UnknownKeys(VersionCatalog.KarpenterCrd.Name, VersionCatalog.KarpenterCrd.Version, new JsonObject()));
        Assert.Equal("1.14.1", VersionCatalog.Karpenter.Version);
        Assert.Equal(VersionCatalog.Karpenter.Version, VersionCatalog.KarpenterCrd.Version);
    }
}
