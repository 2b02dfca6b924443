using System.Collections.Immutable;
using MlPlatform.Components.Addons;
using MlPlatform.Components.Addons.Observability;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Stacks.Configuration;
using Pulumi;

namespace MlPlatform.Stacks.Shared;

/// <summary>
/// The logs and traces pipeline, identical on every cloud: Loki and the node log collector (<c>addons.logging</c>),
/// Tempo and the OpenTelemetry Collector as the cluster's OTLP endpoint (<c>addons.tracing</c>), each in its own
/// namespace; Loki and Tempo keep their data in the cloud's telemetry bucket through their service accounts' cloud
/// identities (<see cref="CloudIntegration.TelemetryStorage"/>), or on volumes without one.
/// </summary>
public static class ObservabilityLayer
{
    /// <summary>The releases of the pipeline, for what must wait for them.</summary>
    public sealed record Releases(Resource? Loki, Resource? LogCollector, Resource? Tempo, Resource? OtelCollector)
    {
        /// <summary>Every release that exists.</summary>
        public IEnumerable<Resource> All => new[] { Loki, LogCollector, Tempo, OtelCollector }.OfType<Resource>();
    }

    /// <summary>Loki's push URL on this stack, or null without logging.</summary>
    public static string? LokiPushUrl(PlatformConfig config) =>
        config.Addons.Logging ? Components.Addons.Observability.Loki.PushUrl(PlatformNamespaces.Loki, LokiScalable(config)) : null;

    /// <summary>True when Loki runs simple-scalable: production, with a bucket (the existing target has none).</summary>
    public static bool LokiScalable(PlatformConfig config) => config.IsProduction && config.Cloud != CloudKind.Existing;

    /// <summary>The Grafana data sources of the enabled backends.</summary>
    public static ImmutableArray<Dictionary<string, object>> DataSources(PlatformConfig config) => GrafanaDataSources.For(
        config.Addons.Logging ? Components.Addons.Observability.Loki.QueryUrl(PlatformNamespaces.Loki, LokiScalable(config)) : null,
        config.Addons.Tracing ? Components.Addons.Observability.Tempo.QueryUrl(PlatformNamespaces.Tempo) : null);

    /// <summary>Prometheus's exemplar links to Tempo, when tracing is on.</summary>
    public static Dictionary<string, object>? ExemplarDestinations(PlatformConfig config) =>
        config.Addons.Tracing ? GrafanaDataSources.ExemplarDestinations() : null;

    /// <summary>The arguments of Loki or Tempo in <paramref name="namespace"/>, storing in the cloud's bucket when there is one.</summary>
    public static TelemetryBackendArgs BackendArgs(PlatformConfig config, CloudIntegration cloud, string @namespace, string serviceAccount, string retention, bool highAvailability) => new()
    {
        Namespace = @namespace,
        HighAvailability = highAvailability,
        PriorityClassName = PriorityTier.Ladder[0].Name,
        StoreUri = cloud.TelemetryStorage is { } storage ? (Input<string>)storage.Uri : null,
        Region = cloud.TelemetryStorage?.Region,
        Retention = retention,
        StorageSize = config.Observability.StorageSize,
        ServiceAccountAnnotations = cloud.AnnotationsFor(@namespace, serviceAccount),
        PodLabels = cloud.PodLabelsFor(@namespace, serviceAccount),
    };

    /// <summary>Deploys the enabled parts of the pipeline.</summary>
    /// <param name="config">The validated configuration.</param>
    /// <param name="cloud">The cloud's telemetry bucket and identities.</param>
    /// <param name="inNamespace">The options of a release in a namespace (after its guard rails and the priority classes).</param>
    public static Releases Deploy(PlatformConfig config, CloudIntegration cloud, Func<string, ComponentResourceOptions> inNamespace)
    {
        var addons = config.Addons;
        var priorityClass = PriorityTier.Ladder[0].Name;
        var lokiPush = LokiPushUrl(config);

        var loki = addons.Logging
            ? new Loki("loki", BackendArgs(config, cloud, PlatformNamespaces.Loki, Components.Addons.Observability.Loki.ServiceAccountName,
                config.Observability.LogRetention, LokiScalable(config)), inNamespace(PlatformNamespaces.Loki))
            : null;

        var logCollector = addons.Logging
            ? new OpenTelemetryCollector("log-collector", new OpenTelemetryCollectorArgs
            {
                Namespace = PlatformNamespaces.LogCollector,
                Role = CollectorRole.NodeLogs,
                PriorityClassName = priorityClass,
                LogsEndpoint = lokiPush,
            }, inNamespace(PlatformNamespaces.LogCollector))
            : null;

        var tempo = addons.Tracing
            ? new Tempo("tempo", BackendArgs(config, cloud, PlatformNamespaces.Tempo, Components.Addons.Observability.Tempo.ServiceAccountName,
                config.Observability.TraceRetention, highAvailability: false), inNamespace(PlatformNamespaces.Tempo))
            : null;

        var otelCollector = addons.Tracing
            ? new OpenTelemetryCollector("otel-collector", new OpenTelemetryCollectorArgs
            {
                Namespace = PlatformNamespaces.OtelCollector,
                Role = CollectorRole.Gateway,
                HighAvailability = config.IsProduction,
                PriorityClassName = priorityClass,
                TracesEndpoint = Components.Addons.Observability.Tempo.OtlpEndpoint(PlatformNamespaces.Tempo),
                LogsEndpoint = lokiPush,
            }, inNamespace(PlatformNamespaces.OtelCollector))
            : null;

        return new Releases(loki?.Release, logCollector?.Release, tempo?.Release, otelCollector?.Release);
    }
}
