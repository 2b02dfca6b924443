using System.Text.Json.Nodes;
using MlPlatform.Components.Addons;
using MlPlatform.Infra.Plan;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Stacks;

/// <summary>Alertmanager invariants of every stack file: receivers read their credentials from a Secret, and critical alerts reach the pager.</summary>
public class AlertingScenarioTests
{
    public static TheoryData<string> Stacks => StackFiles.Names;

    private static JsonNode? Alerting(string stack) =>
        StackConfigFile.Load(RepositoryPaths.Root, stack).Values.GetValueOrDefault("mlplatform:alerting") is { } raw ? JsonNode.Parse(raw) : null;

    [Fact]
    public void Production_stacks_with_receivers_configure_a_pager()
    {
        var production = StackFiles.All.Where(s => StackConfigFile.Load(RepositoryPaths.Root, s).Values.GetValueOrDefault("mlplatform:environment") == "production").ToList();

        Assert.NotEmpty(production);
        Assert.All(production.Where(s => Alerting(s) is not null), stack =>
            Assert.True(Alerting(stack)?["pagerDuty"]?["secretName"] is not null, $"{stack} pages nobody on critical alerts"));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Receivers_route_by_severity_and_read_their_credentials_from_the_external_secret(string stack)
    {
        var plan = await StackPlans.Of(stack);
        var alerting = Alerting(stack);
        var release = plan.OfType("kubernetes:helm.sh/v3:Release").SingleOrDefault(r => r.Inputs["chart"]!.ToString() == VersionCatalog.KubePrometheusStack.ReleaseChart);
        var config = release?.Inputs["values"]?["alertmanager"]?["config"];
        if (alerting is null)
        {
            // Nothing configured: the chart's defaults, and no Secret to wait for.
            Assert.Null(config);
            Assert.DoesNotContain(plan.OfType("kubernetes:external-secrets.io/v1:ExternalSecret"), e => e.Inputs["metadata"]!["name"]!.ToString() == AlertReceivers.SecretName);
            return;
        }

        Assert.NotNull(config);
        var json = config!.ToJsonString();
        foreach (var literal in new[] { "\"api_url\"", "\"routing_key\"", "\"url\"", "\"service_key\"", "hooks.slack.com" })
        {
            Assert.DoesNotContain(literal, json, StringComparison.Ordinal);
        }

        var routes = config["route"]!["routes"]!.AsArray();
        string ReceiverOf(string matcher) => routes.Single(r => r!["matchers"]!.AsArray().Any(m => m!.ToString() == matcher))!["receiver"]!.ToString();
        var hasPager = alerting["pagerDuty"] is not null;
        Assert.Equal(hasPager ? "pager" : "chat", ReceiverOf("severity = \"critical\""));
        Assert.Equal(alerting["slack"] is not null ? "chat" : AlertReceivers.NullReceiver, ReceiverOf("severity = \"warning\""));
        Assert.Equal(AlertReceivers.NullReceiver, ReceiverOf("severity = \"info\""));
        Assert.Equal(alerting["watchdog"] is not null ? "watchdog" : AlertReceivers.NullReceiver, ReceiverOf("alertname = \"Watchdog\""));
        Assert.Equal("Watchdog", routes[0]!["matchers"]![0]!.ToString().Split('"')[1]);
        Assert.NotEmpty(config["inhibit_rules"]!.AsArray());
        if (hasPager)
        {
            var pager = config["receivers"]!.AsArray().Single(r => r!["name"]!.ToString() == "pager")!;
            Assert.Equal($"{AlertReceivers.MountPath}/{AlertReceivers.PagerDutyKey}", pager["pagerduty_configs"]![0]!["routing_key_file"]!.ToString());
        }

        Assert.Equal($"[\"{AlertReceivers.SecretName}\"]", release!.Inputs["values"]!["alertmanager"]!["alertmanagerSpec"]!["secrets"]!.ToJsonString());
        var external = plan.OfType("kubernetes:external-secrets.io/v1:ExternalSecret").Single(e => e.Inputs["metadata"]!["name"]!.ToString() == AlertReceivers.SecretName);
        Assert.Equal("monitoring", external.Inputs["metadata"]!["namespace"]!.ToString());
        var keys = external.Inputs["spec"]!["data"]!.AsArray().ToDictionary(d => d!["secretKey"]!.ToString(), d => d!["remoteRef"]!["key"]!.ToString());
        foreach (var (receiver, key) in new[] { ("slack", AlertReceivers.SlackKey), ("pagerDuty", AlertReceivers.PagerDutyKey), ("watchdog", AlertReceivers.WatchdogKey) })
        {
            if (alerting[receiver]?["secretName"]?.ToString() is { } secret)
            {
                Assert.Equal(secret, keys[key]);
            }
        }

        Assert.NotEmpty(external.DependsOn);
    }
}
