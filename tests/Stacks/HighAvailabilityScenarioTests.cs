using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using MlPlatform.Components.Addons;
using MlPlatform.Infra.Plan;
using MlPlatform.Policies;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Stacks;

/// <summary>
/// Every stack file of the repository, with every release's values coalesced with its chart's real defaults (the
/// fixtures): in production each replicated component has a PodDisruptionBudget that keeps one pod and lets one go,
/// is spread over nodes and zones with selectors that count its own pods, and runs in the platform's priority tier;
/// staging and development keep single replicas; no stack has a budget that blocks a drain.
/// </summary>
public class HighAvailabilityScenarioTests
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<PlanResult>>> Plans = new();

    /// <summary>Charts the platform configures itself: one replica outside production, two or more in it.</summary>
    private static readonly HashSet<string> PlatformCharts =
        ["cert-manager", "gateway-helm", "kube-prometheus-stack", "external-secrets", "kyverno", "argo-workflows", "argo-cd", "mlflow", "karpenter"];

    /// <summary>Built-in classes above the platform's own top tier, which charts of cluster infrastructure may keep.</summary>
    private static readonly HashSet<string> CriticalClasses = ["system-critical", "system-cluster-critical", "system-node-critical"];

    /// <summary>The stack of every <c>Pulumi.&lt;stack&gt;.yaml</c> in the repository root.</summary>
    public static IReadOnlyList<string> StackNames() =>
        [.. Directory.GetFiles(RepositoryPaths.Root, "Pulumi.*.yaml").Select(f => Path.GetFileName(f)["Pulumi.".Length..^".yaml".Length]).Order(StringComparer.Ordinal)];

    public static TheoryData<string> Stacks() => [.. StackNames()];

    private static Task<PlanResult> Plan(string stack) => Plans.GetOrAdd(stack, s => new(() => Scenario.StackFileAsync(s))).Value;

    private static bool IsProduction(PlanResult plan) => DisruptionBudgetRule.IsProduction(plan.ToPolicyItems());

    private static IEnumerable<(PlannedResource Release, ChartAvailabilityEntry Entry, JsonObject Values)> Releases(PlanResult plan) =>
        plan.OfType("kubernetes:helm.sh/v3:Release").Select(release =>
        {
            var chart = VersionCatalog.All.Single(c => c.ReleaseChart == release.Inputs["chart"]!.GetValue<string>());
            var entry = ChartAvailability.Find(chart.Name, chart.Version)
                ?? throw new Xunit.Sdk.XunitException($"{chart.Name} {chart.Version} has no entry in ChartAvailability");
            return (release, entry, ChartDefaults.Coalesced(chart.Name, chart.Version, release.Inputs["values"]));
        });

    [Fact]
    public void Every_stack_file_is_covered()
    {
        Assert.Contains("production", StackNames());
        Assert.Contains("staging", StackNames());
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Replicated_components_have_budgets_that_protect_and_none_blocks_a_drain(string stack)
    {
        var plan = await Plan(stack);
        var budgets = plan.OfType("kubernetes:policy/v1:PodDisruptionBudget").ToList();
        var problems = new List<string>();
        foreach (var (release, entry, values) in Releases(plan))
        {
            foreach (var component in entry.Components)
            {
                var availability = ComponentAvailability.Of(entry.Chart, component, values);
                switch (availability.Verdict)
                {
                    case BudgetVerdict.Unprotected or BudgetVerdict.BlocksEvictions or BudgetVerdict.Invalid:
                        problems.Add(availability.Problem!);
                        break;
                    case BudgetVerdict.NeedsPlatformBudget:
                        var pods = component.Scheduling.PodLabelsOf(release.Inputs["name"]!.GetValue<string>());
                        var selecting = budgets.Where(b => b.Inputs["metadata"]!["namespace"]!.GetValue<string>() == release.Inputs["namespace"]!.GetValue<string>()
                            && DisruptionBudgetRule.Selects(b.Inputs["spec"]!["selector"], pods)).ToList();
                        if (selecting.Count != 1 || ComponentAvailability.Judge(Rendered(selecting[0]), availability.Replicas).Verdict != BudgetVerdict.Protected)
                        {
                            problems.Add($"{entry.Chart} '{component.Name}' ({availability.Replicas} replicas): {selecting.Count} platform budgets select its pods, and they must protect it");
                        }

                        break;
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Replicated_components_spread_over_nodes_and_zones_and_count_their_own_pods(string stack)
    {
        var plan = await Plan(stack);
        var problems = new List<string>();
        foreach (var (release, entry, values) in Releases(plan))
        {
            foreach (var component in entry.Components.Where(c => c.IsEnabled(values) && c.ReplicaCount(values) >= 2))
            {
                var scheduling = ComponentScheduling.Of(component, values, release.Inputs["name"]!.GetValue<string>());
                var where = $"{entry.Chart} '{component.Name}'";
                problems.AddRange(scheduling.Problems.Select(p => $"{where}: {p}"));
                foreach (var key in new[] { TopologySpread.ZoneKey, TopologySpread.HostKey })
                {
                    if (!scheduling.TopologyKeys.Contains(key))
                    {
                        problems.Add($"{where} runs {component.ReplicaCount(values)} replicas without spreading them over {key}");
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Platform_components_run_in_the_critical_tier_and_mlflow_in_the_interactive_one(string stack)
    {
        var plan = await Plan(stack);
        var problems = new List<string>();
        foreach (var (release, entry, values) in Releases(plan))
        {
            foreach (var component in entry.Components.Where(c => c.IsEnabled(values) && !c.Scheduling.PriorityClass.IsEmpty))
            {
                var priority = ComponentScheduling.Of(component, values, release.Inputs["name"]!.GetValue<string>()).PriorityClass;
                // MLflow and the application data services (Valkey caches) serve users: the interactive tier.
                var ok = entry.Chart is "mlflow" or "valkey" ? priority == "interactive" : priority is not null && CriticalClasses.Contains(priority);
                if (!ok)
                {
                    problems.Add($"{entry.Chart} '{component.Name}' runs with priorityClassName {priority ?? "(none)"}");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Production_replicates_the_platform_and_other_stacks_keep_single_replicas(string stack)
    {
        var plan = await Plan(stack);
        var production = IsProduction(plan);
        var replicas = Releases(plan)
            .Where(r => PlatformCharts.Contains(r.Entry.Chart))
            .SelectMany(r => r.Entry.Components.Where(c => c.IsEnabled(r.Values)).Select(c => (Name: $"{r.Entry.Chart}/{c.Name}", Count: c.ReplicaCount(r.Values))))
            .ToDictionary(c => c.Name, c => c.Count);

        if (!production)
        {
            Assert.All(replicas, r => Assert.True(r.Value == 1, $"{r.Key} runs {r.Value} replicas outside production"));
            Assert.Empty(plan.OfType("kubernetes:policy/v1:PodDisruptionBudget"));
            return;
        }

        string[] replicated =
        [
            "cert-manager/controller", "cert-manager/webhook", "cert-manager/cainjector", "gateway-helm/envoy-gateway",
            "kube-prometheus-stack/prometheus", "kube-prometheus-stack/alertmanager", "external-secrets/external-secrets",
            "external-secrets/external-secrets-webhook", "external-secrets/external-secrets-cert-controller",
            "kyverno/admission-controller", "kyverno/background-controller", "kyverno/cleanup-controller", "kyverno/reports-controller",
            "argo-workflows/workflow-controller", "argo-workflows/server", "argo-cd/server", "argo-cd/repo-server",
            "argo-cd/applicationset-controller", "argo-cd/redis-ha", "argo-cd/redis-ha-haproxy",
        ];
        Assert.All(replicated.Where(replicas.ContainsKey), name => Assert.True(replicas[name] >= 2, $"{name} runs {replicas[name]} replica in production"));
        Assert.True(replicated.Count(replicas.ContainsKey) >= 10, "production plans the platform's replicated components");
        Assert.Equal(1, replicas["argo-cd/application-controller"]);
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Gateway_proxies_are_replicated_spread_and_budgeted_in_production(string stack)
    {
        var plan = await Plan(stack);
        var proxy = plan.OfType("kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy").SingleOrDefault();
        if (proxy is null)
        {
            return;
        }

        var kubernetes = proxy.Inputs["spec"]!["provider"]!["kubernetes"]!;
        var pod = kubernetes["envoyDeployment"]!["pod"]!;
        Assert.Equal("system-critical", pod["priorityClassName"]!.GetValue<string>());
        if (!IsProduction(plan))
        {
            Assert.Equal(1, kubernetes["envoyDeployment"]!["replicas"]!.GetValue<long>());
            Assert.Null(kubernetes["envoyPDB"]);
            return;
        }

        Assert.Equal(2, kubernetes["envoyDeployment"]!["replicas"]!.GetValue<long>());
        var budget = new RenderedBudget(kubernetes["envoyPDB"]!["minAvailable"], kubernetes["envoyPDB"]!["maxUnavailable"], []);
        Assert.Equal(BudgetVerdict.Protected, ComponentAvailability.Judge(budget, 2).Verdict);

        // Envoy Gateway labels each proxy with its Gateway; the constraints count the pods of the incoming pod's Gateway.
        var proxyPod = EnvoyGateway.ProxyPodLabels.ToDictionary()
            .Concat(EnvoyGateway.ProxyGatewayLabelKeys.Select(k => KeyValuePair.Create(k, "any"))).ToDictionary();
        var constraints = pod["topologySpreadConstraints"]!.AsArray();
        Assert.Equal([TopologySpread.HostKey, TopologySpread.ZoneKey], constraints.Select(c => c!["topologyKey"]!.GetValue<string>()).ToArray());
        Assert.All(constraints, c =>
        {
            Assert.True(DisruptionBudgetRule.Selects(c!["labelSelector"], proxyPod));
            Assert.Equal(EnvoyGateway.ProxyGatewayLabelKeys, c["matchLabelKeys"]!.AsArray().Select(k => k!.GetValue<string>()).ToArray());
        });
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task The_gate_s_availability_rule_passes(string stack)
    {
        var plan = await Plan(stack);

        Assert.Empty(DisruptionBudgetRule.Check(plan.ToPolicyItems()));
    }

    [Fact]
    public async Task A_replicated_model_server_is_spread_over_gpu_nodes_and_budgeted_over_its_predictors()
    {
        var config = Scenario.Existing("production");
        config["nodePools"] = new[]
        {
            new { name = "gpu", role = "gpu", accelerator = "l4", min = 0, max = 4, taints = new[] { new { key = "nvidia.com/gpu", value = "present", effect = "NoSchedule" } } },
        };
        config["kserve"] = new { sampleModel = new { model = "a/stable", replicas = 2, canaryModel = "a/next", canaryTrafficPercent = 10 } };

        var plan = await Scenario.RunAsync(config);

        var isvc = Assert.Single(plan.OfType("kubernetes:serving.kserve.io/v1beta1:InferenceService"));
        var predictor = isvc.Inputs["spec"]!["predictor"]!;
        Assert.Equal(2, predictor["minReplicas"]!.GetValue<long>());
        Assert.Equal(2, predictor["maxReplicas"]!.GetValue<long>());
        Assert.Empty(CrdSchema.Problems("serving.kserve.io", "v1beta1", "InferenceService", isvc.Inputs));

        // KServe labels stable and canary predictor pods alike; the budget and the spread count them together.
        var pods = VllmInferenceService.PredictorPodLabels(MlWorkloadsLayerSample);
        var constraints = predictor["topologySpreadConstraints"]!.AsArray();
        Assert.Equal([TopologySpread.HostKey, TopologySpread.ZoneKey], constraints.Select(c => c!["topologyKey"]!.GetValue<string>()).ToArray());
        Assert.All(constraints, c => Assert.True(DisruptionBudgetRule.Selects(c!["labelSelector"], pods)));

        var budget = Assert.Single(plan.OfType("kubernetes:policy/v1:PodDisruptionBudget"));
        Assert.Equal("serving", budget.Inputs["metadata"]!["namespace"]!.GetValue<string>());
        Assert.True(DisruptionBudgetRule.Selects(budget.Inputs["spec"]!["selector"], pods));
        Assert.Equal(BudgetVerdict.Protected, ComponentAvailability.Judge(Rendered(budget), 2).Verdict);
        Assert.Empty(PlanRules.Check(plan.ToPolicyItems()));
    }

    private const string MlWorkloadsLayerSample = MlPlatform.Stacks.Shared.MlWorkloadsLayer.SampleModelName;

    private static RenderedBudget Rendered(PlannedResource budget) =>
        new(budget.Inputs["spec"]!["minAvailable"], budget.Inputs["spec"]!["maxUnavailable"], []);
}
