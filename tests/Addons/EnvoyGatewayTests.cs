using MlPlatform.Components.Addons;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Addons;

public class EnvoyGatewayTests
{
    private static readonly ChartReference Chart = VersionCatalog.EnvoyGateway;

    private static EnvoyGatewayArgs Args(bool tls = false, bool ha = false) => new()
    {
        Namespace = "envoy-gateway-system",
        HighAvailability = ha,
        Hostname = tls ? "*.models.example.com" : null,
        TlsClusterIssuer = tls ? "letsencrypt" : null,
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_value_exists_in_the_chart(bool ha)
    {
        Assert.Empty(ChartValues.UnknownKeys(Chart.Name, Chart.Version, Json.Of(EnvoyGateway.Values(Args(ha: ha)))));
    }

    [Fact]
    public void Production_runs_two_controllers_and_two_proxies_with_budgets()
    {
        var values = Json.Of(EnvoyGateway.Values(Args(ha: true)));
        var proxy = Json.Of(EnvoyGateway.ProxySpec(Args(ha: true)));

        Assert.Equal(2, values["deployment"]!["replicas"]!.GetValue<long>());
        Assert.Equal(1, values["podDisruptionBudget"]!["maxUnavailable"]!.GetValue<long>());
        Assert.Equal(2, proxy["provider"]!["kubernetes"]!["envoyDeployment"]!["replicas"]!.GetValue<long>());
        Assert.Equal(1, proxy["provider"]!["kubernetes"]!["envoyPDB"]!["maxUnavailable"]!.GetValue<long>());
        Assert.Null(proxy["provider"]!["kubernetes"]!["envoyPDB"]!["minAvailable"]);
    }

    [Fact]
    public void The_gateway_class_names_envoy_gateway_and_is_schema_valid()
    {
        var spec = EnvoyGateway.GatewayClassSpec("envoy-gateway-system");
        var obj = Json.Object("gateway.networking.k8s.io/v1", "GatewayClass", EnvoyGateway.GatewayClassName, null, spec);

        Assert.Empty(CrdSchema.Problems("gateway.networking.k8s.io", "v1", "GatewayClass", obj));
        Assert.Equal("gateway.envoyproxy.io/gatewayclass-controller", obj["spec"]!["controllerName"]!.GetValue<string>());
        Assert.Equal(EnvoyGateway.ProxyConfigName, obj["spec"]!["parametersRef"]!["name"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void The_proxy_config_is_schema_valid(bool tls, bool ha)
    {
        var obj = Json.Object("gateway.envoyproxy.io/v1alpha1", "EnvoyProxy", EnvoyGateway.ProxyConfigName, "envoy-gateway-system", EnvoyGateway.ProxySpec(Args(tls, ha)));
        Assert.Empty(CrdSchema.Problems("gateway.envoyproxy.io", "v1alpha1", "EnvoyProxy", obj));
    }

    [Fact]
    public void The_http_gateway_admits_routes_from_serving_namespaces_only()
    {
        var obj = Json.Object("gateway.networking.k8s.io/v1", "Gateway", EnvoyGateway.GatewayName, "envoy-gateway-system", EnvoyGateway.GatewaySpec(Args()));

        Assert.Empty(CrdSchema.Problems("gateway.networking.k8s.io", "v1", "Gateway", obj));
        var listener = Assert.Single(obj["spec"]!["listeners"]!.AsArray())!;
        Assert.Equal("HTTP", listener["protocol"]!.GetValue<string>());
        Assert.Equal(80, listener["port"]!.GetValue<long>());
        var namespaces = listener["allowedRoutes"]!["namespaces"]!;
        Assert.Equal("Selector", namespaces["from"]!.GetValue<string>());
        var expression = Assert.Single(namespaces["selector"]!["matchExpressions"]!.AsArray())!;
        Assert.Equal("mlplatform.io/role", expression["key"]!.GetValue<string>());
        Assert.Equal(["serving"], expression["values"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Fact]
    public void Tls_adds_an_https_listener_with_the_cert_manager_certificate()
    {
        var gateway = Json.Object("gateway.networking.k8s.io/v1", "Gateway", EnvoyGateway.GatewayName, "envoy-gateway-system", EnvoyGateway.GatewaySpec(Args(tls: true)));
        var certificate = Json.Object("cert-manager.io/v1", "Certificate", EnvoyGateway.TlsSecretName, "envoy-gateway-system",
            EnvoyGateway.CertificateSpec("*.models.example.com", "letsencrypt"));

        Assert.Empty(CrdSchema.Problems("gateway.networking.k8s.io", "v1", "Gateway", gateway));
        Assert.Empty(CrdSchema.Problems("cert-manager.io", "v1", "Certificate", certificate));
        var https = gateway["spec"]!["listeners"]!.AsArray().Single(l => l!["name"]!.GetValue<string>() == "https")!;
        Assert.Equal(443, https["port"]!.GetValue<long>());
        Assert.Equal("*.models.example.com", https["hostname"]!.GetValue<string>());
        Assert.Equal(EnvoyGateway.TlsSecretName, https["tls"]!["certificateRefs"]![0]!["name"]!.GetValue<string>());
        Assert.Equal(EnvoyGateway.TlsSecretName, certificate["spec"]!["secretName"]!.GetValue<string>());
        Assert.Equal("ClusterIssuer", certificate["spec"]!["issuerRef"]!["kind"]!.GetValue<string>());
        Assert.Equal("letsencrypt", certificate["spec"]!["issuerRef"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public void With_tls_plain_http_only_redirects_to_https()
    {
        var gateway = Json.Object("gateway.networking.k8s.io/v1", "Gateway", EnvoyGateway.GatewayName, "envoy-gateway-system", EnvoyGateway.GatewaySpec(Args(tls: true)));
        var route = Json.Object("gateway.networking.k8s.io/v1", "HTTPRoute", EnvoyGateway.RedirectRouteName, "envoy-gateway-system", EnvoyGateway.RedirectRouteSpec("envoy-gateway-system"));

        var http = gateway["spec"]!["listeners"]!.AsArray().Single(l => l!["name"]!.GetValue<string>() == "http")!;
        Assert.Equal("Same", http["allowedRoutes"]!["namespaces"]!["from"]!.GetValue<string>());
        Assert.Empty(CrdSchema.Problems("gateway.networking.k8s.io", "v1", "HTTPRoute", route));
        Assert.Equal("http", route["spec"]!["parentRefs"]![0]!["sectionName"]!.GetValue<string>());
        var redirect = route["spec"]!["rules"]![0]!["filters"]![0]!["requestRedirect"]!;
        Assert.Equal("https", redirect["scheme"]!.GetValue<string>());
        Assert.Equal(301, redirect["statusCode"]!.GetValue<long>());
    }

    [Fact]
    public async Task Custom_resources_wait_for_the_chart_that_installs_their_crds()
    {
        var recorder = new TransformationDependencyRecorder();
        var mocks = await ComponentTest.RunAsync(() => _ = new EnvoyGateway("envoy-gateway", Args(tls: true), recorder.Options()));
        await recorder.ResolveAsync();

        const string release = "kubernetes:helm.sh/v3:Release";
        var releaseInputs = Json.Of(Assert.Single(mocks.OfType(release)).Inputs);
        Assert.Equal("oci://docker.io/envoyproxy/gateway-helm", releaseInputs["chart"]!.GetValue<string>());
        Assert.Equal("v1.9.0", releaseInputs["version"]!.GetValue<string>());
        Assert.Null(releaseInputs["repositoryOpts"]);
        Assert.True(recorder.DependsOn("kubernetes:gateway.networking.k8s.io/v1:GatewayClass", "envoy-gateway-class", release, "envoy-gateway"));
        Assert.True(recorder.DependsOn("kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy", "envoy-gateway-proxy", release, "envoy-gateway"));
        Assert.True(recorder.DependsOn("kubernetes:gateway.networking.k8s.io/v1:Gateway", "envoy-gateway-gateway", "kubernetes:gateway.networking.k8s.io/v1:GatewayClass", "envoy-gateway-class"));
        Assert.True(recorder.DependsOn("kubernetes:gateway.networking.k8s.io/v1:Gateway", "envoy-gateway-gateway", "kubernetes:cert-manager.io/v1:Certificate", "envoy-gateway-certificate"));
        Assert.True(recorder.DependsOn("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "envoy-gateway-redirect", "kubernetes:gateway.networking.k8s.io/v1:Gateway", "envoy-gateway-gateway"));
    }

    [Fact]
    public async Task Without_tls_there_is_no_certificate()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new EnvoyGateway("envoy-gateway", Args()));
        Assert.Empty(mocks.OfType("kubernetes:cert-manager.io/v1:Certificate"));
        Assert.Empty(mocks.OfType("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"));
        Assert.Single(mocks.OfType("kubernetes:gateway.networking.k8s.io/v1:Gateway"));
    }
}
