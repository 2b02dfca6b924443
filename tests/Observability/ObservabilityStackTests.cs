using System.Text.Json.Nodes;
using MlPlatform.Components.Addons;
using MlPlatform.Infra.Plan;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Observability;

/// <summary>
/// The logs and traces pipeline on every stack file of the repository: where a stack installs it, the releases, the
/// storage wired to the cloud's bucket and identity (volumes on an existing cluster), the retention, the data sources
/// and the exact network openings. A cloud added later inherits these checks.
/// </summary>
public class ObservabilityStackTests
{
    public static TheoryData<string> Stacks => StackFiles.Names;

    private const string Release = "kubernetes:helm.sh/v3:Release";

    private static JsonNode? Values(PlanResult plan, string release) =>
        plan.OfType(Release).SingleOrDefault(r => r.Name == release)?.Inputs["values"];

    private static (string Type, string? Identity) Expected(string cloud) => cloud switch
    {
        "aws" => ("s3", "eks.amazonaws.com/role-arn"),
        "azure" => ("azure", "azure.workload.identity/client-id"),
        "gcp" => ("gcs", "iam.gke.io/gcp-service-account"),
        _ => ("filesystem", null),
    };

    private static void AssertIdentity(string? identity, JsonNode? annotations)
    {
        if (identity is null)
        {
            Assert.Null(annotations);
        }
        else
        {
            Assert.False(string.IsNullOrEmpty(annotations?[identity]?.GetValue<string>()), $"no {identity} annotation");
        }
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Loki_and_tempo_store_in_the_clouds_bucket_through_their_identity(string stack)
    {
        var plan = await StackPlans.Of(stack);
        var (type, identity) = Expected(plan.Cloud);

        if (Values(plan, "loki") is { } loki)
        {
            var release = plan.OfType(Release).Single(r => r.Name == "loki").Inputs;
            Assert.Equal((VersionCatalog.Loki.Name, VersionCatalog.Loki.Version, "loki"),
                (release["chart"]!.GetValue<string>(), release["version"]!.GetValue<string>(), release["namespace"]!.GetValue<string>()));
            Assert.Equal(type, loki["loki"]!["storage"]!["type"]!.GetValue<string>());
            Assert.Matches("^[1-9][0-9]*h$", loki["loki"]!["limits_config"]!["retention_period"]!.GetValue<string>());
            Assert.Equal(identity is not null, loki["loki"]!["storage"]!["bucketNames"] is not null);
            AssertIdentity(identity, loki["serviceAccount"]!["annotations"]);
            Assert.Single(plan.OfType(Release), r => r.Name == "log-collector" && r.Inputs["namespace"]!.GetValue<string>() == "log-collector");
        }

        if (Values(plan, "tempo") is { } tempo)
        {
            var backend = tempo["tempo"]!["storage"]!["trace"]!["backend"]!.GetValue<string>();
            Assert.Equal(type == "filesystem" ? "local" : type, backend);
            AssertIdentity(identity, tempo["serviceAccount"]!["annotations"]);
            Assert.Single(plan.OfType(Release), r => r.Name == "otel-collector" && r.Inputs["namespace"]!.GetValue<string>() == "otel-collector");
            var pipelines = Values(plan, "otel-collector")!["config"]!["service"]!["pipelines"]!;
            Assert.Equal("[\"otlp/tempo\"]", pipelines["traces"]!["exporters"]!.ToJsonString());
        }

        // Grafana provisions exactly the data sources of the backends the stack runs.
        if (Values(plan, "kube-prometheus-stack") is { } monitoring)
        {
            var uids = monitoring["grafana"]!["additionalDataSources"]?.AsArray().Select(d => d!["uid"]!.GetValue<string>()).ToList() ?? [];
            var expected = new[] { ("loki", Values(plan, "loki") is not null), ("tempo", Values(plan, "tempo") is not null) }.Where(e => e.Item2).Select(e => e.Item1);
            Assert.Equal(expected, uids);
        }
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task The_pipeline_opens_exactly_its_edges(string stack)
    {
        var plan = await StackPlans.Of(stack);
        var policies = plan.OfType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
            .ToLookup(p => p.Inputs["metadata"]!["namespace"]!.GetValue<string>(), p => p.Inputs["metadata"]!["name"]!.GetValue<string>());
        string Ports(string ns, string name) => plan.OfType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
            .Single(p => p.Inputs["metadata"]!["namespace"]!.GetValue<string>() == ns && p.Inputs["metadata"]!["name"]!.GetValue<string>() == name)
            .Inputs["spec"]!.ToJsonString();

        if (Values(plan, "otel-collector") is not null)
        {
            Assert.Contains("allow-from-workloads", policies["otel-collector"]);
            Assert.Contains("allow-from-otel-collector", policies["tempo"]);
            Assert.Contains("\"port\":4317", Ports("tempo", "allow-from-otel-collector"), StringComparison.Ordinal);
            Assert.DoesNotContain("3200", Ports("tempo", "allow-from-otel-collector"), StringComparison.Ordinal);
            var workloads = Ports("otel-collector", "allow-from-workloads");
            foreach (var port in new[] { 4317, 4318, 14250, 14268, 6831 })
            {
                Assert.Contains($"\"port\":{port}", workloads, StringComparison.Ordinal);
            }

            Assert.DoesNotContain("9411", workloads, StringComparison.Ordinal);
        }

        if (Values(plan, "loki") is not null)
        {
            Assert.Contains("allow-from-log-collector", policies["loki"]);
            Assert.Contains("\"port\":3100", Ports("loki", "allow-from-log-collector"), StringComparison.Ordinal);
            Assert.Contains("allow-to-loki", policies["log-collector"]);
        }

        // Nothing else opens towards the telemetry namespaces (besides the platform's usual rules).
        string[] usual = ["default-deny", "allow-dns", "allow-same-namespace", "allow-from-monitoring", "allow-https", "allow-api-server", "allow-pod-identity-agent", "allow-metadata-server", "allow-gke-metadata-server"];
        foreach (var ns in new[] { "loki", "tempo", "otel-collector", "log-collector" })
        {
            Assert.All(policies[ns].Where(n => !usual.Contains(n)), n => Assert.Contains(n, new[] { "allow-from-workloads", "allow-from-otel-collector", "allow-from-log-collector", "allow-to-tempo", "allow-to-loki" }));
        }
    }
}
