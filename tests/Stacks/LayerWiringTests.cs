using MlPlatform.Components.Addons;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Stacks;

/// <summary>How the platform-services layer feeds the ML workloads layer on a whole stack.</summary>
public class LayerWiringTests
{
    private const string Release = "kubernetes:helm.sh/v3:Release";

    [Fact]
    public async Task Kserve_routes_through_the_shared_gateway_under_its_wildcard_domain()
    {
        var config = Scenario.Existing();
        config["gateway"] = new { hostname = "*.ml.example.com" };

        var plan = await Scenario.RunAsync(config);

        var kserve = plan.OfType(Release).Single(r => r.Inputs["chart"]!.GetValue<string>() == VersionCatalog.KserveResources.ReleaseChart);
        var gateway = kserve.Inputs["values"]!["kserve"]!["controller"]!["gateway"]!;
        Assert.Equal("ml.example.com", gateway["domain"]!.GetValue<string>());
        Assert.Equal("envoy-gateway-system/platform-gateway", gateway["ingressGateway"]!["kserveGateway"]!.GetValue<string>());
        Assert.False(gateway["ingressGateway"]!["createGateway"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Behind_a_tls_gateway_kserve_publishes_https_urls()
    {
        var config = Scenario.Existing();
        config["gateway"] = new { hostname = "*.ml.example.com", tls = new { clusterIssuer = "letsencrypt" } };

        var plan = await Scenario.RunAsync(config);

        var kserve = plan.OfType(Release).Single(r => r.Inputs["chart"]!.GetValue<string>() == VersionCatalog.KserveResources.ReleaseChart);
        Assert.Equal("https", kserve.Inputs["values"]!["kserve"]!["controller"]!["gateway"]!["urlScheme"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_a_wildcard_host_kserve_keeps_its_default_domain()
    {
        var config = Scenario.Existing();
        config["gateway"] = new { hostname = "ml.example.com" };

        var plan = await Scenario.RunAsync(config);

        var kserve = plan.OfType(Release).Single(r => r.Inputs["chart"]!.GetValue<string>() == VersionCatalog.KserveResources.ReleaseChart);
        Assert.Null(kserve.Inputs["values"]!["kserve"]!["controller"]!["gateway"]!["domain"]);
    }

    [Fact]
    public async Task Kserve_waits_for_cert_manager_and_the_gateway_and_mlflow_reads_its_password_through_the_secret_store_on_aws()
    {
        var plan = await Scenario.StackFileAsync("production");

        var releases = plan.OfType(Release).ToDictionary(r => r.Name);
        Assert.Contains(releases["cert-manager"].Urn, AllDependencies(plan, releases["kserve-resources"]));
        var gateway = Assert.Single(plan.OfType("kubernetes:gateway.networking.k8s.io/v1:Gateway"));
        Assert.Contains(gateway.Urn, AllDependencies(plan, releases["kserve-resources"]));
        var externalSecret = Assert.Single(plan.OfType("kubernetes:external-secrets.io/v1:ExternalSecret"),
            s => s.Inputs["metadata"]!["namespace"]!.GetValue<string>() == "mlflow");
        Assert.Equal(plan.Outputs["secretStore"]!.GetValue<string>(), externalSecret.Inputs["spec"]!["secretStoreRef"]!["name"]!.GetValue<string>());
        Assert.Equal("ClusterSecretStore", externalSecret.Inputs["spec"]!["secretStoreRef"]!["kind"]!.GetValue<string>());
    }

    /// <summary>Explicit dependencies of a resource and of its parents (components pass theirs down).</summary>
    private static HashSet<string> AllDependencies(Infra.Plan.PlanResult plan, Infra.Plan.PlannedResource resource)
    {
        var all = new HashSet<string>();
        for (var current = resource; current is not null; current = plan.Resources.FirstOrDefault(r => r.Urn == current.Parent))
        {
            all.UnionWith(current.DependsOn.IsDefault ? [] : current.DependsOn);
        }

        return all;
    }
}
