
namespace MlPlatform.Components.Addons;

/// <summary>The platform's dashboards: inference, GPUs and cost.</summary>
public static class PlatformDashboards
{
    /// <summary>Model serving: traffic, latency and errors at the gateway and the model servers, restarts.</summary>
    public static GrafanaDashboard Inference(string servingNamespace) => new("mlplatform-inference", "ML platform / Inference",
    [
        new("Requests per second by route", "reqps",
            [("{{envoy_cluster_name}}", $"sum by (envoy_cluster_name) (rate(envoy_cluster_upstream_rq_total{{envoy_cluster_name=~\"httproute/{servingNamespace}/.*\"}}[5m]))")]),
        new("5xx ratio by route", "percentunit",
            [("{{envoy_cluster_name}}", $"sum by (envoy_cluster_name) (rate(envoy_cluster_upstream_rq_xx{{envoy_response_code_class=\"5\", envoy_cluster_name=~\"httproute/{servingNamespace}/.*\"}}[5m])) / sum by (envoy_cluster_name) (rate(envoy_cluster_upstream_rq_xx{{envoy_cluster_name=~\"httproute/{servingNamespace}/.*\"}}[5m]))")]),
        new("Model server latency P50 / P95 / P99", "s",
        [
            .. new[] { 0.5, 0.95, 0.99 }.Select(q => ($"p{q * 100:0} {{{{service}}}}",
                $"histogram_quantile({q.ToString(System.Globalization.CultureInfo.InvariantCulture)}, sum by (service, le) (rate({{__name__=~\"{string.Join('|', PlatformAlerts.LatencyHistograms)}\", namespace=\"{servingNamespace}\"}}[5m])))")),
        ]),
        new("Container restarts (1h)", "short",
            [("{{pod}}", $"sum by (pod) (increase(kube_pod_container_status_restarts_total{{namespace=\"{servingNamespace}\"}}[1h]))")]),
    ]);

    /// <summary>GPUs from the DCGM exporter: utilisation, memory, power and temperature per GPU.</summary>
    public static GrafanaDashboard Gpu() => new("mlplatform-gpu", "ML platform / GPUs",
    [
        new("GPU utilisation", "percent", [("{{Hostname}} gpu{{gpu}}", "avg by (Hostname, gpu) (DCGM_FI_DEV_GPU_UTIL)")]),
        new("GPU memory used", "decmbytes", [("{{Hostname}} gpu{{gpu}}", "sum by (Hostname, gpu) (DCGM_FI_DEV_FB_USED)")]),
        new("Power draw", "watt", [("{{Hostname}} gpu{{gpu}}", "sum by (Hostname, gpu) (DCGM_FI_DEV_POWER_USAGE)")]),
        new("Temperature", "celsius", [("{{Hostname}} gpu{{gpu}}", "max by (Hostname, gpu) (DCGM_FI_DEV_GPU_TEMP)")]),
    ]);

    /// <summary>
    /// Cost drivers per namespace (team): GPUs, CPU and memory requested, and how much of the requested GPU time is
    /// actually used. Requests, not usage, are what the nodes are sized (and billed) for.
    /// </summary>
    public static GrafanaDashboard Cost() => new("mlplatform-cost", "ML platform / Cost",
    [
        new("GPUs requested by namespace", "short",
            [("{{namespace}}", "sum by (namespace) (kube_pod_container_resource_requests{resource=\"nvidia_com_gpu\"} * on (namespace, pod) group_left () (kube_pod_status_phase{phase=\"Running\"} == 1))")]),
        new("GPU-hours requested (24h)", "short",
            [("{{namespace}}", "sum by (namespace) (sum_over_time((sum by (namespace) (kube_pod_container_resource_requests{resource=\"nvidia_com_gpu\"}))[24h:1h]))")]),
        new("CPU cores requested by namespace", "short",
            [("{{namespace}}", "sum by (namespace) (kube_pod_container_resource_requests{resource=\"cpu\"})")]),
        new("Memory requested by namespace", "bytes",
            [("{{namespace}}", "sum by (namespace) (kube_pod_container_resource_requests{resource=\"memory\"})")]),
        new("Idle GPUs (utilisation under 20 %)", "short",
            [("idle", $"count(avg by (Hostname, gpu) (DCGM_FI_DEV_GPU_UTIL) < {PlatformAlerts.GpuUtilizationPercent})")]),
    ]);
}
