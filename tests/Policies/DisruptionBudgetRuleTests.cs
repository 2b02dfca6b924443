using System.Text.Json.Nodes;
using MlPlatform.Infra.Plan;
using MlPlatform.Policies;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Policies;

/// <summary>The gate's availability rule fails deliberately broken releases and workloads, and only those.</summary>
public class DisruptionBudgetRuleTests
{
    private static readonly Lazy<Task<PlanResult>> Production = new(() => Scenario.StackFileAsync("production"));
    private static readonly Lazy<Task<PlanResult>> Staging = new(() => Scenario.StackFileAsync("staging"));

    private const string Release = "kubernetes:helm.sh/v3:Release";
    private const string Budget = "kubernetes:policy/v1:PodDisruptionBudget";

    // The plan's items with one release's values changed (the plan itself is shared and never changed).
    private static async Task<List<PlanItem>> WithValues(Lazy<Task<PlanResult>> plan, string release, Action<JsonObject> change)
    {
        var items = (await plan.Value).ToPolicyItems().Select(i => i with { Inputs = i.Inputs.DeepClone().AsObject() }).ToList();
        var target = items.Single(i => i.Type == Release && i.Name == release);
        change(target.Inputs["values"]!.AsObject());
        return items;
    }

    private static List<PolicyViolation> Check(IReadOnlyList<PlanItem> plan) => [.. PlanRules.DisruptionBudgetsProtect(plan)];

    [Fact]
    public async Task The_production_and_staging_plans_pass()
    {
        Assert.Empty(Check((await Production.Value).ToPolicyItems()));
        Assert.Empty(Check((await Staging.Value).ToPolicyItems()));
        Assert.True(DisruptionBudgetRule.IsProduction((await Production.Value).ToPolicyItems()));
        Assert.False(DisruptionBudgetRule.IsProduction((await Staging.Value).ToPolicyItems()));
    }

    [Fact]
    public async Task An_argo_budget_without_bounds_fails_the_gate_in_production()
    {
        var plan = await WithValues(Production, "argo-workflows", v => v["server"]!["pdb"]!.AsObject().Remove("maxUnavailable"));

        var violation = Assert.Single(Check(plan));
        Assert.Equal("disruption-budgets", violation.Rule);
        Assert.Equal("kubernetes:helm.sh/v3:Release argo-workflows", violation.Resource);
        Assert.Contains("minAvailable: 0", violation.Message, StringComparison.Ordinal);
        Assert.Contains("server.pdb.maxUnavailable: 1", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_switched_off_budget_of_a_replicated_component_fails_the_gate_in_production()
    {
        var plan = await WithValues(Production, "kube-prometheus-stack", v => v["alertmanager"]!.AsObject().Remove("podDisruptionBudget"));

        var violation = Assert.Single(Check(plan));
        Assert.Contains("'alertmanager' (2 replicas, alertmanager.alertmanagerSpec.replicas)", violation.Message, StringComparison.Ordinal);
        Assert.Contains("alertmanager.podDisruptionBudget.enabled: true", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redis_ha_without_budgets_fails_the_gate_in_production()
    {
        var plan = await WithValues(Production, "argocd", v =>
        {
            var redisHa = v["redis-ha"]!.AsObject();
            redisHa.Remove("podDisruptionBudget");
            redisHa.Remove("haproxy");
        });

        Assert.Equal(["redis-ha", "redis-ha-haproxy"], Check(plan).Select(v => v.Message.Split('\'')[1]).ToArray());
    }

    [Fact]
    public async Task A_release_the_chart_cannot_render_fails_the_gate_in_every_stack()
    {
        var plan = await WithValues(Staging, "kyverno", v => HelmValues.Set(v, "admissionController", JsonNode.Parse("""{"replicas": 2, "podDisruptionBudget": {"maxUnavailable": 1}}""")));

        Assert.Contains("the template fails when both bounds are set", Assert.Single(Check(plan)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_budget_that_blocks_every_eviction_fails_the_gate_in_every_stack()
    {
        // cert-manager's template renders minAvailable: 1 for an enabled budget without bounds: one replica never drains.
        var plan = await WithValues(Staging, "cert-manager", v => HelmValues.Set(v, "webhook.podDisruptionBudget", JsonNode.Parse("""{"enabled": true}""")));

        var violation = Assert.Single(Check(plan));
        Assert.Contains("'webhook' (1 replica", violation.Message, StringComparison.Ordinal);
        Assert.Contains("allows no eviction", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outside_production_an_unprotected_replicated_component_passes()
    {
        var plan = await WithValues(Staging, "argo-workflows", v => HelmValues.Set(v, "server.replicas", JsonValue.Create(2)));

        Assert.Empty(Check(plan));
    }

    [Fact]
    public async Task A_chart_without_an_entry_fails_production_only()
    {
        static void Unknown(List<PlanItem> items)
        {
            var release = items.Single(i => i.Type == Release && i.Name == "mlflow");
            release.Inputs["version"] = "9.9.9";
        }

        var production = await WithValues(Production, "mlflow", _ => { });
        Unknown(production);
        var staging = await WithValues(Staging, "mlflow", _ => { });
        Unknown(staging);

        Assert.Contains("mlflow 9.9.9 has no entry in policies/ChartAvailability.cs", Assert.Single(Check(production)).Message, StringComparison.Ordinal);
        Assert.Empty(Check(staging));
    }

    [Fact]
    public async Task Mlflow_needs_the_platform_s_budget_over_its_pods_in_production()
    {
        var items = (await Production.Value).ToPolicyItems().Where(i => !(i.Type == Budget && i.ObjectName == "mlflow")).ToList();
        Assert.Contains("no PodDisruptionBudget in namespace mlflow selects its pods (app=mlflow, app.kubernetes.io/instance=mlflow, app.kubernetes.io/name=mlflow)",
            Assert.Single(Check(items)).Message, StringComparison.Ordinal);

        var wrong = (await Production.Value).ToPolicyItems().Select(i => i with { Inputs = i.Inputs.DeepClone().AsObject() }).ToList();
        wrong.Single(i => i.Type == Budget && i.ObjectName == "mlflow").Inputs["spec"]!["selector"]!["matchLabels"]!["app.kubernetes.io/name"] = "mlflow-server";
        Assert.Single(Check(wrong));
    }

    [Theory]
    [InlineData("""{"minAvailable": 1, "maxUnavailable": 1}""", "sets both bounds")]
    [InlineData("""{}""", "sets no bound")]
    [InlineData("""{"minAvailable": 0}""", "protects nothing")]
    [InlineData("""{"maxUnavailable": 0}""", "allows no eviction")]
    [InlineData("""{"minAvailable": "100%"}""", "allows no eviction")]
    public void Budgets_the_platform_creates_need_one_useful_bound_and_a_selector(string bounds, string problem)
    {
        var spec = JsonNode.Parse(bounds)!.AsObject();
        spec["selector"] = JsonNode.Parse("""{"matchLabels": {"app": "x"}}""");
        var budget = new PlanItem(Budget, "x-pdb", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "x", ["namespace"] = "x" }, ["spec"] = spec }, false);

        Assert.Contains(problem, Assert.Single(Check([budget])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_budget_with_an_empty_selector_is_reported()
    {
        var budget = new PlanItem(Budget, "x-pdb", JsonNode.Parse("""{"metadata": {"name": "x", "namespace": "x"}, "spec": {"maxUnavailable": 1, "selector": {}}}""")!.AsObject(), false);

        Assert.Contains("no label selector", Assert.Single(Check([budget])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_replicated_model_server_needs_a_budget_over_its_predictors_in_production()
    {
        var items = (await Production.Value).ToPolicyItems().ToList();
        var service = new PlanItem("kubernetes:serving.kserve.io/v1beta1:InferenceService", "llm", JsonNode.Parse(
            """{"metadata": {"name": "llm", "namespace": "serving"}, "spec": {"predictor": {"minReplicas": 2, "maxReplicas": 2}}}""")!.AsObject(), false);
        var budget = new PlanItem(Budget, "llm-pdb", JsonNode.Parse(
            """{"metadata": {"name": "llm-predictor", "namespace": "serving"}, "spec": {"maxUnavailable": 1, "selector": {"matchLabels": {"serving.kserve.io/inferenceservice": "llm", "component": "predictor"}}}}""")!.AsObject(), false);

        Assert.Contains("runs 2 predictor replicas", Assert.Single(Check([.. items, service])).Message, StringComparison.Ordinal);
        Assert.Empty(Check([.. items, service, budget]));
    }

    [Theory]
    [InlineData("""{"matchLabels": {"a": "1"}}""", true)]
    [InlineData("""{"matchLabels": {"a": "2"}}""", false)]
    [InlineData("""{"matchLabels": {"a": "1", "c": "3"}}""", false)]
    [InlineData("""{"matchExpressions": [{"key": "a", "operator": "In", "values": ["1", "2"]}, {"key": "c", "operator": "DoesNotExist"}]}""", true)]
    [InlineData("""{"matchExpressions": [{"key": "b", "operator": "NotIn", "values": ["2"]}]}""", false)]
    [InlineData("""{"matchExpressions": [{"key": "b", "operator": "Exists"}]}""", true)]
    [InlineData("""{}""", false)]
    public void Label_selectors_match_like_kubernetes(string selector, bool selects)
    {
        Assert.Equal(selects, DisruptionBudgetRule.Selects(JsonNode.Parse(selector), new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }));
    }
}
