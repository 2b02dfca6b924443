using System.Collections.Immutable;
using Pulumi;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Components.Addons.Observability;

/// <summary>What one OpenTelemetry Collector release of the platform does.</summary>
public enum CollectorRole
{
    /// <summary>
    /// The cluster's OTLP endpoint (a Deployment behind a Service): OTLP gRPC 4317 and HTTP 4318, and the Jaeger
    /// receivers (gRPC 14250, Thrift HTTP 14268, Thrift compact 6831/UDP) for workloads that still speak Jaeger;
    /// traces go to Tempo, OTLP logs to Loki.
    /// </summary>
    Gateway,

    /// <summary>The node log collector (a DaemonSet on every node): pod log files to Loki, nothing else.</summary>
    NodeLogs,
}

/// <summary>Inputs of <see cref="OpenTelemetryCollector"/>.</summary>
public sealed class OpenTelemetryCollectorArgs
{
    /// <summary>The namespace, created by the tenancy layer.</summary>
    public required Input<string> Namespace { get; init; }

    /// <summary>What the release does.</summary>
    public required CollectorRole Role { get; init; }

    /// <summary>Two gateway replicas with a disruption budget (the node collector runs one pod per node anyway).</summary>
    public bool HighAvailability { get; init; }

    /// <summary>The PriorityClass of the pods; null keeps the cluster default.</summary>
    public string? PriorityClassName { get; init; }

    /// <summary>Tempo's OTLP gRPC endpoint (<c>host:port</c>); null when tracing is off.</summary>
    public string? TracesEndpoint { get; init; }

    /// <summary>Loki's base URL (the exporter appends <c>/otlp/v1/logs</c> to <c>…/otlp</c>); null when logging is off.</summary>
    public string? LogsEndpoint { get; init; }
}

/// <summary>
/// The OpenTelemetry Collector from its chart (image <c>otel/opentelemetry-collector-k8s</c> at the chart's app
/// version), in one of two roles (<see cref="CollectorRole"/>), with explicit pipelines: the chart's default debug
/// exporters and its Zipkin receiver are not used.
/// </summary>
public sealed class OpenTelemetryCollector : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:addons:OpenTelemetryCollector";

    /// <summary>The release name of the OTLP endpoint (its Service is <c>otel-collector-opentelemetry-collector</c>).</summary>
    public const string GatewayReleaseName = "otel-collector";

    /// <summary>The release name of the node log collector.</summary>
    public const string NodeLogsReleaseName = "log-collector";

    /// <summary>The image the chart runs (its values leave the repository empty on purpose).</summary>
    public const string ImageRepository = "otel/opentelemetry-collector-k8s";

    /// <summary>The ports workloads send telemetry to, with their protocols: OTLP gRPC and HTTP, Jaeger gRPC, Thrift HTTP and Thrift compact.</summary>
    public static ImmutableArray<(int Port, string Protocol)> ReceiverPorts { get; } =
        [(4317, "TCP"), (4318, "TCP"), (14250, "TCP"), (14268, "TCP"), (6831, "UDP")];

    /// <summary>Creates the release.</summary>
    public OpenTelemetryCollector(string name, OpenTelemetryCollectorArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var release = args.Role == CollectorRole.Gateway ? GatewayReleaseName : NodeLogsReleaseName;
        Release = HelmReleases.Create(release, VersionCatalog.OpenTelemetryCollector, args.Namespace, Values(args).ToImmutableDictionary(), AddonResources.Child(this, options));
        RegisterOutputs(new Dictionary<string, object?> { ["releaseName"] = Release.Name, ["version"] = VersionCatalog.OpenTelemetryCollector.Version });
    }

    /// <summary>The Helm release.</summary>
    public K8s.Helm.V3.Release Release { get; }

    /// <summary>The in-cluster OTLP gRPC endpoint of the gateway in a namespace (for workloads' <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>).</summary>
    public static string GatewayOtlpEndpoint(string @namespace) =>
        $"http://{GatewayReleaseName}-opentelemetry-collector.{@namespace}.svc.cluster.local:4317";

    /// <summary>The pipelines, by signal: receivers, processors and exporters, as the collector's configuration lists them.</summary>
    public static ImmutableDictionary<string, (string[] Receivers, string[] Processors, string[] Exporters)> Pipelines(OpenTelemetryCollectorArgs args)
    {
        var pipelines = ImmutableDictionary.CreateBuilder<string, (string[], string[], string[])>();
        if (args.Role == CollectorRole.NodeLogs)
        {
            // The logsCollection preset adds the filelog receiver (and its container parser, which sets the
            // namespace, pod and container attributes from the log file's path) to this pipeline.
            if (args.LogsEndpoint is not null)
            {
                pipelines["logs"] = (["filelog"], ["memory_limiter", "batch"], ["otlphttp/loki"]);
            }

            return pipelines.ToImmutable();
        }

        if (args.TracesEndpoint is not null)
        {
            pipelines["traces"] = (["otlp", "jaeger"], ["memory_limiter", "batch"], ["otlp/tempo"]);
        }

        if (args.LogsEndpoint is not null)
        {
            pipelines["logs"] = (["otlp"], ["memory_limiter", "batch"], ["otlphttp/loki"]);
        }

        return pipelines.ToImmutable();
    }

    /// <summary>The chart values.</summary>
    public static Dictionary<string, object> Values(OpenTelemetryCollectorArgs args)
    {
        var gateway = args.Role == CollectorRole.Gateway;
        var exporters = new Dictionary<string, object>();
        if (args.TracesEndpoint is not null && gateway)
        {
            exporters["otlp/tempo"] = new Dictionary<string, object>
            {
                ["endpoint"] = args.TracesEndpoint,
                // In-cluster, behind the namespaces' network policies; Tempo's receiver serves plain gRPC.
                ["tls"] = new Dictionary<string, object> { ["insecure"] = true },
            };
        }

        if (args.LogsEndpoint is not null)
        {
            exporters["otlphttp/loki"] = new Dictionary<string, object> { ["endpoint"] = $"{args.LogsEndpoint}/otlp" };
        }

        // Every default pipeline is replaced: null removes the ones the release does not run (Helm deletes null keys).
        var pipelines = new Dictionary<string, object?> { ["logs"] = null, ["metrics"] = null, ["traces"] = null };
        foreach (var (signal, (receivers, processors, pipelineExporters)) in Pipelines(args))
        {
            pipelines[signal] = new Dictionary<string, object>
            {
                ["receivers"] = receivers,
                ["processors"] = processors,
                ["exporters"] = pipelineExporters,
            };
        }

        var ports = new Dictionary<string, object>();
        foreach (var port in new[] { "otlp", "otlp-http", "jaeger-compact", "jaeger-thrift", "jaeger-grpc" })
        {
            // The node collector receives nothing over the network (and must not take host ports).
            ports[port] = new Dictionary<string, object> { ["enabled"] = gateway };
        }

        ports["zipkin"] = new Dictionary<string, object> { ["enabled"] = false };

        // The collector's own metrics (8888, no host port): a ServiceMonitor on the gateway's Service, a PodMonitor on
        // the node collector's pods (a DaemonSet has no Service).
        ports["metrics"] = new Dictionary<string, object> { ["enabled"] = true };

        var values = new Dictionary<string, object>
        {
            ["mode"] = gateway ? "deployment" : "daemonset",
            ["image"] = new Dictionary<string, object> { ["repository"] = ImageRepository },
            ["config"] = new Dictionary<string, object>
            {
                ["exporters"] = exporters,
                ["service"] = new Dictionary<string, object> { ["pipelines"] = pipelines },
            },
            ["ports"] = ports,
            ["resources"] = TelemetryBackends.Resources(gateway ? "200m" : "100m", gateway ? "256Mi" : "128Mi", gateway ? "1Gi" : "512Mi"),
        };

        values[gateway ? "serviceMonitor" : "podMonitor"] = new Dictionary<string, object> { ["enabled"] = true };
        if (gateway)
        {
            values["replicaCount"] = args.HighAvailability ? 2 : 1;
            values["podSecurityContext"] = AddonResources.RestrictedPod();
            values["securityContext"] = AddonResources.RestrictedContainer();
            if (args.HighAvailability)
            {
                values["podDisruptionBudget"] = new Dictionary<string, object> { ["enabled"] = true, ["minAvailable"] = 1 };
                values["topologySpreadConstraints"] = TopologySpread.Constraints(TopologySpread.Labels(
                    ("app.kubernetes.io/name", "opentelemetry-collector"), ("app.kubernetes.io/instance", GatewayReleaseName)));
            }
        }
        else
        {
            values["presets"] = new Dictionary<string, object>
            {
                ["logsCollection"] = new Dictionary<string, object> { ["enabled"] = true },
            };

            // Pod log files are root's (0640): root without any capability reads them as their owner.
            values["securityContext"] = new Dictionary<string, object>
            {
                ["runAsUser"] = 0,
                ["runAsGroup"] = 0,
                ["readOnlyRootFilesystem"] = true,
                ["allowPrivilegeEscalation"] = false,
                ["capabilities"] = new Dictionary<string, object> { ["drop"] = new[] { "ALL" } },
            };

            // Every node, GPU and spot nodes included, whatever their taints.
            values["tolerations"] = new object[] { new Dictionary<string, object> { ["operator"] = "Exists" } };
        }

        if (args.PriorityClassName is not null)
        {
            values["priorityClassName"] = args.PriorityClassName;
        }

        return values;
    }
}
