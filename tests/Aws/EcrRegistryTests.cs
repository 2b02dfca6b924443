using System.Collections.Immutable;
using MlPlatform.Components.Aws;
using MlPlatform.Tests.Support;
using Pulumi;
using Xunit;

namespace MlPlatform.Tests.Aws;

public class EcrRegistryTests
{
    private const string Cluster = "mlplatform-prod";

    private static EcrRegistryArgs Args(params string[] credentialHosts) => new()
    {
        ClusterName = Cluster,
        Repositories = ["mirror/vllm/vllm-openai", "pipeline/train"],
        KeepImages = 25,
        UntaggedExpiryDays = 5,
        Credentials = credentialHosts.ToImmutableDictionary(h => h, h => Output.CreateSecret($"{{\"username\":\"u\",\"accessToken\":\"token-{h}\"}}")),
        NodeRoleNames = [Output.Create("system-nodes"), "mlplatform-prod-karpenter-node"],
        Region = "eu-west-1",
        AccountId = "123456789012",
    };

    [Fact]
    public async Task Repositories_are_immutable_scanned_kms_encrypted_expiring_and_protected()
    {
        var recorder = new OptionsRecorder();
        var mocks = await ComponentTest.RunAsync(() => _ = new EcrRegistry("registry", Args(), recorder.Options()));

        Assert.True(recorder.IsProtected("aws:kms/key:Key", "registry-key"));
        var key = mocks.Inputs("aws:kms/key:Key", "registry-key");
        Assert.True(key["enableKeyRotation"]!.GetValue<bool>());
        var keyArn = $"arn:aws:kms:us-east-1:{FakeCloudAccount}:key/";
        foreach (var (resource, repository) in new[] { ("registry-mirror-vllm-vllm-openai", "mirror/vllm/vllm-openai"), ("registry-pipeline-train", "pipeline/train") })
        {
            Assert.True(recorder.IsProtected("aws:ecr/repository:Repository", resource));
            var inputs = mocks.Inputs("aws:ecr/repository:Repository", resource);
            Assert.Equal($"{Cluster}/{repository}", inputs["name"]!.GetValue<string>());
            Assert.Equal("IMMUTABLE", inputs["imageTagMutability"]!.GetValue<string>());
            Assert.True(inputs["imageScanningConfiguration"]!["scanOnPush"]!.GetValue<bool>());
            Assert.False(inputs["forceDelete"]!.GetValue<bool>());
            var encryption = inputs["encryptionConfigurations"]![0]!;
            Assert.Equal("KMS", encryption["encryptionType"]!.GetValue<string>());
            Assert.StartsWith(keyArn, encryption["kmsKey"]!.GetValue<string>(), StringComparison.Ordinal);

            var lifecycle = mocks.Inputs("aws:ecr/lifecyclePolicy:LifecyclePolicy", resource);
            Assert.Equal($"{Cluster}/{repository}", lifecycle["repository"]!.GetValue<string>());
            var rules = AwsTestSupport.ParseString(lifecycle["policy"])["rules"]!.AsArray();
            Assert.Equal("untagged", rules[0]!["selection"]!["tagStatus"]!.GetValue<string>());
            Assert.Equal("sinceImagePushed", rules[0]!["selection"]!["countType"]!.GetValue<string>());
            Assert.Equal(5, rules[0]!["selection"]!["countNumber"]!.AsInt());
            // The rule for any tag must come last (ECR refuses a lower priority for it).
            Assert.Equal("any", rules[1]!["selection"]!["tagStatus"]!.GetValue<string>());
            Assert.Equal("imageCountMoreThan", rules[1]!["selection"]!["countType"]!.GetValue<string>());
            Assert.Equal(25, rules[1]!["selection"]!["countNumber"]!.AsInt());
            Assert.True(rules[1]!["rulePriority"]!.AsInt() > rules[0]!["rulePriority"]!.AsInt());
            Assert.All(rules, r => Assert.Equal("expire", r!["action"]!["type"]!.GetValue<string>()));
        }

        Assert.Equal(2, mocks.OfType("aws:ecr/repository:Repository").Count);
    }

    private const string FakeCloudAccount = Infra.Plan.FakeCloud.AccountId;

    [Fact]
    public async Task Anonymous_upstreams_are_cached_and_credentialed_ones_only_with_their_secret()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new EcrRegistry("registry", Args("docker.io")));

        var rules = mocks.OfType("aws:ecr/pullThroughCacheRule:PullThroughCacheRule").Select(r => r.Json()).ToList();
        Assert.Equal(
            ["quay.io", "registry-1.docker.io", "registry.k8s.io"],
            rules.Select(r => r["upstreamRegistryUrl"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        var quay = mocks.Inputs("aws:ecr/pullThroughCacheRule:PullThroughCacheRule", "registry-quay");
        Assert.Equal($"{Cluster}/quay", quay["ecrRepositoryPrefix"]!.GetValue<string>());
        Assert.False(quay.ContainsKey("credentialArn"));
        Assert.Equal("registry.k8s.io", mocks.Inputs("aws:ecr/pullThroughCacheRule:PullThroughCacheRule", "registry-kubernetes")["upstreamRegistryUrl"]!.GetValue<string>());
        Assert.Single(mocks.OfType("aws:secretsmanager/secret:Secret"));

        var secret = mocks.Inputs("aws:secretsmanager/secret:Secret", "registry-docker-hub-credential");
        Assert.Equal($"ecr-pullthroughcache/{Cluster}/docker-hub", secret["name"]!.GetValue<string>());
        var dockerHub = mocks.Inputs("aws:ecr/pullThroughCacheRule:PullThroughCacheRule", "registry-docker-hub");
        Assert.Equal($"{Cluster}/docker-hub", dockerHub["ecrRepositoryPrefix"]!.GetValue<string>());
        Assert.StartsWith($"arn:aws:secretsmanager:us-east-1:{FakeCloudAccount}:secret:ecr-pullthroughcache/{Cluster}/docker-hub-",
            dockerHub["credentialArn"]!.GetValue<string>(), StringComparison.Ordinal);
        var version = mocks.Single("aws:secretsmanager/secretVersion:SecretVersion", "registry-docker-hub-credential");
        Assert.Equal("{\"username\":\"u\",\"accessToken\":\"token-docker.io\"}", version.Json()["secretString"]!.GetValue<string>());

        // Every cached prefix gets the lifecycle of the platform's repositories.
        var templates = mocks.OfType("aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate").Select(t => t.Json()).ToList();
        Assert.Equal(rules.Select(r => r["ecrRepositoryPrefix"]!.GetValue<string>()).Order(StringComparer.Ordinal),
            templates.Select(t => t["prefix"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.All(templates, t =>
        {
            Assert.Equal(["PULL_THROUGH_CACHE"], t["appliedFors"]!.AsArray().Select(a => a!.GetValue<string>()));
            Assert.Equal(2, AwsTestSupport.ParseString(t["lifecyclePolicy"])["rules"]!.AsArray().Count);
        });
    }

    [Fact]
    public async Task Both_credentials_give_every_upstream_and_the_github_secret()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new EcrRegistry("registry", Args("docker.io", "ghcr.io")));

        Assert.Equal(4, mocks.OfType("aws:ecr/pullThroughCacheRule:PullThroughCacheRule").Count);
        var github = mocks.Inputs("aws:ecr/pullThroughCacheRule:PullThroughCacheRule", "registry-github");
        Assert.Equal("ghcr.io", github["upstreamRegistryUrl"]!.GetValue<string>());
        Assert.Contains($"secret:ecr-pullthroughcache/{Cluster}/github-", github["credentialArn"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Node_roles_may_import_only_under_the_cache_prefixes()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new EcrRegistry("registry", Args()));

        var policies = mocks.OfType("aws:iam/rolePolicy:RolePolicy").Select(p => p.Json()).ToList();
        Assert.Equal(["mlplatform-prod-karpenter-node", "system-nodes"], policies.Select(p => p["role"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        foreach (var policy in policies)
        {
            var statement = AwsTestSupport.ParseString(policy["policy"])["Statement"]!.AsArray().Single()!;
            Assert.Equal(["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"], statement["Action"]!.AsArray().Select(a => a!.GetValue<string>()));
            Assert.Equal(
                [$"arn:aws:ecr:eu-west-1:123456789012:repository/{Cluster}/kubernetes/*", $"arn:aws:ecr:eu-west-1:123456789012:repository/{Cluster}/quay/*"],
                statement["Resource"]!.AsArray().Select(r => r!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task Without_the_cache_there_are_no_rules_and_no_import_rights()
    {
        var args = Args("docker.io");
        var mocks = await ComponentTest.RunAsync(() => _ = new EcrRegistry("registry", new EcrRegistryArgs
        {
            ClusterName = args.ClusterName,
            Repositories = args.Repositories,
            PullThroughCache = false,
            Credentials = args.Credentials,
            NodeRoleNames = args.NodeRoleNames,
            Region = args.Region,
            AccountId = args.AccountId,
        }));

        Assert.Empty(mocks.OfType("aws:ecr/pullThroughCacheRule:PullThroughCacheRule"));
        Assert.Empty(mocks.OfType("aws:secretsmanager/secret:Secret"));
        Assert.Empty(mocks.OfType("aws:iam/rolePolicy:RolePolicy"));
        Assert.Equal(2, mocks.OfType("aws:ecr/repository:Repository").Count);
    }

    [Theory]
    [InlineData("mlplatform-prod", "docker-hub", "mlplatform-prod/docker-hub")]
    [InlineData("a-very-long-project-name-production", "docker-hub", "a-very-long-project/docker-hub")]
    [InlineData("ml--x", "quay", "ml-x/quay")]
    public void Cache_prefixes_fit_ecr_limits(string cluster, string upstream, string expected)
    {
        var prefix = PullThroughUpstream.All.Single(u => u.Name == upstream).RepositoryPrefix(cluster);

        Assert.Equal(expected, prefix);
        Assert.True(prefix.Length <= PullThroughUpstream.MaxPrefixLength);
        Assert.Matches(@"\A(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*\z", prefix);
    }
}
