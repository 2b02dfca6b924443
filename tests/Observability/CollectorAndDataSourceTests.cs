using System.Collections.Immutable;
using System.Text.Json.Nodes;
using MlPlatform.Components.Addons;
using MlPlatform.Components.Addons.Observability;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Observability;

/// <summary>The two OpenTelemetry Collector releases and Grafana's data sources.</summary>
public class CollectorAndDataSourceTests
{

    private static OpenTelemetryCollectorArgs Gateway(bool logs = true, bool ha = false) => new()
    {
        Namespace = "otel-collector",
        Role = CollectorRole.Gateway,
        HighAvailability = ha,
        PriorityClassName = "system-critical",
        TracesEndpoint = Tempo.OtlpEndpoint("tempo"),
        LogsEndpoint = logs ? Loki.PushUrl("loki", false) : null,
    };

    private static OpenTelemetryCollectorArgs NodeLogs() => new()
    {
        Namespace = "log-collector",
        Role = CollectorRole.NodeLogs,
        LogsEndpoint = Loki.PushUrl("loki", false),
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_collector_value_exists_in_opentelemetry_collector_0_170_0(bool ha)
    {
        foreach (var args in new[] { Gateway(ha: ha), Gateway(logs: false, ha: ha), NodeLogs() })
        {
            var values = Json.Of(OpenTelemetryCollector.Values(args));
            Assert.Empty(ChartValues.UnknownKeys(VersionCatalog.OpenTelemetryCollector.Name, VersionCatalog.OpenTelemetryCollector.Version, values));
            Assert.Equal(OpenTelemetryCollector.ImageRepository, values["image"]!["repository"]!.GetValue<string>());
        }
    }

    [Fact]
    public void The_gateway_receives_otlp_and_jaeger_and_exports_traces_to_tempo_and_logs_to_loki()
    {
        var values = Json.Of(OpenTelemetryCollector.Values(Gateway()));
        Assert.Equal("deployment", values["mode"]!.GetValue<string>());
        var pipelines = values["config"]!["service"]!["pipelines"]!;
        Assert.Equal("[\"otlp\",\"jaeger\"]", pipelines["traces"]!["receivers"]!.ToJsonString());
        Assert.Equal("[\"memory_limiter\",\"batch\"]", pipelines["traces"]!["processors"]!.ToJsonString());
        Assert.Equal("[\"otlp/tempo\"]", pipelines["traces"]!["exporters"]!.ToJsonString());
        Assert.Equal("[\"otlp\"]", pipelines["logs"]!["receivers"]!.ToJsonString());
        Assert.Equal("[\"otlphttp/loki\"]", pipelines["logs"]!["exporters"]!.ToJsonString());
        Assert.Null(pipelines["metrics"]); // removed: the chart's default exports to debug only

        var exporters = values["config"]!["exporters"]!;
        Assert.Equal("tempo.tempo.svc.cluster.local:4317", exporters["otlp/tempo"]!["endpoint"]!.GetValue<string>());
        Assert.True(exporters["otlp/tempo"]!["tls"]!["insecure"]!.GetValue<bool>());
        Assert.Equal("http://loki.loki.svc.cluster.local:3100/otlp", exporters["otlphttp/loki"]!["endpoint"]!.GetValue<string>());

        // OTLP gRPC/HTTP and the three Jaeger ports are served; Zipkin is not.
        foreach (var port in new[] { "otlp", "otlp-http", "jaeger-grpc", "jaeger-thrift", "jaeger-compact" })
        {
            Assert.True(values["ports"]![port]!["enabled"]!.GetValue<bool>(), port);
        }

        Assert.False(values["ports"]!["zipkin"]!["enabled"]!.GetValue<bool>());
        Assert.Equal([4317, 4318, 14250, 14268, 6831], OpenTelemetryCollector.ReceiverPorts.Select(p => p.Port));
        Assert.True(values["podSecurityContext"]!["runAsNonRoot"]!.GetValue<bool>());
        Assert.False(values["securityContext"]!["allowPrivilegeEscalation"]!.GetValue<bool>());
        Assert.Equal(1, values["replicaCount"]!.GetValue<int>());
    }

    [Fact]
    public void The_gateway_without_loki_runs_traces_only_and_is_replicated_with_a_budget_in_ha()
    {
        var pipelines = OpenTelemetryCollector.Pipelines(Gateway(logs: false));
        Assert.Equal(["traces"], pipelines.Keys);

        var values = Json.Of(OpenTelemetryCollector.Values(Gateway(ha: true)));
        Assert.Equal(2, values["replicaCount"]!.GetValue<int>());
        Assert.True(values["podDisruptionBudget"]!["enabled"]!.GetValue<bool>());
        Assert.Equal(1, values["podDisruptionBudget"]!["minAvailable"]!.GetValue<int>());
        Assert.Equal(2, values["topologySpreadConstraints"]!.AsArray().Count);
    }

    [Fact]
    public void The_node_collector_reads_pod_logs_on_every_node_into_loki_and_listens_on_nothing()
    {
        var values = Json.Of(OpenTelemetryCollector.Values(NodeLogs()));
        Assert.Equal("daemonset", values["mode"]!.GetValue<string>());
        Assert.True(values["presets"]!["logsCollection"]!["enabled"]!.GetValue<bool>());
        var pipelines = values["config"]!["service"]!["pipelines"]!;
        Assert.Equal("[\"filelog\"]", pipelines["logs"]!["receivers"]!.ToJsonString());
        Assert.Equal("[\"otlphttp/loki\"]", pipelines["logs"]!["exporters"]!.ToJsonString());
        Assert.Null(pipelines["traces"]);
        Assert.Null(pipelines["metrics"]);
        Assert.All(values["ports"]!.AsObject().Where(p => p.Key != "metrics"), p => Assert.False(p.Value!["enabled"]!.GetValue<bool>(), p.Key));

        // Only its own metrics, scraped by a PodMonitor, on the pod's port (no host port).
        Assert.True(values["ports"]!["metrics"]!["enabled"]!.GetValue<bool>());
        Assert.Null(values["ports"]!["metrics"]!["hostPort"]);
        Assert.True(values["podMonitor"]!["enabled"]!.GetValue<bool>());
        Assert.Null(values["serviceMonitor"]);
        Assert.Equal("Exists", Assert.Single(values["tolerations"]!.AsArray())!["operator"]!.GetValue<string>());
        Assert.Equal(0, values["securityContext"]!["runAsUser"]!.GetValue<int>());
        Assert.Equal("[\"ALL\"]", values["securityContext"]!["capabilities"]!["drop"]!.ToJsonString());
    }

    [Fact]
    public void Loki_and_tempo_data_sources_link_traces_and_logs_both_ways()
    {
        var sources = Json.Of(GrafanaDataSources.For("http://loki:3100", "http://tempo:3200")).AsArray();
        Assert.Equal(["loki", "tempo"], sources.Select(s => s!["uid"]!.GetValue<string>()));
        var loki = sources[0]!;
        Assert.Equal("loki", loki["type"]!.GetValue<string>());
        Assert.Equal("http://loki:3100", loki["url"]!.GetValue<string>());
        var derived = Assert.Single(loki["jsonData"]!["derivedFields"]!.AsArray())!;
        Assert.Equal("tempo", derived["datasourceUid"]!.GetValue<string>());
        Assert.Matches(derived["matcherRegex"]!.GetValue<string>(), "level=info trace_id=4bf92f3577b34da6a3ce929d0e0e4736 msg=done");

        var tempo = sources[1]!;
        Assert.Equal("tempo", tempo["type"]!.GetValue<string>());
        var toLogs = tempo["jsonData"]!["tracesToLogsV2"]!;
        Assert.Equal("loki", toLogs["datasourceUid"]!.GetValue<string>());
        Assert.True(toLogs["filterByTraceID"]!.GetValue<bool>());
        Assert.Equal(["k8s.namespace.name=k8s_namespace_name", "k8s.pod.name=k8s_pod_name", "k8s.container.name=k8s_container_name"],
            toLogs["tags"]!.AsArray().Select(t => $"{t!["key"]}={t["value"]}"));
        Assert.Equal("prometheus", tempo["jsonData"]!["serviceMap"]!["datasourceUid"]!.GetValue<string>());

        // One backend alone: no links to a data source that is not provisioned.
        Assert.Null(Json.Of(GrafanaDataSources.For("http://loki:3100", null))[0]!["jsonData"]!["derivedFields"]);
        Assert.Null(Json.Of(GrafanaDataSources.For(null, "http://tempo:3200"))[0]!["jsonData"]!["tracesToLogsV2"]);
        Assert.Empty(GrafanaDataSources.For(null, null));
    }

    [Fact]
    public void Kube_prometheus_stack_provisions_the_data_sources_and_exemplars_with_real_chart_values()
    {
        var args = new KubePrometheusStackArgs
        {
            Namespace = "monitoring",
            Retention = "7d",
            StorageSize = "50Gi",
            AdditionalDataSources = GrafanaDataSources.For("http://loki:3100", "http://tempo:3200"),
            ExemplarDestinations = GrafanaDataSources.ExemplarDestinations(),
        };
        var values = Json.Of(KubePrometheusStack.Values(args));

        Assert.Empty(ChartValues.UnknownKeys(VersionCatalog.KubePrometheusStack.Name, VersionCatalog.KubePrometheusStack.Version, values));
        Assert.Equal(2, values["grafana"]!["additionalDataSources"]!.AsArray().Count);
        var exemplars = values["grafana"]!["sidecar"]!["datasources"]!["exemplarTraceIdDestinations"]!;
        Assert.Equal("tempo", exemplars["datasourceUid"]!.GetValue<string>());
        Assert.Equal("trace_id", exemplars["traceIdLabelName"]!.GetValue<string>());
        Assert.Equal("[\"exemplar-storage\"]", values["prometheus"]!["prometheusSpec"]!["enableFeatures"]!.ToJsonString());

        var without = Json.Of(KubePrometheusStack.Values(new KubePrometheusStackArgs { Namespace = "monitoring", Retention = "7d", StorageSize = "50Gi" }));
        Assert.Null(without["grafana"]!["additionalDataSources"]);
        Assert.Null(without["prometheus"]!["prometheusSpec"]!["enableFeatures"]);
        Assert.IsType<JsonObject>(without["grafana"]!["sidecar"]);
    }
}
