using MlPlatform.Components.Addons;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Addons;

public class ScrapeTargetTests
{
    [Fact]
    public void Dcgm_exporter_selects_the_operator_service_and_port()
    {
        var spec = Json.Of(PlatformScrapeTargets.DcgmExporter("gpu-operator").Spec());
        Assert.Equal("nvidia-dcgm-exporter", spec["selector"]!["matchLabels"]!["app"]!.GetValue<string>());
        Assert.Equal("gpu-metrics", spec["endpoints"]![0]!["port"]!.GetValue<string>());
        Assert.Equal("gpu-operator", spec["namespaceSelector"]!["matchNames"]![0]!.GetValue<string>());
    }

    [Fact]
    public void Cert_manager_selects_the_controller_metrics_service()
    {
        var spec = Json.Of(PlatformScrapeTargets.CertManager("cert-manager").Spec());
        Assert.Equal("cert-manager", spec["selector"]!["matchLabels"]!["app.kubernetes.io/name"]!.GetValue<string>());
        Assert.Equal("controller", spec["selector"]!["matchLabels"]!["app.kubernetes.io/component"]!.GetValue<string>());
        Assert.Equal("tcp-prometheus-servicemonitor", spec["endpoints"]![0]!["port"]!.GetValue<string>());
    }

    [Fact]
    public void Mlflow_selects_the_chart_service_port_and_labels_the_job()
    {
        var target = PlatformScrapeTargets.Mlflow("mlflow");
        var spec = Json.Of(target.Spec());
        Assert.Equal("mlflow", spec["selector"]!["matchLabels"]!["app.kubernetes.io/name"]!.GetValue<string>());

        // The chart names the service port after service.name, whose default is "http".
        var chartDefaults = File.ReadAllText(RepositoryPaths.ChartValues("mlflow", "1.11.5"));
        Assert.Contains("  name: http\n", chartDefaults, StringComparison.Ordinal);
        Assert.Equal("http", spec["endpoints"]![0]!["port"]!.GetValue<string>());
        Assert.Equal("mlflow", spec["endpoints"]![0]!["relabelings"]![0]!["replacement"]!.GetValue<string>());
        Assert.Equal("job", spec["endpoints"]![0]!["relabelings"]![0]!["targetLabel"]!.GetValue<string>());
    }

    [Fact]
    public void Kserve_controller_is_scraped_over_https_with_the_prometheus_token()
    {
        var endpoint = Json.Of(PlatformScrapeTargets.KserveController("kserve").Spec())["endpoints"]![0]!;
        Assert.Equal("https", endpoint["port"]!.GetValue<string>());
        Assert.Equal("https", endpoint["scheme"]!.GetValue<string>());
        Assert.Equal("/var/run/secrets/kubernetes.io/serviceaccount/token", endpoint["bearerTokenFile"]!.GetValue<string>());
    }

    [Fact]
    public void Inference_services_are_selected_by_the_kserve_label_on_the_model_server_port()
    {
        var spec = Json.Of(PlatformScrapeTargets.InferenceServices("serving").Spec());
        var expression = spec["selector"]!["matchExpressions"]![0]!;
        Assert.Equal("serving.kserve.io/inferenceservice", expression["key"]!.GetValue<string>());
        Assert.Equal("Exists", expression["operator"]!.GetValue<string>());
        Assert.Equal(8080, spec["endpoints"]![0]!["targetPort"]!.GetValue<long>());
    }

    [Fact]
    public void Argo_controller_is_selected_by_component_and_part_of()
    {
        var spec = Json.Of(PlatformScrapeTargets.ArgoWorkflowsController("argo").Spec());
        Assert.Equal("workflow-controller", spec["selector"]!["matchLabels"]!["app.kubernetes.io/component"]!.GetValue<string>());
        Assert.Equal("argo-workflows", spec["selector"]!["matchLabels"]!["app.kubernetes.io/part-of"]!.GetValue<string>());
        Assert.Equal("metrics", spec["endpoints"]![0]!["port"]!.GetValue<string>());
    }

    [Fact]
    public void Envoy_proxies_are_scraped_as_pods_on_the_stats_port()
    {
        var target = PlatformScrapeTargets.EnvoyProxies("envoy-gateway-system");
        var spec = Json.Of(target.Spec());
        Assert.Equal("PodMonitor", target.Kind);
        Assert.Equal(19001, spec["podMetricsEndpoints"]![0]!["portNumber"]!.GetValue<long>());
        Assert.Equal("/stats/prometheus", spec["podMetricsEndpoints"]![0]!["path"]!.GetValue<string>());
    }
}
