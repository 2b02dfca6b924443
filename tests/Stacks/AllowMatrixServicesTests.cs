using MlPlatform.Components.Addons;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Stacks.Configuration;
using MlPlatform.Stacks.Shared;
using Xunit;

namespace MlPlatform.Tests.Stacks;

public class AllowMatrixServicesTests
{
    private static PlatformConfig Config(string? grafanaHostname = null) => ConfigReader.Read(key => key switch
    {
        "cloud" => "existing",
        "environment" => "staging",
        "monitoring" when grafanaHostname is not null => $"{{\"grafanaHostname\":\"{grafanaHostname}\"}}",
        _ => null,
    });

    private static IReadOnlyList<NetworkAllowRule> RulesOf(string @namespace, PlatformConfig? config = null)
    {
        config ??= Config();
        return AllowMatrix.RulesFor(config.FindNamespace(@namespace)!, config);
    }

    [Fact]
    public void A_published_grafana_is_reachable_from_the_gateway_on_its_port_only()
    {
        var config = Config(grafanaHostname: "grafana.example.com");

        var egress = Assert.Single(RulesOf(PlatformNamespaces.Gateway, config), r => r.Name == "to-monitoring");
        var ingress = Assert.Single(RulesOf(PlatformNamespaces.Monitoring, config), r => r.Name == "from-ingress");

        Assert.Equal(TrafficDirection.Egress, egress.Direction);
        Assert.Equal(TrafficDirection.Ingress, ingress.Direction);
        Assert.Equal([KubePrometheusStack.GrafanaPort], egress.Ports.Select(p => p.Port));
        Assert.Equal([KubePrometheusStack.GrafanaPort], ingress.Ports.Select(p => p.Port));
    }

    [Fact]
    public void Without_a_grafana_host_the_monitoring_namespace_is_closed_to_the_gateway()
    {
        Assert.DoesNotContain(RulesOf(PlatformNamespaces.Gateway), r => r.Name == "to-monitoring");
        Assert.DoesNotContain(RulesOf(PlatformNamespaces.Monitoring), r => r.Name == "from-ingress");

        // The serving edge does not depend on Grafana and keeps every port (model servers choose theirs).
        Assert.Empty(Assert.Single(RulesOf(PlatformNamespaces.Gateway), r => r.Name == "to-serving").Ports);
    }

    [Fact]
    public void Prometheus_reaches_every_host_network_target_the_chart_scrapes()
    {
        var config = Config();
        var selfManaged = Assert.Single(RulesOf(PlatformNamespaces.Monitoring, config), r => r.Name == "node-metrics");
        var managed = Assert.Single(RulesOf(PlatformNamespaces.Monitoring, config with { Cloud = CloudKind.Aws }), r => r.Name == "node-metrics");

        // node-exporter, kube-proxy and the kubelet everywhere; etcd, controller manager and scheduler only where
        // kube-prometheus-stack still scrapes them (KubePrometheusStackArgs.ManagedControlPlane off).
        Assert.Equal([9100, 10249, 10250, 2381, 10257, 10259], selfManaged.Ports.Select(p => p.Port));
        Assert.Equal([9100, 10249, 10250], managed.Ports.Select(p => p.Port));
        Assert.Equal(config.Network.NodeCidrs, selfManaged.Cidrs);
        Assert.False(PlatformServicesLayer.MonitoringArgs(config, null, []).ManagedControlPlane);
        Assert.True(PlatformServicesLayer.MonitoringArgs(config with { Cloud = CloudKind.Aws }, null, []).ManagedControlPlane);
    }

    [Theory]
    [InlineData(PlatformNamespaces.CertManager)]
    [InlineData(PlatformNamespaces.GpuOperator)]
    public void Acme_self_checks_and_driver_builds_get_plain_http_egress(string @namespace)
    {
        var rule = Assert.Single(RulesOf(@namespace), r => r.Name == "external-http");
        Assert.Equal([80], rule.Ports.Select(p => p.Port));
        Assert.Equal(TrafficDirection.Egress, rule.Direction);
    }

    [Fact]
    public void Other_namespaces_get_no_plain_http_egress()
    {
        Assert.DoesNotContain(RulesOf(PlatformNamespaces.Kyverno), r => r.Name == "external-http");
        Assert.DoesNotContain(RulesOf(PlatformNamespaces.Serving), r => r.Name == "external-http");
    }

    [Theory]
    [InlineData(PlatformNamespaces.CertManager, 10250)]
    [InlineData(PlatformNamespaces.Gateway, 9443)]
    [InlineData(PlatformNamespaces.Monitoring, 10250)]
    [InlineData(PlatformNamespaces.Kyverno, 9443)]
    [InlineData(PlatformNamespaces.ExternalSecrets, 10250)]
    public void The_api_server_reaches_each_chart_webhook(string @namespace, int port)
    {
        var rule = Assert.Single(RulesOf(@namespace), r => r.Name == "webhooks");
        Assert.Contains(port, rule.Ports.Select(p => p.Port));
    }
}
