using System.Text.Json.Nodes;
using MlPlatform.Components.Addons;
using MlPlatform.Policies;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Policies;

/// <summary>
/// The reviewed table of chart workloads cannot drift from the charts: every path and default it names is checked
/// against the real values.yaml of its version, and what it computes from the sparse defaults it gives the gate equals
/// what it computes from the full chart defaults.
/// </summary>
public class ChartAvailabilityTests
{
    public static TheoryData<string, string> Entries()
    {
        var data = new TheoryData<string, string>();
        foreach (var entry in ChartAvailability.Charts)
        {
            data.Add(entry.Chart, entry.Version);
        }

        return data;
    }

    private static ChartAvailabilityEntry Entry(string chart, string version) => ChartAvailability.Find(chart, version)!;

    [Fact]
    public void Every_catalog_chart_has_an_entry_for_its_pinned_version()
    {
        var missing = VersionCatalog.All.Where(c => ChartAvailability.Find(c.Name, c.Version) is null).Select(c => $"{c.Name} {c.Version}");

        Assert.Empty(missing);
        Assert.Equal(ChartAvailability.Charts.Length, ChartAvailability.Charts.Select(c => (c.Chart, c.Version)).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Entries))]
    public void Every_value_the_entry_reads_has_the_default_of_the_real_values_yaml(string chart, string version)
    {
        var defaults = ChartDefaults.Coalesced(chart, version, null);
        var problems = new List<string>();
        foreach (var group in Entry(chart, version).Values().GroupBy(v => v.Path))
        {
            var value = group.First();
            if (group.Any(v => v.InDefaults != value.InDefaults || !JsonNode.DeepEquals(v.Default, value.Default)))
            {
                problems.Add($"{value.Path}: listed with different defaults");
            }

            var present = HelmValues.TryGet(defaults, value.Path, out var actual);
            if (value.InDefaults && !present)
            {
                problems.Add($"{value.Path}: not in values.yaml (list it as Absent if the templates read it anyway)");
            }
            else if (value.InDefaults && !JsonNode.DeepEquals(value.Default, actual))
            {
                problems.Add($"{value.Path}: values.yaml says {actual?.ToJsonString() ?? "null"}, the table {value.Default?.ToJsonString() ?? "null"}");
            }
            else if (!value.InDefaults && present)
            {
                problems.Add($"{value.Path}: in values.yaml as {actual?.ToJsonString() ?? "null"}, listed as absent");
            }
        }

        Assert.True(problems.Count == 0, $"{chart} {version}:\n  " + string.Join("\n  ", problems));
    }

    [Theory]
    [MemberData(nameof(Entries))]
    public void The_gate_s_sparse_defaults_evaluate_like_the_chart_s_full_defaults(string chart, string version)
    {
        var entry = Entry(chart, version);
        var full = ChartDefaults.Coalesced(chart, version, null);
        var sparse = HelmValues.Coalesce(null, entry.Defaults());

        foreach (var component in entry.Components)
        {
            var fromChart = ComponentAvailability.Of(chart, component, full);
            var fromTable = ComponentAvailability.Of(chart, component, sparse);
            Assert.Equal((fromChart.Verdict, fromChart.Replicas), (fromTable.Verdict, fromTable.Replicas));
            Assert.Equal(fromChart.Budget is null ? "" : ComponentAvailability.Describe(fromChart.Budget), fromTable.Budget is null ? "" : ComponentAvailability.Describe(fromTable.Budget));
        }
    }

    [Theory]
    [MemberData(nameof(Entries))]
    public void With_the_chart_s_defaults_no_budget_blocks_a_drain_or_is_invalid(string chart, string version)
    {
        var defaults = ChartDefaults.Coalesced(chart, version, null);

        Assert.All(Entry(chart, version).Components, component => Assert.DoesNotContain(
            ComponentAvailability.Of(chart, component, defaults).Verdict, new[] { BudgetVerdict.BlocksEvictions, BudgetVerdict.Invalid }));
    }

    [Fact]
    public void The_labels_the_components_select_by_are_labels_the_table_s_charts_put_on_their_pods()
    {
        IReadOnlyDictionary<string, string> Pods(string chart, string component, string release) =>
            ChartAvailability.Charts.Single(c => c.Chart == chart).Components.Single(c => c.Name == component).Scheduling.PodLabelsOf(release);
        void Selects(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> pods) =>
            Assert.All(selector, l => Assert.Equal(l.Value, pods.GetValueOrDefault(l.Key)));

        Selects(Mlflow.SelectorLabels(), Pods("mlflow", "mlflow", Mlflow.ReleaseName));
        Selects(CertManager.PodLabels("cert-manager", "controller"), Pods("cert-manager", "controller", CertManager.ReleaseName));
        Selects(CertManager.PodLabels("webhook", "webhook"), Pods("cert-manager", "webhook", CertManager.ReleaseName));
        Selects(CertManager.PodLabels("cainjector", "cainjector"), Pods("cert-manager", "cainjector", CertManager.ReleaseName));
        Selects(Kyverno.PodLabels("admission-controller"), Pods("kyverno", "admission-controller", Kyverno.ReleaseName));
        Selects(EnvoyGateway.ControllerPodLabels, Pods("gateway-helm", "envoy-gateway", EnvoyGateway.ReleaseName));
        Selects(KubePrometheusStack.PrometheusPodLabels, Pods("kube-prometheus-stack", "prometheus", KubePrometheusStack.ReleaseName));
        Selects(KubePrometheusStack.AlertmanagerPodLabels, Pods("kube-prometheus-stack", "alertmanager", KubePrometheusStack.ReleaseName));
        Assert.Equal(VllmInferenceService.PredictorPodLabels("m"), DisruptionBudgetRule.PredictorPodLabels("m"));
    }
}
