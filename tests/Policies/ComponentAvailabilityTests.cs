using System.Text.Json.Nodes;
using MlPlatform.Policies;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Policies;

/// <summary>
/// What the charts' PodDisruptionBudget templates render for given values, over their real defaults: the findings
/// of the issue (an enabled argo budget without bounds is <c>minAvailable: 0</c>, kube-prometheus-stack's are off,
/// redis-ha has none) and the template rules the platform's values rely on.
/// </summary>
public class ComponentAvailabilityTests
{
    private static ComponentAvailability Evaluate(string chart, string component, string values)
    {
        var entry = ChartAvailability.Charts.Single(c => c.Chart == chart);
        var merged = ChartDefaults.Coalesced(chart, entry.Version, JsonNode.Parse(values));
        return ComponentAvailability.Of(chart, entry.Components.Single(c => c.Name == component), merged);
    }

    [Theory]
    [InlineData("argo-workflows", "server", """{"server": {"replicas": 2, "pdb": {"enabled": true}}}""")]
    [InlineData("argo-workflows", "workflow-controller", """{"controller": {"replicas": 2, "pdb": {"enabled": true}}}""")]
    [InlineData("argo-cd", "server", """{"server": {"replicas": 2, "pdb": {"enabled": true}}}""")]
    [InlineData("argo-cd", "repo-server", """{"repoServer": {"replicas": 2, "pdb": {"enabled": true}}}""")]
    public void An_enabled_argo_budget_without_bounds_renders_min_available_zero(string chart, string component, string values)
    {
        var result = Evaluate(chart, component, values);

        Assert.Equal(BudgetVerdict.Unprotected, result.Verdict);
        Assert.Equal(0, result.Budget!.MinAvailable!.GetValue<int>());
        Assert.Contains("lets all 2 pods be evicted at once", result.Problem, StringComparison.Ordinal);
        Assert.Contains(".pdb.maxUnavailable: 1", result.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("argo-workflows", "server", """{"server": {"replicas": 2, "pdb": {"enabled": true, "maxUnavailable": 1}}}""")]
    [InlineData("argo-cd", "applicationset-controller", """{"applicationSet": {"replicas": 2, "pdb": {"enabled": true, "maxUnavailable": 1}}}""")]
    [InlineData("argo-cd", "redis-ha", """{"redis-ha": {"enabled": true, "podDisruptionBudget": {"maxUnavailable": 1}}}""")]
    [InlineData("argo-cd", "redis-ha-haproxy", """{"redis-ha": {"enabled": true, "haproxy": {"podDisruptionBudget": {"maxUnavailable": 1}}}}""")]
    [InlineData("kube-prometheus-stack", "prometheus", """{"prometheus": {"prometheusSpec": {"replicas": 2}, "podDisruptionBudget": {"enabled": true}}}""")]
    [InlineData("kyverno", "admission-controller", """{"admissionController": {"replicas": 3}}""")]
    [InlineData("kyverno", "admission-controller", """{"admissionController": {"replicas": 3, "podDisruptionBudget": {"minAvailable": 0, "maxUnavailable": 1}}}""")]
    [InlineData("cert-manager", "webhook", """{"webhook": {"replicaCount": 2, "podDisruptionBudget": {"enabled": true}}}""")]
    [InlineData("external-secrets", "external-secrets", """{"replicaCount": 2, "podDisruptionBudget": {"enabled": true, "maxUnavailable": 1}}""")]
    [InlineData("gateway-helm", "envoy-gateway", """{"deployment": {"replicas": 2}, "podDisruptionBudget": {"maxUnavailable": 1}}""")]
    [InlineData("karpenter", "karpenter", "{}")]
    public void Budgets_that_keep_one_pod_and_let_one_go_protect(string chart, string component, string values)
    {
        var result = Evaluate(chart, component, values);

        Assert.True(result.Verdict == BudgetVerdict.Protected, result.Problem);
    }

    [Theory]
    [InlineData("kube-prometheus-stack", "prometheus", """{"prometheus": {"prometheusSpec": {"replicas": 2}}}""", "is not rendered")]
    [InlineData("kube-prometheus-stack", "alertmanager", """{"alertmanager": {"alertmanagerSpec": {"replicas": 2}}}""", "is not rendered")]
    [InlineData("argo-cd", "redis-ha", """{"redis-ha": {"enabled": true}}""", "is not rendered")]
    [InlineData("argo-cd", "redis-ha-haproxy", """{"redis-ha": {"enabled": true}}""", "is not rendered")]
    [InlineData("external-secrets", "external-secrets-webhook", """{"webhook": {"replicaCount": 2, "podDisruptionBudget": {"enabled": true, "minAvailable": 2}}}""", "allows no eviction")]
    [InlineData("gateway-helm", "envoy-gateway", """{"deployment": {"replicas": 2}, "podDisruptionBudget": {"minAvailable": "50%"}}""", "is not rendered")]
    [InlineData("aws-load-balancer-controller", "aws-load-balancer-controller", "{}", "is not rendered")]
    public void Replicated_components_without_a_protecting_budget_are_reported(string chart, string component, string values, string problem)
    {
        var result = Evaluate(chart, component, values);

        Assert.NotEqual(BudgetVerdict.Protected, result.Verdict);
        Assert.Contains(problem, result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Kube_prometheus_stack_renders_both_bounds_when_max_unavailable_is_added_to_its_default()
    {
        var result = Evaluate("kube-prometheus-stack", "alertmanager",
            """{"alertmanager": {"alertmanagerSpec": {"replicas": 2}, "podDisruptionBudget": {"enabled": true, "maxUnavailable": 1}}}""");

        Assert.Equal(BudgetVerdict.Invalid, result.Verdict);
        Assert.Contains("both bounds", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Kyverno_fails_to_render_with_max_unavailable_next_to_its_default_min_available()
    {
        var result = Evaluate("kyverno", "background-controller", """{"backgroundController": {"replicas": 2, "podDisruptionBudget": {"maxUnavailable": 1}}}""");

        Assert.Equal(BudgetVerdict.Invalid, result.Verdict);
        Assert.Contains("the template fails", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Cert_manager_s_default_bound_blocks_every_eviction_of_a_single_replica()
    {
        var result = Evaluate("cert-manager", "controller", """{"podDisruptionBudget": {"enabled": true}}""");

        Assert.Equal(BudgetVerdict.BlocksEvictions, result.Verdict);
        Assert.Equal(1, result.Budget!.MinAvailable!.GetValue<int>());
    }

    [Fact]
    public void Keda_renders_a_bound_twice_when_the_shared_and_the_component_budget_both_set_it()
    {
        var result = Evaluate("keda", "keda-operator", """{"operator": {"replicaCount": 2}, "podDisruptionBudget": {"minAvailable": 1, "operator": {"minAvailable": 1}}}""");

        Assert.Equal(BudgetVerdict.Invalid, result.Verdict);
        Assert.Contains("rendered twice", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_autoscaler_s_minimum_is_the_replica_count()
    {
        var result = Evaluate("argo-cd", "server", """{"server": {"autoscaling": {"enabled": true, "minReplicas": 3}}}""");

        Assert.Equal(3, result.Replicas);
        Assert.Equal(BudgetVerdict.Unprotected, result.Verdict);
    }

    [Fact]
    public void Disabled_components_and_charts_that_cannot_scale_are_not_reported()
    {
        Assert.Equal(BudgetVerdict.Disabled, Evaluate("argo-cd", "redis-ha", "{}").Verdict);
        Assert.Equal(BudgetVerdict.Disabled, Evaluate("argo-cd", "dex-server", """{"dex": {"enabled": false}}""").Verdict);
        Assert.Equal(BudgetVerdict.SingleReplica, Evaluate("kserve-resources", "kserve-controller-manager", "{}").Verdict);
        Assert.Equal(BudgetVerdict.SingleReplica, Evaluate("kyverno", "admission-controller", "{}").Verdict);
    }

    [Theory]
    [InlineData(null, 1, 3, null, 1)]
    [InlineData(null, "50%", 3, null, 2)]
    [InlineData(1, null, 3, null, 2)]
    [InlineData("50%", null, 3, null, 1)]
    [InlineData(null, 0, 2, BudgetVerdict.BlocksEvictions, 0)]
    [InlineData(2, null, 2, BudgetVerdict.BlocksEvictions, 0)]
    [InlineData(0, null, 2, BudgetVerdict.Unprotected, 2)]
    [InlineData(null, "100%", 2, BudgetVerdict.Unprotected, 2)]
    public void Allowed_disruptions_round_percentages_up(object? min, object? max, int replicas, BudgetVerdict? verdict, int allowed)
    {
        var budget = new RenderedBudget(ChartValue.Of("m", min).Default, ChartValue.Of("x", max).Default, []);

        Assert.Equal(allowed, ComponentAvailability.AllowedDisruptions(budget, replicas));
        Assert.Equal(verdict ?? BudgetVerdict.Protected, ComponentAvailability.Judge(budget, replicas).Verdict);
    }
}
