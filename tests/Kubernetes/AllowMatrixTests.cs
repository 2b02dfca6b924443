using MlPlatform.Components.Kubernetes;
using MlPlatform.Stacks.Configuration;
using MlPlatform.Stacks.Shared;
using MlPlatform.Tests.Configuration;
using Xunit;

namespace MlPlatform.Tests.Kubernetes;

public class AllowMatrixTests
{
    private static readonly PlatformConfig Config = ConfigFixture.Valid()
        .Set("teams", new[] { new { name = "team-a" } })
        .Set("network", new { apiServerCidrs = new[] { "172.20.0.0/16" }, dataStoreCidrs = new[] { "10.0.0.0/16" } })
        .Set("monitoring", new { grafanaHostname = "grafana.example.com" })
        .Read();

    private static IReadOnlyList<NetworkAllowRule> Rules(string ns) => AllowMatrix.RulesFor(Config.FindNamespace(ns)!, Config);

    private static IEnumerable<string> FromRoles(string ns) => Rules(ns)
        .Where(r => r.Direction == TrafficDirection.Ingress)
        .SelectMany(r => r.Namespaces)
        .Select(labels => labels.GetValueOrDefault(PlatformLabels.Role) ?? labels.GetValueOrDefault("kubernetes.io/metadata.name") ?? "*");

    private static IEnumerable<string> ToRoles(string ns) => Rules(ns)
        .Where(r => r.Direction == TrafficDirection.Egress)
        .SelectMany(r => r.Namespaces)
        .Select(labels => labels.GetValueOrDefault(PlatformLabels.Role) ?? labels.GetValueOrDefault("kubernetes.io/metadata.name") ?? "*");

    [Fact]
    public void Ingress_gateway_reaches_serving_and_grafana_and_nothing_else()
    {
        Assert.Equal(["serving", "monitoring"], ToRoles(PlatformNamespaces.Gateway));
        Assert.Contains("ingress", FromRoles(PlatformNamespaces.Serving));
        Assert.DoesNotContain("ingress", FromRoles("team-a"));
        Assert.DoesNotContain("ingress", FromRoles(PlatformNamespaces.Mlflow));
    }

    [Fact]
    public void Serving_reaches_the_data_stores()
    {
        Assert.Equal(["data", PlatformNamespaces.OtelCollector], ToRoles(PlatformNamespaces.Serving));
        Assert.Contains("serving", FromRoles(PlatformNamespaces.Mlflow));
    }

    [Fact]
    public void Monitoring_scrapes_every_namespace()
    {
        Assert.Equal(["*"], ToRoles(PlatformNamespaces.Monitoring));
        Assert.All(Config.Namespaces, ns => Assert.Contains("monitoring", FromRoles(ns.Name)));
    }

    [Fact]
    public void Workflow_engine_reaches_gpu_workloads()
    {
        Assert.Contains("gpu-workloads", ToRoles(PlatformNamespaces.ArgoWorkflows));
        Assert.Contains("workflows", FromRoles("team-a"));
    }

    [Fact]
    public void Controllers_get_no_namespace_openings_besides_monitoring()
    {
        Assert.Empty(ToRoles(PlatformNamespaces.CertManager));
        Assert.Equal(["monitoring"], FromRoles(PlatformNamespaces.CertManager));
    }

    [Fact]
    public void Address_openings_use_the_configured_ranges_and_ports()
    {
        var webhooks = Rules(PlatformNamespaces.Kyverno).Single(r => r.Name == "webhooks");
        Assert.Equal(TrafficDirection.Ingress, webhooks.Direction);
        Assert.Equal(["172.20.0.0/16"], webhooks.Cidrs.ToArray());
        Assert.Equal([9443], webhooks.Ports.Select(p => p.Port).ToArray());

        var databases = Rules(PlatformNamespaces.Mlflow).Single(r => r.Name == "databases");
        Assert.Equal(["10.0.0.0/16"], databases.Cidrs.ToArray());
        Assert.Equal([5432], databases.Ports.Select(p => p.Port).ToArray());

        Assert.DoesNotContain(Rules("team-a"), r => r.Name == "api-server");
    }

    [Fact]
    public void Nothing_opens_towards_or_from_roles_whose_namespaces_are_switched_off()
    {
        var config = ConfigFixture.Valid()
            .Set("teams", new[] { new { name = "team-a" } })
            .Set("addons", new { argoWorkflows = false, mlflow = false, monitoring = false })
            .Read();
        var team = AllowMatrix.RulesFor(config.FindNamespace("team-a")!, config);
        var serving = AllowMatrix.RulesFor(config.FindNamespace(PlatformNamespaces.Serving)!, config);

        Assert.DoesNotContain(team, r => r.Name is "to-data" or "from-workflows" or "from-monitoring");
        Assert.DoesNotContain(serving, r => r.Name is "to-data" or "from-monitoring");
        Assert.Contains(serving, r => r.Name == "from-ingress");
        var roles = config.Namespaces.Select(n => AllowMatrix.RoleLabel(n.Role)).ToHashSet();
        Assert.All(config.Namespaces.SelectMany(ns => AllowMatrix.RulesFor(ns, config)).SelectMany(r => r.Namespaces), selector =>
        {
            if (selector.GetValueOrDefault(PlatformLabels.Role) is { } role)
            {
                Assert.Contains(role, roles);
            }
        });
    }

    [Fact]
    public void Without_teams_the_workflow_engine_opens_nothing_towards_gpu_workloads()
    {
        var config = ConfigFixture.Valid().Read();

        Assert.DoesNotContain(AllowMatrix.RulesFor(config.FindNamespace(PlatformNamespaces.ArgoWorkflows)!, config), r => r.Name == "to-gpu-workloads");
    }

    [Fact]
    public void Rule_names_are_unique_dns_labels_in_every_namespace()
    {
        Assert.All(Config.Namespaces, ns =>
        {
            var names = AllowMatrix.RulesFor(ns, Config).Select(r => r.Name).ToList();
            Assert.Equal(names.Count, names.Distinct().Count());
            Assert.All(names, n => Assert.True(MlPlatform.Policies.KubernetesNames.IsDns1123Label($"allow-{n}")));
        });
    }
}
