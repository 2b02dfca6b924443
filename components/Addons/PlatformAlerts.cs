using System.Collections.Immutable;
using System.Globalization;

namespace MlPlatform.Components.Addons;

/// <summary>The platform's seed alerts, with their thresholds.</summary>
public static class PlatformAlerts
{
    /// <summary>P95 inference latency above which <c>HighInferenceLatency</c> fires, in seconds.</summary>
    public const double InferenceLatencyP95Seconds = 1;

    /// <summary>Share of 5xx responses above which <c>HighInferenceErrorRate</c> fires.</summary>
    public const double InferenceErrorRatio = 0.05;

    /// <summary>Container restarts per hour above which <c>InferenceServiceRestarts</c> fires.</summary>
    public const double RestartsPerHour = 3;

    /// <summary>Share of failed workflows per hour above which <c>HighPipelineFailureRate</c> fires.</summary>
    public const double PipelineFailureRatio = 0.10;

    /// <summary>Average GPU utilisation (percent) below which <c>LowGPUUtilization</c> fires.</summary>
    public const double GpuUtilizationPercent = 20;

    /// <summary>
    /// The latency histograms of the model servers KServe runs: the KServe Python model server's
    /// <c>request_predict_seconds</c> and vLLM's <c>vllm:e2e_request_latency_seconds</c> (the Hugging Face runtime).
    /// </summary>
    public static ImmutableArray<string> LatencyHistograms { get; } =
        ["request_predict_seconds_bucket", "vllm:e2e_request_latency_seconds_bucket"];

    /// <summary>Inference alerts on the model servers in <paramref name="servingNamespace"/>.</summary>
    public static AlertGroup Inference(string servingNamespace) => new("mlplatform-inference",
    [
        new("HighInferenceLatency", "warning", InferenceLatencyP95Seconds, "5m",
            $"histogram_quantile(0.95, sum by (namespace, service, le) (rate({{__name__=~\"{string.Join('|', LatencyHistograms)}\", namespace=\"{servingNamespace}\"}}[5m]))) > {Number(InferenceLatencyP95Seconds)}",
            "P95 inference latency of {{ $labels.service }} is above 1 s",
            "The 95th percentile of request latency of the model server {{ $labels.namespace }}/{{ $labels.service }} has been above 1 s for 5 minutes. Check GPU saturation, batch sizes and replica count."),

        // Model servers do not count their own errors by status; the gateway in front of them does.
        new("HighInferenceErrorRate", "critical", InferenceErrorRatio, "5m",
            $"sum by (envoy_cluster_name) (rate(envoy_cluster_upstream_rq_xx{{envoy_response_code_class=\"5\", envoy_cluster_name=~\"httproute/{servingNamespace}/.*\"}}[5m])) / sum by (envoy_cluster_name) (rate(envoy_cluster_upstream_rq_xx{{envoy_cluster_name=~\"httproute/{servingNamespace}/.*\"}}[5m])) > {Number(InferenceErrorRatio)}",
            "More than 5 % of requests to {{ $labels.envoy_cluster_name }} fail",
            "Over 5 % of the requests the gateway routed to {{ $labels.envoy_cluster_name }} got a 5xx response for 5 minutes. Check the predictor's logs and readiness."),

        new("InferenceServiceRestarts", "warning", RestartsPerHour, null,
            $"sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total{{namespace=\"{servingNamespace}\"}}[1h])) > {Number(RestartsPerHour)}",
            "{{ $labels.pod }} restarted more than 3 times in an hour",
            "The containers of {{ $labels.namespace }}/{{ $labels.pod }} restarted more than 3 times in the last hour: look for OOM kills (GPU or host memory) and failing model loads."),
    ]);

    /// <summary>The MLflow availability alert; the MLflow scrape target is relabelled <c>job="mlflow"</c>.</summary>
    public static AlertGroup Mlflow() => new("mlplatform-mlflow",
    [
        new("MLflowDown", "critical", 1, "2m",
            "absent(up{job=\"mlflow\"} == 1)",
            "MLflow is down",
            "No MLflow tracking server has answered a scrape for 2 minutes: runs cannot be logged and models cannot be registered or loaded from the registry."),
    ]);

    /// <summary>The Argo Workflows failure-rate alert, from the controller's <c>argo_workflows_total_count</c> counter.</summary>
    public static AlertGroup Pipelines() => new("mlplatform-pipelines",
    [
        new("HighPipelineFailureRate", "warning", PipelineFailureRatio, null,
            $"sum(increase(argo_workflows_total_count{{phase=~\"Failed|Error\"}}[1h])) / sum(increase(argo_workflows_total_count{{phase=~\"Succeeded|Failed|Error\"}}[1h])) > {Number(PipelineFailureRatio)}",
            "More than 10 % of pipelines failed in the last hour",
            "Over 10 % of the Argo workflows that finished in the last hour ended Failed or Error. Check `argo list --status Failed` and the failing steps' logs."),
    ]);

    /// <summary>
    /// The KEDA alert, from the operator's <c>keda_scaler_detail_errors_total</c> (KEDA 2.14 and later): a scaler that
    /// keeps failing to read its metric leaves its workload at whatever size it had, or at its fallback.
    /// </summary>
    public static AlertGroup Keda() => new("mlplatform-keda",
    [
        new("KEDAScalerErrors", "warning", 0, "5m",
            // Scraped from the operator's pods, the metric's own namespace label becomes exported_namespace.
            "sum by (exported_namespace, scaledObject, scaler) (rate(keda_scaler_detail_errors_total[5m])) > 0",
            "KEDA scaler {{ $labels.scaler }} of {{ $labels.exported_namespace }}/{{ $labels.scaledObject }} is failing",
            "A KEDA scaler has failed to read its metric for 5 minutes: its workload is not scaled on load (it holds its size, or the ScaledObject's fallback). Check `kubectl describe scaledobject` and the trigger's source (e.g. Prometheus)."),
    ]);

    /// <summary>The GPU waste alert, from the DCGM exporter.</summary>
    public static AlertGroup Gpu() => new("mlplatform-gpu",
    [
        new("LowGPUUtilization", "info", GpuUtilizationPercent, "30m",
            $"avg by (Hostname, gpu, modelName) (DCGM_FI_DEV_GPU_UTIL) < {Number(GpuUtilizationPercent)}",
            "GPU {{ $labels.gpu }} on {{ $labels.Hostname }} is below 20 % utilisation",
            "GPU {{ $labels.gpu }} ({{ $labels.modelName }}) on {{ $labels.Hostname }} has averaged under 20 % utilisation for 30 minutes: the workload may be CPU- or IO-bound, or the node could be released."),
    ]);

    /// <summary>Days before expiry under which <c>CertificateExpiringSoon</c> fires (cert-manager renews at 30 days by default).</summary>
    public const double CertificateExpiryDays = 14;

    /// <summary>Certificate alerts from cert-manager's metrics: renewals that keep failing.</summary>
    public static AlertGroup Certificates() => new("mlplatform-certificates",
    [
        new("CertificateExpiringSoon", "warning", CertificateExpiryDays, "1h",
            $"(certmanager_certificate_expiration_timestamp_seconds - time()) / 86400 < {Number(CertificateExpiryDays)}",
            "Certificate {{ $labels.namespace }}/{{ $labels.name }} expires in under 14 days",
            "cert-manager renews certificates 30 days before expiry by default; one this close to expiry means renewals are failing. Check `kubectl describe certificate` and the issuer."),
        new("CertificateNotReady", "critical", 1, "15m",
            "max by (namespace, name) (certmanager_certificate_ready_status{condition=\"False\"}) == 1",
            "Certificate {{ $labels.namespace }}/{{ $labels.name }} is not ready",
            "The certificate has not been ready for 15 minutes: the listener or webhook that uses it may be serving an expired certificate or none."),
    ]);

    /// <summary>
    /// The admission audit alert: a policy in Enforce mode denied a request (a blocked deployment, or a production
    /// model someone tried to delete), from Kyverno's <c>kyverno_policy_results_total</c> of admission requests.
    /// </summary>
    public static AlertGroup PolicyDenials() => new("mlplatform-policies",
    [
        new("PolicyEnforceDenials", "warning", 0, null,
            "sum by (policy_name, rule_name, resource_namespace, resource_kind, resource_request_operation) (increase(kyverno_policy_results_total{rule_result=\"fail\", policy_validation_mode=\"enforce\", resource_request_operation=~\"create|update|delete\"}[5m])) > 0",
            "Kyverno denied a {{ $labels.resource_request_operation }} of {{ $labels.resource_kind }} in {{ $labels.resource_namespace }} ({{ $labels.policy_name }}/{{ $labels.rule_name }})",
            "An enforcing policy rejected an admission request in the last 5 minutes. The decision is recorded in Kyverno's events and metrics; check who made the request and whether the policy or the resource needs to change."),
    ]);

    /// <summary>A PrometheusRule spec of one group.</summary>
    public static Dictionary<string, object> Spec(AlertGroup group) => new()
    {
        ["groups"] = new object[]
        {
            new Dictionary<string, object>
            {
                ["name"] = group.Name,
                ["rules"] = group.Rules.Select(r => (object)r.ToRule()).ToArray(),
            },
        },
    };

    private static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
