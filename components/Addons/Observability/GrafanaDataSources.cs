using System.Collections.Immutable;

namespace MlPlatform.Components.Addons.Observability;

/// <summary>
/// The Grafana data sources the platform provisions next to kube-prometheus-stack's own Prometheus (uid
/// <see cref="PrometheusUid"/>): Loki, with derived fields that link trace ids in log lines to Tempo, and Tempo, with
/// trace-to-logs (the span's namespace, pod and container select its logs in Loki), the service map from Prometheus
/// and Loki search. Prometheus's exemplars link to Tempo through <see cref="ExemplarDestinations"/>.
/// </summary>
public static class GrafanaDataSources
{
    /// <summary>The uid of kube-prometheus-stack's Prometheus data source (chart value <c>grafana.sidecar.datasources.uid</c>).</summary>
    public const string PrometheusUid = "prometheus";

    /// <summary>The uid of the Loki data source.</summary>
    public const string LokiUid = "loki";

    /// <summary>The uid of the Tempo data source.</summary>
    public const string TempoUid = "tempo";

    /// <summary>The exemplar label that carries the trace id (what OpenTelemetry SDKs and Prometheus clients write).</summary>
    public const string TraceIdLabel = "trace_id";

    /// <summary>
    /// The Loki data source. <paramref name="withTraces"/> adds the derived field that turns a <c>trace_id</c> in a log
    /// line into a link to Tempo.
    /// </summary>
    public static Dictionary<string, object> Loki(string url, bool withTraces)
    {
        var jsonData = new Dictionary<string, object> { ["maxLines"] = 1000 };
        if (withTraces)
        {
            jsonData["derivedFields"] = new object[]
            {
                new Dictionary<string, object>
                {
                    ["name"] = "TraceID",
                    ["datasourceUid"] = TempoUid,
                    ["matcherRegex"] = "(?:trace_?id|traceID)[\"=:]+\\s*\"?([0-9a-fA-F]{16,32})",
                    // `$$` keeps Grafana's provisioning from expanding the link's variable as an environment variable.
                    ["url"] = "$${__value.raw}",
                },
            };
        }

        return Source("Loki", LokiUid, "loki", url, jsonData);
    }

    /// <summary>
    /// The Tempo data source. <paramref name="withLogs"/> adds trace-to-logs: the span's Kubernetes attributes map to
    /// Loki's index labels (<see cref="Observability.Loki.IndexLabels"/>).
    /// </summary>
    public static Dictionary<string, object> Tempo(string url, bool withLogs)
    {
        var jsonData = new Dictionary<string, object>
        {
            ["serviceMap"] = new Dictionary<string, object> { ["datasourceUid"] = PrometheusUid },
            ["nodeGraph"] = new Dictionary<string, object> { ["enabled"] = true },
        };
        if (withLogs)
        {
            jsonData["tracesToLogsV2"] = new Dictionary<string, object>
            {
                ["datasourceUid"] = LokiUid,
                ["spanStartTimeShift"] = "-5m",
                ["spanEndTimeShift"] = "5m",
                ["filterByTraceID"] = true,
                ["tags"] = Observability.Loki.IndexLabels
                    .Select(attribute => (object)new Dictionary<string, object> { ["key"] = attribute, ["value"] = attribute.Replace('.', '_') })
                    .ToArray(),
            };
            jsonData["lokiSearch"] = new Dictionary<string, object> { ["datasourceUid"] = LokiUid };
        }

        return Source("Tempo", TempoUid, "tempo", url, jsonData);
    }

    /// <summary>Prometheus's exemplar links to Tempo (chart value <c>grafana.sidecar.datasources.exemplarTraceIdDestinations</c>).</summary>
    public static Dictionary<string, object> ExemplarDestinations() => new()
    {
        ["datasourceUid"] = TempoUid,
        ["traceIdLabelName"] = TraceIdLabel,
        ["urlDisplayLabel"] = "View trace",
    };

    private static Dictionary<string, object> Source(string name, string uid, string type, string url, Dictionary<string, object> jsonData) => new()
    {
        ["name"] = name,
        ["uid"] = uid,
        ["type"] = type,
        ["access"] = "proxy",
        ["url"] = url,
        ["editable"] = false,
        ["jsonData"] = jsonData,
    };

    /// <summary>The data sources of a stack, in a stable order (Loki, then Tempo), for the given backends.</summary>
    public static ImmutableArray<Dictionary<string, object>> For(string? lokiUrl, string? tempoUrl)
    {
        var sources = ImmutableArray.CreateBuilder<Dictionary<string, object>>();
        if (lokiUrl is not null)
        {
            sources.Add(Loki(lokiUrl, withTraces: tempoUrl is not null));
        }

        if (tempoUrl is not null)
        {
            sources.Add(Tempo(tempoUrl, withLogs: lokiUrl is not null));
        }

        return sources.ToImmutable();
    }
}
