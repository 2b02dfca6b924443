using System.Collections.Immutable;

namespace MlPlatform.Components.Addons;

/// <summary>The scrape targets of the platform's add-ons, from the labels and ports of their real charts.</summary>
public static class PlatformScrapeTargets
{
    /// <summary>
    /// The DCGM exporter the GPU operator deploys: Service <c>nvidia-dcgm-exporter</c>, label
    /// <c>app: nvidia-dcgm-exporter</c>, port <c>gpu-metrics</c> (9400) (gpu-operator assets/state-dcgm-exporter).
    /// </summary>
    public static ScrapeTarget DcgmExporter(string @namespace) => new()
    {
        Name = "dcgm-exporter",
        Namespace = @namespace,
        MatchLabels = ImmutableDictionary<string, string>.Empty.Add("app", "nvidia-dcgm-exporter"),
        Port = "gpu-metrics",
        Interval = "15s",
    };

    /// <summary>
    /// The cert-manager controller: Service labelled <c>app.kubernetes.io/name: cert-manager</c> and
    /// <c>app.kubernetes.io/component: controller</c>, port <c>tcp-prometheus-servicemonitor</c> (9402), created
    /// while the chart's <c>prometheus.enabled</c> is on (its default).
    /// </summary>
    public static ScrapeTarget CertManager(string @namespace) => new()
    {
        Name = "cert-manager",
        Namespace = @namespace,
        MatchLabels = ImmutableDictionary<string, string>.Empty
            .Add("app.kubernetes.io/name", "cert-manager")
            .Add("app.kubernetes.io/component", "controller"),
        Port = "tcp-prometheus-servicemonitor",
        Interval = "60s",
    };

    /// <summary>
    /// The MLflow tracking server of the community chart (1.11.5): Service labelled
    /// <c>app.kubernetes.io/name: mlflow</c>, port <c>http</c> (the chart's <c>service.name</c>). The server serves
    /// <c>/metrics</c> only when started with <c>--expose-prometheus</c>: the chart adds it with
    /// <c>serviceMonitor.enabled</c> (which also creates a second, duplicate ServiceMonitor), so the MLflow release
    /// should rather pass <c>extraArgs.exposePrometheus</c>. Relabelled <c>job="mlflow"</c> for the MLflowDown alert.
    /// </summary>
    public static ScrapeTarget Mlflow(string @namespace) => new()
    {
        Name = "mlflow",
        Namespace = @namespace,
        MatchLabels = ImmutableDictionary<string, string>.Empty.Add("app.kubernetes.io/name", "mlflow"),
        Port = "http",
        Job = "mlflow",
    };

    /// <summary>
    /// The KServe controller (kserve-resources): Service <c>kserve-controller-manager-metrics-service</c>, label
    /// <c>control-plane: kserve-controller-manager</c>, port <c>https</c> (8443) behind Kubernetes authn/authz.
    /// </summary>
    public static ScrapeTarget KserveController(string @namespace) => new()
    {
        Name = "kserve-controller",
        Namespace = @namespace,
        MatchLabels = ImmutableDictionary<string, string>.Empty
            .Add("control-plane", "kserve-controller-manager")
            .Add("app.kubernetes.io/name", "kserve"),
        Port = "https",
        Scheme = "https",
        ServiceAccountAuth = true,
    };

    /// <summary>
    /// The predictors of InferenceServices in raw deployment mode: KServe labels their Services
    /// <c>serving.kserve.io/inferenceservice</c> and names the port after the runtime's container port (not stable
    /// across runtimes), so the target is the model server's HTTP container port 8080, where the KServe model server
    /// and vLLM both serve <c>/metrics</c>.
    /// </summary>
    public static ScrapeTarget InferenceServices(string @namespace) => new()
    {
        Name = "inference-services",
        Namespace = @namespace,
        MatchKeys = ["serving.kserve.io/inferenceservice"],
        TargetPort = 8080,
    };

    /// <summary>
    /// The Argo Workflows controller (argo-workflows chart): Service labelled
    /// <c>app.kubernetes.io/component: workflow-controller</c> and <c>app.kubernetes.io/part-of: argo-workflows</c>,
    /// port <c>metrics</c> (9090), created when <c>controller.metricsConfig.enabled</c> is true.
    /// </summary>
    public static ScrapeTarget ArgoWorkflowsController(string @namespace) => new()
    {
        Name = "argo-workflows-controller",
        Namespace = @namespace,
        MatchLabels = ImmutableDictionary<string, string>.Empty
            .Add("app.kubernetes.io/component", "workflow-controller")
            .Add("app.kubernetes.io/part-of", "argo-workflows"),
        Port = "metrics",
    };

    /// <summary>
    /// The Tetragon agents (chart 1.7.0): Service <c>tetragon</c> labelled <c>app.kubernetes.io/name: tetragon</c> and
    /// <c>app.kubernetes.io/component: agent</c>, port <c>metrics</c> (2112), created while
    /// <c>tetragon.prometheus.enabled</c> is on. Source of <c>tetragon_policy_events_total</c>.
    /// </summary>
    public static ScrapeTarget Tetragon(string @namespace) => new()
    {
        Name = "tetragon",
        Namespace = @namespace,
        MatchLabels = ImmutableDictionary<string, string>.Empty
            .Add("app.kubernetes.io/name", "tetragon")
            .Add("app.kubernetes.io/component", "agent"),
        Port = "metrics",
    };

    /// <summary>
    /// The KEDA operator, from the chart or a cloud's managed add-on (AKS: in <c>kube-system</c>): pods labelled
    /// <c>app: keda-operator</c> serve Prometheus metrics on container port 8080 at <c>/metrics</c>.
    /// </summary>
    public static ScrapeTarget KedaOperator(string @namespace) => new()
    {
        Name = "keda-operator",
        Namespace = @namespace,
        MatchLabels = ImmutableDictionary<string, string>.Empty.Add("app", "keda-operator"),
        TargetPort = Keda.OperatorMetricsPort,
        Pods = true,
    };

    /// <summary>
    /// The Envoy proxies Envoy Gateway runs for the shared gateway: pods labelled
    /// <c>app.kubernetes.io/component: proxy</c> and <c>app.kubernetes.io/managed-by: envoy-gateway</c>, Prometheus
    /// stats on container port 19001 at <c>/stats/prometheus</c>. Source of the inference error rate.
    /// </summary>
    public static ScrapeTarget EnvoyProxies(string @namespace) => new()
    {
        Name = "envoy-proxies",
        Namespace = @namespace,
        MatchLabels = ImmutableDictionary<string, string>.Empty
            .Add("app.kubernetes.io/component", "proxy")
            .Add("app.kubernetes.io/managed-by", "envoy-gateway"),
        TargetPort = 19001,
        Path = "/stats/prometheus",
        Pods = true,
    };

    /// <summary>
    /// Kyverno's controllers (admission, background, cleanup, reports): pods labelled
    /// <c>app.kubernetes.io/part-of: kyverno</c>, metrics on container port 8000. The source of every admission and
    /// background decision (<c>kyverno_policy_results_total</c>, <c>kyverno_admission_requests_total</c>); the
    /// PolicyReports the reports controller writes keep the per-resource record.
    /// </summary>
    public static ScrapeTarget Kyverno(string @namespace) => new()
    {
        Name = "kyverno",
        Namespace = @namespace,
        MatchLabels = ImmutableDictionary<string, string>.Empty.Add("app.kubernetes.io/part-of", Addons.Kyverno.ReleaseName),
        TargetPort = 8000,
        Pods = true,
    };
}
