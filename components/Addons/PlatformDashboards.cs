
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
    /// Cost in dollars per namespace (team), priced on what the pods of the namespace request (what the nodes are
    /// sized, and billed, for) with <paramref name="prices"/>: the estimated monthly cost, the cost by namespace, CPU
    /// and memory efficiency (usage ÷ requests), GPU utilisation from the DCGM exporter and the monthly waste
    /// (requests − usage, priced); the request-based panels of GPUs, CPU and memory stay for the raw quantities.
    /// </summary>
    public static GrafanaDashboard Cost(CostPrices? prices = null)
    {
        var p = prices ?? CostPrices.Reference;
        var (cpu, memory, gpu, month) = (CostPrices.Number(p.CpuCoreHour), CostPrices.Number(p.MemoryGbHour), CostPrices.Number(p.GpuHour), CostPrices.Number(CostPrices.HoursPerMonth));
        const string Running = " * on (namespace, pod) group_left () (kube_pod_status_phase{phase=\"Running\"} == 1)";
        string Requests(string resource, string by) => $"sum{by} (kube_pod_container_resource_requests{{resource=\"{resource}\"}}{Running})";
        // Namespaces (and clusters) without GPU requests have no GPU series: count them as zero GPUs, not drop them.
        string Gpus(string by) => by.Length == 0
            ? $"({Requests("nvidia_com_gpu", by)} or vector(0))"
            : $"({Requests("nvidia_com_gpu", by)} or {Requests("cpu", by)} * 0)";
        string Hourly(string by) =>
            $"({Requests("cpu", by)} * {cpu} + {Requests("memory", by)} / 1073741824 * {memory} + {Gpus(by)} * {gpu})";
        const string CpuUsage = "sum by (namespace) (rate(container_cpu_usage_seconds_total{container!=\"\", container!=\"POD\"}[5m]))";
        const string MemoryUsage = "sum by (namespace) (container_memory_working_set_bytes{container!=\"\", container!=\"POD\"})";
        var cpuRequests = Requests("cpu", " by (namespace)");
        var memoryRequests = Requests("memory", " by (namespace)");

        return new("mlplatform-cost", "ML platform / Cost",
        [
            new("Estimated monthly cost (USD)", "currencyUSD", [("total", $"{Hourly("")} * {month}")]),
            new("Monthly cost by namespace (USD)", "currencyUSD", [("{{namespace}}", $"{Hourly(" by (namespace)")} * {month}")]),
            new("CPU efficiency (usage / requests)", "percentunit", [("{{namespace}}", $"{CpuUsage} / {cpuRequests}")]),
            new("Memory efficiency (usage / requests)", "percentunit", [("{{namespace}}", $"{MemoryUsage} / {memoryRequests}")]),
            new("GPU utilisation", "percent", [("{{Hostname}} gpu{{gpu}}", "avg by (Hostname, gpu) (DCGM_FI_DEV_GPU_UTIL)")]),
            new("Monthly waste by namespace (requests - usage, USD)", "currencyUSD",
            [
                ("cpu {{namespace}}", $"clamp_min({cpuRequests} - {CpuUsage}, 0) * {cpu} * {month}"),
                ("memory {{namespace}}", $"clamp_min({memoryRequests} - {MemoryUsage}, 0) / 1073741824 * {memory} * {month}"),
            ]),
            new("GPUs requested by namespace", "short", [("{{namespace}}", Requests("nvidia_com_gpu", " by (namespace)"))]),
            new("CPU cores requested by namespace", "short", [("{{namespace}}", cpuRequests)]),
            new("Memory requested by namespace", "bytes", [("{{namespace}}", memoryRequests)]),
            new("Idle GPUs (utilisation under 20 %)", "short",
                [("idle", $"count(avg by (Hostname, gpu) (DCGM_FI_DEV_GPU_UTIL) < {PlatformAlerts.GpuUtilizationPercent})")]),
        ]);
    }
}
