using MlPlatform.Stacks.Configuration;
using Xunit;

namespace MlPlatform.Tests.Configuration;

/// <summary>
/// Values that a loose pattern lets through (a final line feed, surrounding white space, tabs, non-ASCII letters,
/// one character too many) are problems with their key, before anything reaches the API server or a cloud API.
/// </summary>
public class ExactValidationTests
{
    private const string Admin = "arn:aws:iam::123456789012:role/platform-admin";

    public static TheoryData<string> Untrimmed => new() { "\n", "\r\n", " ", "\t" };

    private static void AssertProblem(ConfigFixture fixture, string key)
    {
        var problems = fixture.Problems();
        Assert.Contains(problems, p => p.Key == key);
    }

    private static ConfigFixture Aws(object aws) =>
        ConfigFixture.Valid("aws").Set("region", "us-east-1").Set("aws", aws);

    [Theory]
    [MemberData(nameof(Untrimmed))]
    public void A_team_name_with_a_line_feed_or_white_space_is_not_a_namespace(string edge)
    {
        AssertProblem(ConfigFixture.Valid().Set("teams", new[] { new { name = "team-nl" + edge } }), "mlplatform:teams[0].name");
        AssertProblem(ConfigFixture.Valid().Set("teams", new[] { new { name = edge + "team-nl" } }), "mlplatform:teams[0].name");
    }

    [Theory]
    [InlineData("team-é")]
    [InlineData("tëam")]
    [InlineData("ｔｅａｍ")]
    public void Team_names_are_ascii(string name) =>
        AssertProblem(ConfigFixture.Valid().Set("teams", new[] { new { name } }), "mlplatform:teams[0].name");

    [Fact]
    public void Team_names_are_at_most_63_characters()
    {
        var ok = ConfigFixture.Valid().Set("teams", new[] { new { name = new string('t', 63) } }).Read();
        Assert.Contains(ok.Namespaces, n => n.Name.Length == 63);
        AssertProblem(ConfigFixture.Valid().Set("teams", new[] { new { name = new string('t', 64) } }), "mlplatform:teams[0].name");
    }

    [Theory]
    [MemberData(nameof(Untrimmed))]
    public void A_gpu_quota_with_a_line_feed_is_not_a_quantity(string edge) =>
        AssertProblem(ConfigFixture.Valid().Set("teams", new[] { new { name = "team-a", quota = new { gpus = "4" + edge } } }), "mlplatform:teams[0].quota.gpus");

    [Theory]
    [MemberData(nameof(Untrimmed))]
    public void A_node_pool_label_value_with_a_line_feed_is_refused(string edge)
    {
        var pool = new Dictionary<string, object?>
        {
            ["name"] = "cpu-batch",
            ["role"] = "cpu",
            ["min"] = 0,
            ["max"] = 3,
            ["labels"] = new Dictionary<string, string> { ["mlplatform.io/workload"] = "batch" + edge },
        };

        AssertProblem(ConfigFixture.Valid().Set("nodePools", new[] { pool }), "mlplatform:nodePools[0].labels.mlplatform.io/workload");
    }

    [Fact]
    public void Node_pool_labels_keys_and_values_stop_at_their_limits()
    {
        Dictionary<string, object?> Pool(string key, string value) => new()
        {
            ["name"] = "cpu-batch",
            ["role"] = "cpu",
            ["min"] = 0,
            ["max"] = 3,
            ["labels"] = new Dictionary<string, string> { [key] = value },
        };

        ConfigFixture.Valid().Set("nodePools", new[] { Pool("example.com/" + new string('k', 63), new string('v', 63)) }).Read();
        AssertProblem(ConfigFixture.Valid().Set("nodePools", new[] { Pool("example.com/k", new string('v', 64)) }), "mlplatform:nodePools[0].labels.example.com/k");
        AssertProblem(ConfigFixture.Valid().Set("nodePools", new[] { Pool("example.com/" + new string('k', 64), "v") }), $"mlplatform:nodePools[0].labels.example.com/{new string('k', 64)}");
    }

    [Theory]
    [InlineData("g6\n")]
    [InlineData(" g6")]
    [InlineData("g6/x")]
    [InlineData("")]
    public void Instance_families_are_label_values(string family)
    {
        var pool = new Dictionary<string, object?> { ["name"] = "cpu", ["role"] = "cpu", ["min"] = 0, ["max"] = 3, ["instanceFamilies"] = new[] { "m7i", family } };
        AssertProblem(ConfigFixture.Valid().Set("nodePools", new[] { pool }), "mlplatform:nodePools[0].instanceFamilies[1]");
    }

    [Fact]
    public void A_taint_value_with_a_line_feed_and_duplicate_taints_are_refused()
    {
        var pool = ConfigFixture.GpuPool();
        pool["taints"] = new[]
        {
            new Dictionary<string, object> { ["key"] = "nvidia.com/gpu", ["value"] = "present\n", ["effect"] = "NoSchedule" },
            new Dictionary<string, object> { ["key"] = "nvidia.com/gpu", ["value"] = "present", ["effect"] = "NoSchedule" },
        };

        var problems = ConfigFixture.Valid().Set("nodePools", new[] { pool }).Problems();

        Assert.Contains(problems, p => p.Key == "mlplatform:nodePools[0].taints[0].value");
        Assert.Contains(problems, p => p.Key == "mlplatform:nodePools[0].taints[1].key" && p.Message.Contains("duplicate", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("1.34\n")]
    [InlineData(" 1.34")]
    [InlineData("1.3４")]
    public void Kubernetes_versions_are_exact(string version) =>
        AssertProblem(ConfigFixture.Valid().Set("kubernetesVersion", version), "mlplatform:kubernetesVersion");

    [Theory]
    [InlineData("us-east-1\n")]
    [InlineData(" us-east-1")]
    [InlineData("US-EAST-1")]
    public void Regions_are_exact(string region) =>
        AssertProblem(ConfigFixture.Valid("aws").Set("region", region).Set("aws", new { adminRoleArns = new[] { Admin } }), "mlplatform:region");

    [Theory]
    [InlineData("kind-mlplatform\n")]
    [InlineData("kind-mlplatform ")]
    [InlineData("kind\tmlplatform")]
    public void Kube_contexts_have_no_line_breaks(string context) =>
        AssertProblem(ConfigFixture.Valid().Set("kubeContext", context), "mlplatform:kubeContext");

    [Theory]
    [InlineData("true\n")]
    [InlineData(" true")]
    [InlineData("yes")]
    [InlineData("1")]
    public void Switches_are_exactly_true_or_false(string value) =>
        AssertProblem(ConfigFixture.Valid().Set("addons", new Dictionary<string, string> { ["argoCd"] = value }), "mlplatform:addons.argoCd");

    [Theory]
    [InlineData("aws-")]
    [InlineData("a-ws")]
    [InlineData("aws\n")]
    public void Enum_values_are_written_exactly(string cloud) =>
        AssertProblem(ConfigFixture.Valid().Set("cloud", cloud), "mlplatform:cloud");

    [Theory]
    [InlineData("10.0.0.0/16\n", "not an IPv4 CIDR")]
    [InlineData("010.0.0.0/16", "not an IPv4 CIDR")]
    [InlineData("10.0.0.0/ 16", "not an IPv4 CIDR")]
    [InlineData("10.0.0.1/16", "the block is 10.0.0.0/16")]
    public void Network_ranges_are_canonical_ipv4_blocks(string cidr, string message)
    {
        var problems = ConfigFixture.Valid().Set("network", new { nodeCidrs = new[] { cidr } }).Problems();
        Assert.Contains(problems, p => p.Key == "mlplatform:network.nodeCidrs[0]" && p.Message.Contains(message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("10.40.0.0/16\n")]
    [InlineData("10.40.0.1/16")]
    public void The_vpc_range_is_a_canonical_block(string cidr) =>
        AssertProblem(Aws(new { vpcCidr = cidr, adminRoleArns = new[] { Admin } }), "mlplatform:aws.vpcCidr");

    public static TheoryData<string, bool> RoleArns => new()
    {
        { Admin, true },
        { "arn:aws:iam::123456789012:role/team/ci/deployer", true },
        { "arn:aws-us-gov:iam::123456789012:role/admin+ops=1,x.y@z_w-v", true },
        { $"arn:aws:iam::123456789012:role/{new string('r', 64)}", true },
        { $"arn:aws:iam::123456789012:role/{new string('r', 65)}", false },
        { Admin + "\n", false },
        { " " + Admin, false },
        { "arn:aws:iam::123456789012:role/plätform-admin", false },
        { "arn:aws:iam::123456789012:role/platform admin", false },
        { "arn:aws:iam::123456789012:role/", false },
        { "arn:aws:iam::123456789012:role/path/", false },
        { "arn:aws:iam::12345678901:role/admin", false },
        { "arn:aws:iam::123456789012:user/admin", false },
        { "arn:aws:iam::１23456789012:role/admin", false },
    };

    [Theory]
    [MemberData(nameof(RoleArns))]
    public void Admin_role_arns_follow_iam(string arn, bool valid)
    {
        Assert.Equal(valid, ConfigReader.IsIamRoleArn(arn));
        var fixture = Aws(new { adminRoleArns = new[] { arn } });
        if (valid)
        {
            fixture.Read();
        }
        else
        {
            AssertProblem(fixture, "mlplatform:aws.adminRoleArns[0]");
        }
    }

    [Theory]
    [InlineData("https://github.com/example/workloads.git\n")]
    [InlineData(" https://github.com/example/workloads.git")]
    [InlineData("https://github.com/example/workloads.git ")]
    [InlineData("https://github.com/exämple/workloads.git")]
    [InlineData("https://gïthub.com/example/workloads.git")]
    [InlineData("https://github.com/example/work loads.git")]
    [InlineData("git@github.com:example/workloads.git\n")]
    public void Repository_urls_are_printable_ascii(string url) => Assert.False(ConfigReader.IsGitUrl(url));

    [Theory]
    [InlineData("main\n")]
    [InlineData(" main")]
    [InlineData("feature..x")]
    [InlineData("v1.0^")]
    [InlineData("main.lock")]
    [InlineData("-main")]
    public void Target_revisions_are_git_ref_names(string revision)
    {
        var fixture = ConfigFixture.Valid()
            .Set("teams", new[] { new { name = "team-a" } })
            .Set("argoCd", new { application = new { repoUrl = "https://github.com/example/workloads.git", @namespace = "team-a", targetRevision = revision } });
        AssertProblem(fixture, "mlplatform:argoCd.application.targetRevision");
    }

    [Theory]
    [InlineData("ghcr.io\n")]
    [InlineData(" ghcr.io")]
    [InlineData("ghcr.io:0")]
    [InlineData("ghcr.io:65536")]
    [InlineData("ghcr..io")]
    [InlineData("ghcr.iö")]
    public void Registry_hosts_are_exact(string registry) => Assert.False(ConfigReader.IsRegistryHost(registry));

    [Theory]
    [InlineData("15d\n")]
    [InlineData(" 15d")]
    [InlineData("15 d")]
    public void Retention_is_a_prometheus_duration(string retention) =>
        AssertProblem(ConfigFixture.Valid().Set("monitoring", new { retention }), "mlplatform:monitoring.retention");

    [Theory]
    [InlineData("Qwen/Qwen2.5-0.5B-Instruct\n")]
    [InlineData(" Qwen/Qwen2.5-0.5B-Instruct")]
    [InlineData("Qwen/Qwén")]
    public void Model_ids_are_exact(string model) => Assert.False(ConfigReader.IsHuggingFaceModelId(model));

    [Fact]
    public void Duplicate_keys_in_an_object_are_refused()
    {
        var problems = ConfigFixture.Valid().Raw("addons", """{"argoCd": false, "argoCd": true}""").Problems();
        Assert.Contains(problems, p => p.Key == "mlplatform:addons.argoCd" && p.Message.Contains("duplicate", StringComparison.Ordinal));
    }
}
