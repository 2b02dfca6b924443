using System.Text.Json.Nodes;
using MlPlatform.Components.Addons;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Addons;

public class KyvernoTests
{
    private static readonly ChartReference Chart = VersionCatalog.Kyverno;

    private static PolicySet Policies(bool enforce) => new()
    {
        Enforce = enforce,
        AllowedRegistries = ["ghcr.io", "quay.io"],
        PinnedChartNamespaces = ["cert-manager", "monitoring", "kserve"],
    };

    private static JsonObject Render(ClusterPolicyDefinition policy)
    {
        var obj = Json.Object("kyverno.io/v1", "ClusterPolicy", policy.Name, null, policy.Spec);
        obj["metadata"]!["annotations"] = Json.Of(policy.Annotations);
        return obj;
    }

    private static IEnumerable<JsonNode> Rules(ClusterPolicyDefinition policy) => Json.Of(policy.Spec)["rules"]!.AsArray()!;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_value_exists_in_the_chart(bool ha)
    {
        var values = Json.Of(Kyverno.Values(new KyvernoArgs { Namespace = "kyverno", HighAvailability = ha, Policies = Policies(ha) }));
        Assert.Empty(ChartValues.UnknownKeys(Chart.Name, Chart.Version, values));
    }

    [Fact]
    public void Production_runs_three_admission_controllers()
    {
        var values = Json.Of(Kyverno.Values(new KyvernoArgs { Namespace = "kyverno", HighAvailability = true, Policies = Policies(true) }));

        Assert.Equal(3, values["admissionController"]!["replicas"]!.GetValue<long>());
        Assert.True(values["admissionController"]!["podDisruptionBudget"]!["enabled"]!.GetValue<bool>());
        Assert.Equal(2, values["backgroundController"]!["replicas"]!.GetValue<long>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_policy_is_valid_against_the_cluster_policy_crd(bool enforce)
    {
        var policies = Policies(enforce).All();

        Assert.Equal(["require-resource-limits", "disallow-latest-tag", "restrict-image-registries", "require-platform-labels", "generate-default-deny", "require-model-governance", "protect-production-models"],
            policies.Select(p => p.Name));
        foreach (var policy in policies)
        {
            Assert.Empty(CrdSchema.Problems("kyverno.io", "v1", "ClusterPolicy", Render(policy)));
        }
    }

    [Theory]
    [InlineData(false, "Audit", "Ignore")]
    [InlineData(true, "Enforce", "Fail")]
    public void The_mode_sets_every_validation_rule_except_the_namespace_owner_audit(bool enforce, string action, string failurePolicy)
    {
        foreach (var policy in Policies(enforce).All().Where(p => p.Name != "generate-default-deny"))
        {
            Assert.Equal(failurePolicy, Json.Of(policy.Spec)["failurePolicy"]!.GetValue<string>());
            foreach (var rule in Rules(policy))
            {
                var expected = rule["name"]!.GetValue<string>() == "namespace-owner" ? "Audit" : action;
                Assert.Equal(expected, rule["validate"]!["failureAction"]!.GetValue<string>());
            }
        }
    }

    [Fact]
    public void Limits_are_checked_on_pods_only_so_limit_range_defaults_count()
    {
        var policy = Policies(true).RequireLimits();

        Assert.Equal("none", policy.Annotations["pod-policies.kyverno.io/autogen-controllers"]);
        var rule = Rules(policy).Single();
        Assert.Equal(["Pod"], rule["match"]!["any"]![0]!["resources"]!["kinds"]!.AsArray().Select(k => k!.GetValue<string>()));
        var limits = rule["validate"]!["pattern"]!["spec"]!["containers"]![0]!["resources"]!["limits"]!;
        Assert.Equal("?*", limits["cpu"]!.GetValue<string>());
        Assert.Equal("?*", limits["memory"]!.GetValue<string>());
    }

    [Fact]
    public void Latest_and_untagged_images_are_rejected()
    {
        var rules = Rules(Policies(true).DisallowLatestTag()).ToList();

        Assert.Equal("*:*", rules[0]["validate"]!["pattern"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        Assert.Equal("!*:latest", rules[1]["validate"]!["pattern"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
    }

    [Fact]
    public void Registries_are_compared_normalised_and_restricted_outside_the_pinned_chart_namespaces()
    {
        var rule = Rules(Policies(true).RestrictRegistries()).Single();

        var conditions = rule["validate"]!["deny"]!["conditions"]!["any"]!.AsArray();
        Assert.Equal(
            ["{{ images.containers.*.registry || `[]` }}", "{{ images.initContainers.*.registry || `[]` }}", "{{ images.ephemeralContainers.*.registry || `[]` }}"],
            conditions.Select(c => c!["key"]!.GetValue<string>()));
        Assert.All(conditions, c =>
        {
            Assert.Equal("AnyNotIn", c!["operator"]!.GetValue<string>());
            Assert.Equal(["ghcr.io", "quay.io"], c["value"]!.AsArray().Select(v => v!.GetValue<string>()));
        });
        var excluded = rule["exclude"]!["any"]![0]!["resources"]!["namespaces"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Contains("kube-system", excluded);
        Assert.Contains("monitoring", excluded);
        Assert.DoesNotContain("serving", excluded);
    }

    [Fact]
    public void Limits_leave_out_ephemeral_debug_containers()
    {
        var spec = Rules(Policies(true).RequireLimits()).Single()["validate"]!["pattern"]!["spec"]!.AsObject();
        Assert.False(spec.ContainsKey("=(ephemeralContainers)"));
        Assert.True(spec.ContainsKey("=(initContainers)"));
    }

    [Fact]
    public void Team_workloads_must_carry_the_team_label()
    {
        var rule = Rules(Policies(true).RequireLabels()).First();

        Assert.Equal("gpu-workloads", rule["match"]!["any"]![0]!["resources"]!["namespaceSelector"]!["matchLabels"]!["mlplatform.io/role"]!.GetValue<string>());
        Assert.Equal("?*", rule["validate"]!["pattern"]!["metadata"]!["labels"]!["mlplatform.io/team"]!.GetValue<string>());
    }

    [Fact]
    public void Default_deny_is_generated_only_in_namespaces_the_platform_does_not_manage()
    {
        var rule = Rules(Policies(true).GenerateDefaultDeny()).Single();

        var generate = rule["generate"]!;
        Assert.Equal("NetworkPolicy", generate["kind"]!.GetValue<string>());
        Assert.True(generate["synchronize"]!.GetValue<bool>());
        Assert.Equal(["Ingress", "Egress"], generate["data"]!["spec"]!["policyTypes"]!.AsArray().Select(t => t!.GetValue<string>()));
        var exclusions = rule["exclude"]!["any"]!.AsArray();
        Assert.Contains(exclusions, e => e!["resources"]!["selector"]?["matchLabels"]?["app.kubernetes.io/part-of"]?.GetValue<string>() == "mlplatform");
        Assert.Contains(exclusions, e => e!["resources"]!["names"]?.AsArray().Any(n => n!.GetValue<string>() == "kube-system") == true);
    }

    [Fact]
    public async Task Policies_wait_for_the_kyverno_release_and_the_other_add_ons()
    {
        var recorder = new TransformationDependencyRecorder();
        var mocks = await ComponentTest.RunAsync(() =>
        {
            var other = new CertManager("cert-manager", new CertManagerArgs { Namespace = "cert-manager" });
            _ = new Kyverno("kyverno", new KyvernoArgs { Namespace = "kyverno", Policies = Policies(true), PoliciesAfter = [other.Release] }, recorder.Options());
        });
        await recorder.ResolveAsync();

        var release = Json.Of(mocks.OfType("kubernetes:helm.sh/v3:Release").Single(r => r.Name == "kyverno").Inputs);
        Assert.Equal("kyverno", release["chart"]!.GetValue<string>());
        Assert.Equal("3.9.0", release["version"]!.GetValue<string>());
        Assert.Equal("https://kyverno.github.io/kyverno/", release["repositoryOpts"]!["repo"]!.GetValue<string>());

        var policies = mocks.OfType("kubernetes:kyverno.io/v1:ClusterPolicy");
        Assert.Equal(7, policies.Count);
        foreach (var policy in policies)
        {
            Assert.True(recorder.DependsOn(policy.Type!, policy.Name!, "kubernetes:helm.sh/v3:Release", "kyverno"));
            Assert.True(recorder.DependsOn(policy.Type!, policy.Name!, "kubernetes:helm.sh/v3:Release", "cert-manager"));
        }
    }

    [Fact]
    public async Task The_stacks_own_registry_output_is_allowed_once_in_the_registered_policy()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new Kyverno("kyverno", new KyvernoArgs
        {
            Namespace = "kyverno",
            Policies = Policies(true) with { StackRegistry = Pulumi.Output.Create("123456789012.dkr.ecr.eu-west-1.amazonaws.com") },
        }));

        var policy = Json.Of(mocks.Single("kubernetes:kyverno.io/v1:ClusterPolicy", "kyverno-restrict-image-registries").Inputs);
        var conditions = policy["spec"]!["rules"]![0]!["validate"]!["deny"]!["conditions"]!["any"]!.AsArray();
        Assert.All(conditions, c => Assert.Equal(
            ["ghcr.io", "quay.io", "123456789012.dkr.ecr.eu-west-1.amazonaws.com"],
            c!["value"]!.AsArray().Select(v => v!.GetValue<string>())));
        Assert.Contains("the stack's own registry", policy["metadata"]!["annotations"]!["policies.kyverno.io/description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(7, mocks.OfType("kubernetes:kyverno.io/v1:ClusterPolicy").Count);

        // Resolved into the same specs as a list that names the host itself, and never twice.
        var listed = (Policies(true) with { AllowedRegistries = ["ghcr.io", "quay.io", "123456789012.dkr.ecr.eu-west-1.amazonaws.com"] }).WithRegistry("quay.io");
        Assert.Equal(["ghcr.io", "quay.io", "123456789012.dkr.ecr.eu-west-1.amazonaws.com"], listed.AllowedRegistries.ToArray());
        Assert.Null(listed.StackRegistry);
    }
}
