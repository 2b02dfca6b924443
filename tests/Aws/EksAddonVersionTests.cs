using System.Text.Json;
using System.Text.RegularExpressions;
using MlPlatform.Components.Addons;
using MlPlatform.Components.Aws;
using MlPlatform.Infra.Plan;
using MlPlatform.Stacks.Configuration;
using Xunit;

namespace MlPlatform.Tests.Aws;

/// <summary>Every EKS managed add-on is pinned to an exact version for the cluster's Kubernetes version.</summary>
public partial class EksAddonVersionTests
{
    private static readonly string[] EveryAddon = [.. EksCluster.CoreAddonNames, EksCluster.PodIdentityAgentAddon];

    [GeneratedRegex(@"\Av[0-9]+\.[0-9]+\.[0-9]+-eksbuild\.[0-9]+\z")]
    private static partial Regex AddonVersion();

    [Fact]
    public void Every_supported_kubernetes_version_pins_every_addon_exactly()
    {
        Assert.Contains(ConfigReader.DefaultKubernetesVersion, VersionCatalog.EksAddons.Keys);
        foreach (var (kubernetes, versions) in VersionCatalog.EksAddons)
        {
            Assert.Equal(EveryAddon.Order(StringComparer.Ordinal), versions.Keys.Order(StringComparer.Ordinal));
            Assert.All(versions, v => Assert.True(AddonVersion().IsMatch(v.Value), $"{kubernetes} {v.Key}: '{v.Value}' is not an exact add-on version"));
            // kube-proxy is built per Kubernetes minor: its add-on version names it.
            Assert.StartsWith($"v{kubernetes}.", versions["kube-proxy"], StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("production")]
    [InlineData("staging")]
    public async Task Every_addon_of_a_stack_has_its_catalog_version(string stack)
    {
        var plan = stack == "production" ? await AwsPlans.Production : await AwsPlans.Staging;
        var addons = plan.OfType("aws:eks/addon:Addon").ToList();
        Assert.Equal(stack == "production" ? 6 : 5, addons.Count);
        Assert.Contains(addons, a => a.Inputs["addonName"]!.GetValue<string>() == EksCluster.MetricsServerAddon);
        var pinned = VersionCatalog.EksAddonVersions("1.34")!;
        Assert.All(addons, a => Assert.Equal(pinned[a.Inputs["addonName"]!.GetValue<string>()], a.Inputs["addonVersion"]?.GetValue<string>()));
    }

    [Fact]
    public void A_kubernetes_version_without_pinned_addons_is_refused_on_aws()
    {
        var config = new Dictionary<string, object>
        {
            ["cloud"] = "aws",
            ["environment"] = "staging",
            ["region"] = "us-east-1",
            ["kubernetesVersion"] = "1.29",
            ["aws"] = new Dictionary<string, object> { ["adminRoleArns"] = new[] { "arn:aws:iam::123456789012:role/admin" } },
        };
        var problems = Assert.Throws<ConfigValidationException>(() =>
            ConfigReader.Read(key => config.TryGetValue(key, out var value) ? value as string ?? JsonSerializer.Serialize(value) : null)).Problems;
        var problem = Assert.Single(problems);
        Assert.Equal("mlplatform:kubernetesVersion", problem.Key);
        Assert.Contains("1.33, 1.34", problem.Message, StringComparison.Ordinal);

        // The existing target pins no EKS add-ons and takes any minor.
        Assert.Equal("1.29", ConfigReader.Read(key => key switch { "cloud" => "existing", "environment" => "staging", "kubernetesVersion" => "1.29", _ => null }).KubernetesVersion);
    }

    [Fact]
    public void The_plan_mocks_answer_addons_with_the_version_asked_for()
    {
        // The fake cloud must not hide a missing pin behind a made-up version.
        var outputs = new FakeCloud("us-east-1", FakeCloud.AccountId).OutputsFor("aws:eks/addon:Addon", "eks-coredns",
            System.Collections.Immutable.ImmutableDictionary<string, object>.Empty.Add("addonName", "coredns").Add("addonVersion", "v1.12.4-eksbuild.1"));
        Assert.Equal("v1.12.4-eksbuild.1", outputs["addonVersion"]);
    }
}
