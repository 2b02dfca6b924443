using System.Text.Json.Nodes;
using MlPlatform.Infra.Plan;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Observability;

/// <summary>
/// The telemetry pipeline is itself monitored: on every stack file that runs them, Loki, Tempo and both collectors
/// have their charts' ServiceMonitor (PodMonitor for the node collector, a DaemonSet without a Service), which the
/// monitoring stack selects in every namespace.
/// </summary>
public class TelemetryScrapeTests
{
    public static TheoryData<string> Stacks => StackFiles.Names;

    private static JsonNode? Values(PlanResult plan, string release) =>
        plan.OfType("kubernetes:helm.sh/v3:Release").SingleOrDefault(r => r.Name == release)?.Inputs["values"];

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Loki_tempo_and_the_collectors_are_scraped(string stack)
    {
        var plan = await StackPlans.Of(stack);
        if (Values(plan, "kube-prometheus-stack") is not { } monitoring)
        {
            return;
        }

        // Prometheus selects every ServiceMonitor and PodMonitor, not only its own release's.
        Assert.False(monitoring["prometheus"]!["prometheusSpec"]!["serviceMonitorSelectorNilUsesHelmValues"]!.GetValue<bool>());
        Assert.False(monitoring["prometheus"]!["prometheusSpec"]!["podMonitorSelectorNilUsesHelmValues"]!.GetValue<bool>());

        if (Values(plan, "loki") is { } loki)
        {
            Assert.True(loki["monitoring"]!["serviceMonitor"]!["enabled"]!.GetValue<bool>());
        }

        if (Values(plan, "tempo") is { } tempo)
        {
            Assert.True(tempo["serviceMonitor"]!["enabled"]!.GetValue<bool>());
        }

        if (Values(plan, "otel-collector") is { } gateway)
        {
            Assert.True(gateway["ports"]!["metrics"]!["enabled"]!.GetValue<bool>());
            Assert.True(gateway["serviceMonitor"]!["enabled"]!.GetValue<bool>());
        }

        if (Values(plan, "log-collector") is { } nodes)
        {
            Assert.True(nodes["ports"]!["metrics"]!["enabled"]!.GetValue<bool>());
            Assert.True(nodes["podMonitor"]!["enabled"]!.GetValue<bool>());
        }
    }
}
