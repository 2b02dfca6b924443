using System.Text.Json;
using System.Text.Json.Nodes;
using MlPlatform.Components.Addons;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Infra.Plan;
using MlPlatform.Policies;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Stacks;

/// <summary>Invariants every stack of the repository keeps, whatever its cloud: every Pulumi.&lt;stack&gt;.yaml is checked.</summary>
public class StackScenarioTests
{
    public static TheoryData<string> Stacks => StackFiles.Names;

    [Fact]
    public void The_repository_has_stack_files()
    {
        Assert.Contains("local", StackFiles.All);
        Assert.Contains("staging", StackFiles.All);
        Assert.Contains("production", StackFiles.All);
    }

    private static IEnumerable<PlannedResource> Namespaced(PlanResult plan, string type, string ns) =>
        plan.OfType(type).Where(r => r.Inputs["metadata"]?["namespace"]?.ToString() == ns);

    private static string Name(PlannedResource resource) => resource.Inputs["metadata"]!["name"]!.ToString();

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Every_namespace_is_guarded(string stack)
    {
        var plan = await StackPlans.Of(stack);

        var namespaces = plan.OfType("kubernetes:core/v1:Namespace").ToList();
        Assert.NotEmpty(namespaces);
        foreach (var ns in namespaces)
        {
            var name = Name(ns);
            var labels = ns.Inputs["metadata"]!["labels"]!.AsObject();
            foreach (var mode in new[] { "enforce", "warn", "audit" })
            {
                Assert.True(labels.ContainsKey($"pod-security.kubernetes.io/{mode}"), $"{name} lacks the Pod Security {mode} label");
            }

            Assert.Single(Namespaced(plan, "kubernetes:core/v1:ResourceQuota", name));
            Assert.Single(Namespaced(plan, "kubernetes:core/v1:LimitRange", name));
            var policies = Namespaced(plan, "kubernetes:networking.k8s.io/v1:NetworkPolicy", name).ToDictionary(Name);
            var deny = policies["default-deny"].Inputs["spec"]!;
            Assert.Equal("[\"Ingress\",\"Egress\"]", deny["policyTypes"]!.ToJsonString());
            Assert.Empty(deny["podSelector"]!.AsObject());
            Assert.True(policies.ContainsKey("allow-dns"), $"{name} lacks DNS egress");
        }
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Only_reviewed_namespaces_are_privileged(string stack)
    {
        var plan = await StackPlans.Of(stack);

        var privileged = plan.OfType("kubernetes:core/v1:Namespace")
            .Where(n => n.Inputs["metadata"]!["labels"]!["pod-security.kubernetes.io/enforce"]!.ToString() == "privileged")
            .Select(Name);
        Assert.All(privileged, ns => Assert.True(PodSecurityExceptions.IsAllowed(ns, out _), $"{ns} is privileged without a reviewed exception"));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task The_priority_ladder_is_exact(string stack)
    {
        var plan = await StackPlans.Of(stack);

        var classes = plan.OfType("kubernetes:scheduling.k8s.io/v1:PriorityClass")
            .ToDictionary(Name, p => (Value: p.Inputs["value"]!.GetValue<long>(), Default: p.Inputs["globalDefault"]!.GetValue<bool>()));
        Assert.Equal(PriorityTier.Ladder.ToDictionary(t => t.Name, t => ((long)t.Value, t.GlobalDefault)), classes);
        Assert.Equal("medium-priority-batch", Assert.Single(classes, c => c.Value.Default).Key);
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Kubernetes_objects_use_the_stack_provider_and_live_in_components(string stack)
    {
        var plan = await StackPlans.Of(stack);
        var stackUrn = plan.Resources[0].Urn;

        var kubernetesProviders = plan.OfType("pulumi:providers:kubernetes").Select(p => p.Urn).ToList();
        Assert.Single(kubernetesProviders);
        Assert.All(plan.Resources.Where(r => r.Custom && r.Type.StartsWith("kubernetes:", StringComparison.Ordinal)), r =>
            Assert.StartsWith(kubernetesProviders[0] + "::", r.Provider, StringComparison.Ordinal));
        Assert.All(plan.Resources.Where(r => r.Custom && r.Parent == stackUrn), r =>
            Assert.StartsWith("pulumi:providers:", r.Type, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Urns_are_unique_and_stable(string stack)
    {
        // Two independent runs: the real SDK registers concurrently, so only the set of URNs and the plan
        // document (sorted, not in registration order) can be compared.
        var first = await StackPlans.Of(stack);
        var second = await Scenario.StackFileAsync(stack);

        var urns = first.Resources.Select(r => r.Urn).ToList();
        Assert.Equal(urns.Count, urns.Distinct().Count());
        Assert.Equal(urns.ToHashSet(), second.Resources.Select(r => r.Urn).ToHashSet());
        Assert.Equal(first.ToJson(), second.ToJson());
        Assert.All(urns, urn => Assert.StartsWith($"urn:pulumi:{stack}::mlplatform::", urn, StringComparison.Ordinal));
        Assert.Contains($"urn:pulumi:{stack}::mlplatform::pulumi:pulumi:Stack$mlplatform:kubernetes:Tenancy::tenancy", urns);
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Plan_resources_come_parents_first_then_by_urn_whatever_the_registration_order(string stack)
    {
        var plan = await StackPlans.Of(stack);

        Assert.Equal("pulumi:pulumi:Stack", plan.Resources[0].Type);
        var position = plan.Resources.Select((r, i) => (r.Urn, i)).ToDictionary(p => p.Urn, p => p.i);
        Assert.All(plan.Resources.Skip(1), r => Assert.True(position[r.Parent!] < position[r.Urn], $"{r.Urn} comes before its parent"));
        foreach (var siblings in plan.Resources.Skip(1).GroupBy(r => r.Parent))
        {
            var urns = siblings.Select(r => r.Urn).ToList();
            Assert.Equal(urns.Order(StringComparer.Ordinal), urns);
        }

        // The same resources in another (reversed) registration order give the same plan.
        var reversed = PlanRunner.InTreeOrder([plan.Resources[0], .. plan.Resources.Skip(1).Reverse()]);
        Assert.Equal(plan.Resources.Select(r => r.Urn), reversed.Select(r => r.Urn));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Every_map_of_the_plan_document_is_sorted(string stack)
    {
        var plan = await StackPlans.Of(stack);
        var document = JsonNode.Parse(plan.ToJson())!;

        static void AssertSorted(JsonNode? node, string path)
        {
            switch (node)
            {
                case JsonObject map:
                    var keys = map.Select(p => p.Key).ToList();
                    Assert.True(keys.SequenceEqual(keys.Order(StringComparer.Ordinal)), $"{path} is not sorted");
                    foreach (var (key, value) in map)
                    {
                        AssertSorted(value, $"{path}.{key}");
                    }

                    break;
                case JsonArray list:
                    for (var i = 0; i < list.Count; i++)
                    {
                        AssertSorted(list[i], $"{path}[{i}]");
                    }

                    break;
            }
        }

        AssertSorted(document["outputs"], "outputs");
        foreach (var resource in document["resources"]!.AsArray())
        {
            AssertSorted(resource!["inputs"], $"{resource["urn"]}.inputs");
        }
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Plan_json_lists_every_registration_with_its_inputs(string stack)
    {
        var mocks = new PlanMocks(stack == "local" ? "us-east-1" : StackRegion(stack));
        var plan = await Scenario.StackFileAsync(stack, mocks);

        var document = JsonNode.Parse(plan.ToJson())!;
        var resources = document["resources"]!.AsArray();
        Assert.Equal(mocks.Registrations.Count + 1, resources.Count);
        Assert.Equal(stack, document["stack"]!.GetValue<string>());
        Assert.Equal(plan.Cloud, document["outputs"]!["cloud"]!.GetValue<string>());
        var quota = resources.First(r => r!["type"]!.GetValue<string>() == "kubernetes:core/v1:ResourceQuota")!;
        Assert.NotNull(quota["inputs"]!["spec"]!["hard"]!["requests.nvidia.com/gpu"]);
        Assert.All(resources.Skip(1), r => Assert.NotNull(r!["parent"]));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Every_release_and_custom_resource_fits_the_real_chart_and_crd(string stack)
    {
        var plan = await StackPlans.Of(stack);

        var releases = plan.OfType("kubernetes:helm.sh/v3:Release").ToList();
        Assert.NotEmpty(releases);
        foreach (var release in releases)
        {
            var chart = VersionCatalog.All.Single(c => c.ReleaseChart == release.Inputs["chart"]!.GetValue<string>());
            Assert.Equal(chart.Version, release.Inputs["version"]!.GetValue<string>());
            var values = release.Inputs["values"] ?? new JsonObject();
            Assert.Empty(ChartValues.UnknownKeys(chart.Name, chart.Version, values));
            if (ValuesSchema.Exists(chart.Name, chart.Version))
            {
                Assert.Empty(ValuesSchema.Problems(chart.Name, chart.Version, values));
            }
        }

        // Every object of a custom resource type (an API group with a dot) is checked against its real CRD.
        string[] builtIn = ["networking.k8s.io", "scheduling.k8s.io", "rbac.authorization.k8s.io", "storage.k8s.io", "admissionregistration.k8s.io", "apiextensions.k8s.io", "helm.sh"];
        var customResources = plan.Resources
            .Where(r => r.Custom && r.Type.StartsWith("kubernetes:", StringComparison.Ordinal))
            .Where(r => r.Type.Split(':')[1].Split('/')[0] is var group && group.Contains('.', StringComparison.Ordinal) && !builtIn.Contains(group))
            .ToList();
        Assert.NotEmpty(customResources);
        foreach (var resource in customResources)
        {
            var apiVersion = resource.Inputs["apiVersion"]!.GetValue<string>();
            var (group, version) = (apiVersion[..apiVersion.IndexOf('/', StringComparison.Ordinal)], apiVersion[(apiVersion.IndexOf('/', StringComparison.Ordinal) + 1)..]);
            var kind = resource.Inputs["kind"]!.GetValue<string>();
            Assert.True(File.Exists(RepositoryPaths.Crd(group, version, kind)), $"no CRD schema fixture for {apiVersion} {kind}");
            Assert.Empty(CrdSchema.Problems(group, version, kind, resource.Inputs));
        }
    }

    [Fact]
    public async Task Namespace_guard_rails_wait_for_their_namespace()
    {
        var plan = await StackPlans.Of("local");

        var ns = plan.Get("kubernetes:core/v1:Namespace", "serving");
        Assert.Equal([ns.Urn], plan.Get("kubernetes:core/v1:ResourceQuota", "serving-quota").DependsOn.ToArray());
        Assert.Equal([ns.Urn], plan.Get("kubernetes:core/v1:LimitRange", "serving-limits").DependsOn.ToArray());
        Assert.Equal([ns.Urn], plan.Get("kubernetes:networking.k8s.io/v1:NetworkPolicy", "serving-default-deny").DependsOn.ToArray());
        Assert.Empty(ns.DependsOn);
        Assert.Equal(["kubernetes:core/v1:PersistentVolumeClaim"], plan.Resources.Where(r => r.Protected).Select(r => r.Type).ToArray());
    }

    [Fact]
    public async Task Team_namespaces_get_an_inference_account_without_an_api_token()
    {
        var plan = await StackPlans.Of("staging");

        var accounts = plan.OfType("kubernetes:core/v1:ServiceAccount")
            .Where(a => Name(a) == Tenancy.InferenceServiceAccountName)
            .ToDictionary(a => a.Inputs["metadata"]!["namespace"]!.ToString());
        Assert.Contains("serving", accounts.Keys);
        Assert.Contains("team-research", accounts.Keys);
        Assert.All(accounts.Values, a => Assert.False(a.Inputs["automountServiceAccountToken"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task Team_quota_overrides_reach_the_cluster()
    {
        var plan = await StackPlans.Of("staging");

        var hard = Namespaced(plan, "kubernetes:core/v1:ResourceQuota", "team-research").Single().Inputs["spec"]!["hard"]!;
        Assert.Equal("4", hard["requests.nvidia.com/gpu"]!.ToString());
        var defaults = Namespaced(plan, "kubernetes:core/v1:ResourceQuota", "team-recsys").Single().Inputs["spec"]!["hard"]!;
        Assert.Equal("{\"limits.cpu\":\"200\",\"limits.memory\":\"400Gi\",\"pods\":\"100\",\"requests.cpu\":\"100\",\"requests.memory\":\"200Gi\",\"requests.nvidia.com/gpu\":\"16\",\"requests.storage\":\"1Ti\"}",
            defaults.ToJsonString());
    }

    [Fact]
    public async Task Kubeconfig_secret_is_shown_as_a_placeholder_in_the_plan()
    {
        var config = Scenario.Existing("development");
        config["kubeconfig"] = StackConfigFile.SecretPlaceholder;
        var plan = await PlanRunner.RunAsync(
            Scenario.Project, "secret", Scenario.ToPulumiConfig(config), JsonSerializer.Serialize(new[] { "mlplatform:kubeconfig" }), new PlanMocks());

        var provider = Assert.Single(plan.OfType("pulumi:providers:kubernetes"));
        Assert.Equal(StackConfigFile.SecretPlaceholder, provider.Inputs["kubeconfig"]!.ToString());
    }

    private static string StackRegion(string stack) =>
        StackConfigFile.Load(RepositoryPaths.Root, stack).Values.GetValueOrDefault("mlplatform:region") ?? "us-east-1";
}
