using System.Text.Json.Nodes;
using MlPlatform.Components.Addons;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Addons;

public class CertManagerTests
{
    private static readonly ChartReference Chart = VersionCatalog.CertManager;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_value_exists_in_the_chart_and_passes_its_schema(bool highAvailability)
    {
        var values = Json.Of(CertManager.Values(new CertManagerArgs { Namespace = "cert-manager", HighAvailability = highAvailability }));

        // podDisruptionBudget.minAvailable is documented but commented out in values.yaml; the schema declares it.
        Assert.Empty(ChartValues.UnknownKeys(Chart.Name, Chart.Version, values,
            "podDisruptionBudget.minAvailable", "webhook.podDisruptionBudget.minAvailable", "cainjector.podDisruptionBudget.minAvailable"));
        Assert.True(ValuesSchema.Exists(Chart.Name, Chart.Version));
        Assert.Empty(ValuesSchema.Problems(Chart.Name, Chart.Version, values));
    }

    [Fact]
    public void Installs_the_crds_and_keeps_them_on_uninstall()
    {
        var values = Json.Of(CertManager.Values(new CertManagerArgs { Namespace = "cert-manager" }));

        Assert.True(values["crds"]!["enabled"]!.GetValue<bool>());
        Assert.True(values["crds"]!["keep"]!.GetValue<bool>());
    }

    [Fact]
    public void Production_runs_two_replicas_of_each_component_with_a_disruption_budget()
    {
        var values = Json.Of(CertManager.Values(new CertManagerArgs { Namespace = "cert-manager", HighAvailability = true }));

        foreach (var component in new[] { values, values["webhook"]!, values["cainjector"]! })
        {
            Assert.Equal(2, component["replicaCount"]!.GetValue<long>());
            Assert.True(component["podDisruptionBudget"]!["enabled"]!.GetValue<bool>());
            Assert.Equal(1, component["podDisruptionBudget"]!["maxUnavailable"]!.GetValue<long>());
            Assert.Null(component["podDisruptionBudget"]!["minAvailable"]);
        }
    }

    [Fact]
    public void Staging_runs_single_replicas_without_budgets()
    {
        var values = Json.Of(CertManager.Values(new CertManagerArgs { Namespace = "cert-manager" }));

        Assert.Equal(1, values["replicaCount"]!.GetValue<long>());
        Assert.False(values["podDisruptionBudget"]!["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public void Every_component_is_restricted_profile_compatible()
    {
        var values = Json.Of(CertManager.Values(new CertManagerArgs { Namespace = "cert-manager" }));

        foreach (var component in new[] { values, values["webhook"]!, values["cainjector"]!, values["startupapicheck"]! })
        {
            Assert.True(component["securityContext"]!["runAsNonRoot"]!.GetValue<bool>());
            Assert.Equal("RuntimeDefault", component["securityContext"]!["seccompProfile"]!["type"]!.GetValue<string>());
            var container = component["containerSecurityContext"]!;
            Assert.False(container["allowPrivilegeEscalation"]!.GetValue<bool>());
            Assert.Equal(["ALL"], container["capabilities"]!["drop"]!.AsArray().Select(c => c!.GetValue<string>()));
            Assert.True(container["readOnlyRootFilesystem"]!.GetValue<bool>());
        }
    }

    [Fact]
    public async Task Registers_the_pinned_chart_in_its_namespace()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new CertManager("cert-manager", new CertManagerArgs { Namespace = "cert-manager" }));

        var release = Assert.Single(mocks.OfType("kubernetes:helm.sh/v3:Release"));
        var inputs = Json.Of(release.Inputs);
        Assert.Equal("cert-manager", inputs["chart"]!.GetValue<string>());
        Assert.Equal("v1.21.1", inputs["version"]!.GetValue<string>());
        Assert.Equal("https://charts.jetstack.io", inputs["repositoryOpts"]!["repo"]!.GetValue<string>());
        Assert.Equal("cert-manager", inputs["namespace"]!.GetValue<string>());
        Assert.False(inputs["createNamespace"]!.GetValue<bool>());
        Assert.True(inputs["values"]!["crds"]!["enabled"]!.GetValue<bool>());
        Assert.Single(mocks.OfType(CertManager.TypeToken));
    }

    [Fact]
    public void Acme_settings_exist_in_the_chart_and_turn_on_what_the_solvers_need()
    {
        var args = new CertManagerArgs
        {
            Namespace = "cert-manager",
            GatewayApi = true,
            Dns01 = true,
            PodLabels = System.Collections.Immutable.ImmutableDictionary<string, string>.Empty.Add("azure.workload.identity/use", "true"),
        };
        var values = Json.Of(CertManager.Values(args, new Dictionary<string, string> { ["azure.workload.identity/client-id"] = "0000" }));

        Assert.Empty(ChartValues.UnknownKeys(Chart.Name, Chart.Version, values));
        Assert.Empty(ValuesSchema.Problems(Chart.Name, Chart.Version, values));
        Assert.True(values["config"]!["enableGatewayAPI"]!.GetValue<bool>());
        Assert.Equal("ControllerConfiguration", values["config"]!["kind"]!.GetValue<string>());
        Assert.True(values["dns01RecursiveNameserversOnly"]!.GetValue<bool>());
        Assert.Equal("0000", values["serviceAccount"]!["annotations"]!["azure.workload.identity/client-id"]!.GetValue<string>());
        Assert.Equal("true", values["podLabels"]!["azure.workload.identity/use"]!.GetValue<string>());
    }

    [Fact]
    public void Without_acme_the_gateway_api_and_identity_stay_off()
    {
        var values = Json.Of(CertManager.Values(new CertManagerArgs { Namespace = "cert-manager" }));

        Assert.Null(values["config"]);
        Assert.Null(values["dns01RecursiveNameserversOnly"]);
        Assert.Null(values["serviceAccount"]);
        Assert.Null(values["podLabels"]);
    }
}
