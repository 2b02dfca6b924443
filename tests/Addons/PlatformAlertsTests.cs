using MlPlatform.Components.Addons;
using Xunit;

namespace MlPlatform.Tests.Addons;

public class PlatformAlertsTests
{
    private static AlertRule Rule(string name) =>
        new[] { PlatformAlerts.Inference("serving"), PlatformAlerts.Mlflow(), PlatformAlerts.Pipelines(), PlatformAlerts.Gpu(), PlatformAlerts.Certificates() }
            .SelectMany(g => g.Rules).Single(r => r.Name == name);

    [Theory]
    [InlineData("HighInferenceLatency", 1.0, "5m", "> 1")]
    [InlineData("HighInferenceErrorRate", 0.05, "5m", "> 0.05")]
    [InlineData("InferenceServiceRestarts", 3.0, null, "> 3")]
    [InlineData("MLflowDown", 1.0, "2m", "== 1")]
    [InlineData("HighPipelineFailureRate", 0.10, null, "> 0.1")]
    [InlineData("LowGPUUtilization", 20.0, "30m", "< 20")]
    [InlineData("CertificateExpiringSoon", 14.0, "1h", "< 14")]
    [InlineData("CertificateNotReady", 1.0, "15m", "== 1")]
    public void Seed_alerts_have_their_thresholds_and_windows(string name, double threshold, string? @for, string comparison)
    {
        var rule = Rule(name);

        Assert.Equal(threshold, rule.Threshold);
        Assert.Equal(@for, rule.For);
        Assert.EndsWith(comparison, rule.Expression.Replace(")", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains(rule.Severity, new[] { "critical", "warning", "info" });
        Assert.False(string.IsNullOrWhiteSpace(rule.Summary));
        Assert.False(string.IsNullOrWhiteSpace(rule.Description));
        var rendered = rule.ToRule();
        Assert.Equal(rule.Severity, ((Dictionary<string, object>)rendered["labels"])["severity"]);
        Assert.True(((Dictionary<string, object>)rendered["annotations"]).ContainsKey("summary"));
        Assert.True(((Dictionary<string, object>)rendered["annotations"]).ContainsKey("description"));
    }

    [Fact]
    public void Latency_is_the_p95_of_the_kserve_and_vllm_histograms_over_five_minutes()
    {
        var expr = Rule("HighInferenceLatency").Expression;
        Assert.StartsWith("histogram_quantile(0.95,", expr, StringComparison.Ordinal);
        Assert.Contains("request_predict_seconds_bucket", expr, StringComparison.Ordinal);
        Assert.Contains("vllm:e2e_request_latency_seconds_bucket", expr, StringComparison.Ordinal);
        Assert.Contains("namespace=\"serving\"", expr, StringComparison.Ordinal);
        Assert.Contains("[5m]", expr, StringComparison.Ordinal);
    }

    [Fact]
    public void Error_rate_is_the_share_of_5xx_at_the_gateway_for_serving_routes()
    {
        var expr = Rule("HighInferenceErrorRate").Expression;
        Assert.Contains("envoy_cluster_upstream_rq_xx{envoy_response_code_class=\"5\"", expr, StringComparison.Ordinal);
        Assert.Contains("httproute/serving/.*", expr, StringComparison.Ordinal);
    }

    [Fact]
    public void Restarts_pipelines_mlflow_and_gpu_use_the_real_metric_names()
    {
        Assert.Contains("increase(kube_pod_container_status_restarts_total{namespace=\"serving\"}[1h])", Rule("InferenceServiceRestarts").Expression, StringComparison.Ordinal);
        Assert.Contains("argo_workflows_total_count{phase=~\"Failed|Error\"}[1h]", Rule("HighPipelineFailureRate").Expression, StringComparison.Ordinal);
        Assert.Equal("absent(up{job=\"mlflow\"} == 1)", Rule("MLflowDown").Expression);
        Assert.Contains("DCGM_FI_DEV_GPU_UTIL", Rule("LowGPUUtilization").Expression, StringComparison.Ordinal);
    }
}
