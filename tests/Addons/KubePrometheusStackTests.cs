using System.Text.Json.Nodes;
using MlPlatform.Components.Addons;
using MlPlatform.Tests.Support;
using Pulumi;
using Xunit;

namespace MlPlatform.Tests.Addons;

public class KubePrometheusStackTests
{
    private static readonly ChartReference Chart = VersionCatalog.KubePrometheusStack;

    private static KubePrometheusStackArgs Args(bool ha = false, string? grafanaHost = null) => new()
    {
        Namespace = "monitoring",
        HighAvailability = ha,
        Retention = ha ? "30d" : "7d",
        StorageSize = ha ? "200Gi" : "50Gi",
        StorageClass = ha ? "gp3" : null,
        GrafanaHostname = grafanaHost,
        Gateway = grafanaHost is null ? null : ("platform-gateway", "envoy-gateway-system"),
        ScrapeTargets =
        [
            PlatformScrapeTargets.DcgmExporter("gpu-operator"), PlatformScrapeTargets.Mlflow("mlflow"),
            PlatformScrapeTargets.KserveController("kserve"), PlatformScrapeTargets.InferenceServices("serving"),
            PlatformScrapeTargets.ArgoWorkflowsController("argo"), PlatformScrapeTargets.EnvoyProxies("envoy-gateway-system"),
            PlatformScrapeTargets.CertManager("cert-manager"),
        ],
        AlertGroups = [PlatformAlerts.Inference("serving"), PlatformAlerts.Mlflow(), PlatformAlerts.Pipelines(), PlatformAlerts.Gpu(), PlatformAlerts.Certificates()],
        Dashboards = [PlatformDashboards.Inference("serving"), PlatformDashboards.Gpu(), PlatformDashboards.Cost()],
    };

    [Theory]
    [InlineData(false, null)]
    [InlineData(true, "grafana.example.com")]
    public void Every_value_exists_in_the_chart_or_its_grafana_subchart(bool ha, string? grafanaHost)
    {
        Assert.Empty(ChartValues.UnknownKeys(Chart.Name, Chart.Version, Json.Of(KubePrometheusStack.Values(Args(ha, grafanaHost)))));
    }

    [Fact]
    public void Managed_control_planes_are_not_scraped()
    {
        var managed = new KubePrometheusStackArgs { Namespace = "monitoring", Retention = "7d", StorageSize = "50Gi", ManagedControlPlane = true };
        var values = Json.Of(KubePrometheusStack.Values(managed));

        Assert.Empty(ChartValues.UnknownKeys(Chart.Name, Chart.Version, values));
        foreach (var component in new[] { "kubeControllerManager", "kubeScheduler", "kubeEtcd" })
        {
            Assert.False(values[component]!["enabled"]!.GetValue<bool>());
            Assert.Null(Json.Of(KubePrometheusStack.Values(Args()))[component]);
        }
    }

    [Fact]
    public void Prometheus_selects_monitors_and_rules_from_every_namespace()
    {
        var spec = Json.Of(KubePrometheusStack.Values(Args()))["prometheus"]!["prometheusSpec"]!;

        foreach (var key in new[] { "serviceMonitor", "podMonitor", "rule", "probe", "scrapeConfig" })
        {
            Assert.False(spec[$"{key}SelectorNilUsesHelmValues"]!.GetValue<bool>());
        }
    }

    [Fact]
    public void Retention_and_storage_follow_the_settings_and_production_is_highly_available()
    {
        var staging = Json.Of(KubePrometheusStack.Values(Args()));
        var production = Json.Of(KubePrometheusStack.Values(Args(ha: true)));

        Assert.Equal("7d", staging["prometheus"]!["prometheusSpec"]!["retention"]!.GetValue<string>());
        Assert.Equal(1, staging["prometheus"]!["prometheusSpec"]!["replicas"]!.GetValue<long>());
        Assert.Equal("50Gi", staging["prometheus"]!["prometheusSpec"]!["storageSpec"]!["volumeClaimTemplate"]!["spec"]!["resources"]!["requests"]!["storage"]!.GetValue<string>());
        Assert.Null(staging["prometheus"]!["prometheusSpec"]!["storageSpec"]!["volumeClaimTemplate"]!["spec"]!["storageClassName"]);

        var spec = production["prometheus"]!["prometheusSpec"]!;
        Assert.Equal("30d", spec["retention"]!.GetValue<string>());
        Assert.Equal(2, spec["replicas"]!.GetValue<long>());
        Assert.Equal("200Gi", spec["storageSpec"]!["volumeClaimTemplate"]!["spec"]!["resources"]!["requests"]!["storage"]!.GetValue<string>());
        Assert.Equal("gp3", spec["storageSpec"]!["volumeClaimTemplate"]!["spec"]!["storageClassName"]!.GetValue<string>());
        Assert.Equal(2, production["alertmanager"]!["alertmanagerSpec"]!["replicas"]!.GetValue<long>());
    }

    [Fact]
    public void Grafana_reads_its_admin_password_from_a_secret_and_loads_labelled_dashboards()
    {
        var values = Json.Of(KubePrometheusStack.Values(Args()));
        var grafana = values["grafana"]!;

        Assert.Equal(KubePrometheusStack.GrafanaAdminSecret, grafana["admin"]!["existingSecret"]!.GetValue<string>());
        Assert.Null(grafana["adminPassword"]);
        Assert.DoesNotContain("adminPassword", values.ToJsonString(), StringComparison.Ordinal);
        var sidecar = grafana["sidecar"]!["dashboards"]!;
        Assert.True(sidecar["enabled"]!.GetValue<bool>());
        Assert.Equal("grafana_dashboard", sidecar["label"]!.GetValue<string>());
        Assert.Equal("1", sidecar["labelValue"]!.GetValue<string>());
        Assert.Equal("ALL", sidecar["searchNamespace"]!.GetValue<string>());
    }

    [Fact]
    public void Grafana_is_published_through_the_shared_gateway_when_a_host_is_set()
    {
        Assert.Null(Json.Of(KubePrometheusStack.Values(Args()))["grafana"]!["route"]);

        var route = Json.Of(KubePrometheusStack.Values(Args(grafanaHost: "grafana.example.com")))["grafana"]!["route"]!["main"]!;
        Assert.True(route["enabled"]!.GetValue<bool>());
        Assert.Equal("grafana.example.com", route["hostnames"]![0]!.GetValue<string>());
        Assert.Equal("platform-gateway", route["parentRefs"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("envoy-gateway-system", route["parentRefs"]![0]!["namespace"]!.GetValue<string>());
    }

    [Fact]
    public void Every_monitor_and_rule_is_valid_against_its_crd()
    {
        foreach (var target in Args().ScrapeTargets)
        {
            var obj = Json.Object("monitoring.coreos.com/v1", target.Kind, target.Name, "monitoring", target.Spec());
            Assert.Empty(CrdSchema.Problems("monitoring.coreos.com", "v1", target.Kind, obj));
        }

        foreach (var group in Args().AlertGroups)
        {
            var obj = Json.Object("monitoring.coreos.com/v1", "PrometheusRule", group.Name, "monitoring", PlatformAlerts.Spec(group));
            Assert.Empty(CrdSchema.Problems("monitoring.coreos.com", "v1", "PrometheusRule", obj));
        }
    }

    [Fact]
    public async Task The_grafana_admin_password_reaches_its_secret_as_a_pulumi_secret()
    {
        Pulumi.Kubernetes.Types.Inputs.Core.V1.SecretArgs? secret = null;
        var options = new ComponentResourceOptions
        {
            ResourceTransformations = { args => { secret ??= args.Args as Pulumi.Kubernetes.Types.Inputs.Core.V1.SecretArgs; return null; } },
        };

        await ComponentTest.RunAsync(() => _ = new KubePrometheusStack("monitoring", Args(), options));

        Assert.NotNull(secret);
        Assert.True(await Output.IsSecretAsync(secret.StringData.ToOutput()));
    }

    [Fact]
    public async Task Registers_secret_release_monitors_rules_and_dashboards_in_order()
    {
        var recorder = new TransformationDependencyRecorder();
        var mocks = await ComponentTest.RunAsync(() => _ = new KubePrometheusStack("monitoring", Args(), recorder.Options()));
        await recorder.ResolveAsync();

        const string release = "kubernetes:helm.sh/v3:Release";
        var inputs = Json.Of(Assert.Single(mocks.OfType(release)).Inputs);
        Assert.Equal("kube-prometheus-stack", inputs["chart"]!.GetValue<string>());
        Assert.Equal("88.5.3", inputs["version"]!.GetValue<string>());
        Assert.Equal("https://prometheus-community.github.io/helm-charts", inputs["repositoryOpts"]!["repo"]!.GetValue<string>());
        Assert.Equal("monitoring", inputs["namespace"]!.GetValue<string>());

        var secret = Json.Of(Assert.Single(mocks.OfType("kubernetes:core/v1:Secret")).Inputs);
        Assert.Equal(KubePrometheusStack.GrafanaAdminSecret, secret["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("admin", secret["stringData"]!["admin-user"]!.GetValue<string>());
        Assert.NotNull(secret["stringData"]!["admin-password"]);
        var password = Json.Of(Assert.Single(mocks.OfType("random:index/randomPassword:RandomPassword")).Inputs);
        Assert.Equal(32, password["length"]!.GetValue<long>());
        Assert.True(recorder.DependsOn(release, KubePrometheusStack.ReleaseName, "kubernetes:core/v1:Secret", "monitoring-grafana-admin"));

        Assert.Equal(6, mocks.OfType("kubernetes:monitoring.coreos.com/v1:ServiceMonitor").Count);
        Assert.Single(mocks.OfType("kubernetes:monitoring.coreos.com/v1:PodMonitor"));
        Assert.Equal(5, mocks.OfType("kubernetes:monitoring.coreos.com/v1:PrometheusRule").Count);
        foreach (var monitor in mocks.OfType("kubernetes:monitoring.coreos.com/v1:ServiceMonitor").Concat(mocks.OfType("kubernetes:monitoring.coreos.com/v1:PrometheusRule")))
        {
            Assert.True(recorder.DependsOn(monitor.Type!, monitor.Name!, release, KubePrometheusStack.ReleaseName), $"{monitor.Name} must wait for the CRDs");
        }

        var dashboards = mocks.OfType("kubernetes:core/v1:ConfigMap");
        Assert.Equal(3, dashboards.Count);
        foreach (var dashboard in dashboards)
        {
            var metadata = Json.Of(dashboard.Inputs)["metadata"]!;
            Assert.Equal("1", metadata["labels"]!["grafana_dashboard"]!.GetValue<string>());
            var data = Json.Of(dashboard.Inputs)["data"]!.AsObject().Single();
            var model = JsonNode.Parse(data.Value!.GetValue<string>())!;
            Assert.NotEmpty(model["panels"]!.AsArray());
        }
    }
}
