using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MlPlatform.Tests.Aws;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Stacks;

/// <summary>The stack's own image registry, over every stack file: allowed by the registry policy, and on AWS its ECR resources.</summary>
public class ImageRegistryScenarioTests
{
    public static TheoryData<string> Stacks => StackFiles.Names;

    private static readonly Regex CloudRegistry = new(@"(\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com|\.azurecr\.io|-docker\.pkg\.dev)\z");

    /// <summary>The registry host the stack's outputs name, per cloud; null on an existing cluster.</summary>
    private static string? OwnRegistry(Infra.Plan.PlanResult plan) => plan.Cloud switch
    {
        "aws" => plan.Outputs["registryHost"]!.GetValue<string>(),
        "azure" => plan.Outputs["containerRegistry"]!.GetValue<string>(),
        "gcp" => plan.Outputs["artifactRegistry"]!.GetValue<string>().Split('/')[0],
        _ => null,
    };

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task The_registry_policy_allows_the_stacks_own_registry(string stack)
    {
        var plan = await StackPlans.Of(stack);
        var policy = plan.OfType("kubernetes:kyverno.io/v1:ClusterPolicy").SingleOrDefault(p => p.Name == "kyverno-restrict-image-registries");
        if (policy is null)
        {
            return; // Kyverno off: no registry policy at all.
        }

        var conditions = policy.Inputs["spec"]!["rules"]![0]!["validate"]!["deny"]!["conditions"]!["any"]!.AsArray();
        Assert.Equal(3, conditions.Count);
        var own = OwnRegistry(plan);
        foreach (var condition in conditions)
        {
            var allowed = condition!["value"]!.AsArray().Select(v => v!.GetValue<string>()).ToList();
            Assert.Equal(allowed.Count, allowed.Distinct(StringComparer.Ordinal).Count());
            if (own is null)
            {
                Assert.DoesNotContain(allowed, a => CloudRegistry.IsMatch(a));
                continue;
            }

            Assert.Matches(CloudRegistry, own);
            Assert.Contains(own, allowed);
            Assert.Contains("docker.io", allowed);
        }

        switch (plan.Cloud)
        {
            case "aws":
                Assert.Matches(@"\A[0-9]{12}\.dkr\.ecr\.[a-z]{2}(-[a-z]+)+-[0-9]\.amazonaws\.com\z", own);
                break;
            case "azure":
                Assert.EndsWith(".azurecr.io", own, StringComparison.Ordinal);
                break;
            case "gcp":
                Assert.Matches(@"\A[a-z]+-[a-z]+[0-9]-docker\.pkg\.dev\z", own);
                break;
        }
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Aws_stacks_keep_their_images_in_protected_scanned_immutable_encrypted_repositories(string stack)
    {
        var plan = await StackPlans.Of(stack);
        if (plan.Cloud != "aws")
        {
            Assert.Empty(plan.OfType("aws:ecr/repository:Repository"));
            return;
        }

        var key = plan.Get("aws:kms/key:Key", "registry-key");
        Assert.True(key.Protected);
        var repositories = plan.OfType("aws:ecr/repository:Repository").ToList();
        Assert.Contains(repositories, r => r.Inputs["name"]!.GetValue<string>().EndsWith("/mirror/vllm/vllm-openai", StringComparison.Ordinal));
        Assert.All(repositories, r =>
        {
            Assert.True(r.Protected, $"{r.Name} is not protected");
            Assert.Equal("IMMUTABLE", r.Inputs["imageTagMutability"]!.GetValue<string>());
            Assert.True(r.Inputs["imageScanningConfiguration"]!["scanOnPush"]!.GetValue<bool>());
            Assert.Equal("KMS", r.Inputs["encryptionConfigurations"]![0]!["encryptionType"]!.GetValue<string>());
            Assert.StartsWith("arn:aws:kms:", r.Inputs["encryptionConfigurations"]![0]!["kmsKey"]!.GetValue<string>(), StringComparison.Ordinal);
        });
        Assert.Equal(repositories.Count, plan.OfType("aws:ecr/lifecyclePolicy:LifecyclePolicy").Count());

        // The anonymous upstreams are always cached; both node roles may import under every cache prefix.
        var rules = plan.OfType("aws:ecr/pullThroughCacheRule:PullThroughCacheRule").ToList();
        var urls = rules.Select(r => r.Inputs["upstreamRegistryUrl"]!.GetValue<string>()).ToList();
        Assert.Contains("quay.io", urls);
        Assert.Contains("registry.k8s.io", urls);
        var imports = plan.OfType("aws:iam/rolePolicy:RolePolicy").Where(p => p.Name.StartsWith("registry-node-import-", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, imports.Count);
        Assert.Contains(imports, p => p.Inputs["role"]!.GetValue<string>().EndsWith("-karpenter-node", StringComparison.Ordinal));
        Assert.Contains(imports, p => p.Inputs["role"]!.GetValue<string>() == "eks-system-nodes");
        foreach (var import in imports)
        {
            var resources = AwsTestSupport.ParseString(import.Inputs["policy"])["Statement"]![0]!["Resource"]!.AsArray().Select(r => r!.GetValue<string>()).ToList();
            Assert.Equal(rules.Count, resources.Count);
            Assert.All(rules, rule => Assert.Contains(resources, r => r.EndsWith($":repository/{rule.Inputs["ecrRepositoryPrefix"]!.GetValue<string>()}/*", StringComparison.Ordinal)));
        }
    }
}
