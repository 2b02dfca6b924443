using MlPlatform.Components.Kubernetes;
using MlPlatform.Stacks.Configuration;
using MlPlatform.Stacks.Shared;
using Xunit;

namespace MlPlatform.Tests.Stacks;

public class AllowMatrixServicesTests
{
    private static PlatformConfig Config() => ConfigReader.Read(key => key switch
    {
        "cloud" => "existing",
        "environment" => "staging",
        _ => null,
    });

    private static IReadOnlyList<NetworkAllowRule> RulesOf(string @namespace)
    {
        var config = Config();
        return AllowMatrix.RulesFor(config.FindNamespace(@namespace)!, config.Network);
    }

    [Fact]
    public void The_gateway_reaches_grafana_in_the_monitoring_namespace()
    {
        Assert.Contains(RulesOf(PlatformNamespaces.Gateway), r => r.Name == "to-monitoring" && r.Direction == TrafficDirection.Egress);
        Assert.Contains(RulesOf(PlatformNamespaces.Monitoring), r => r.Name == "from-ingress" && r.Direction == TrafficDirection.Ingress);
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
