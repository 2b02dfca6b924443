using System.Text.Json.Nodes;
using MlPlatform.Components.Addons;
using MlPlatform.Infra.Plan;
using MlPlatform.Stacks.Configuration;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Stacks;

/// <summary>
/// HTTPS on every stack file: staging and production stacks serve the shared gateway over HTTPS only, with a
/// certificate from the ClusterIssuer the platform itself creates; a DNS-01 issuer gives cert-manager a cloud
/// identity, an HTTP-01 issuer turns on cert-manager's Gateway API support after the Gateway API CRDs.
/// </summary>
public class TlsScenarioTests
{
    public static TheoryData<string> Stacks => StackFiles.Names;

    private const string GatewayType = "kubernetes:gateway.networking.k8s.io/v1:Gateway";
    private const string CertificateType = "kubernetes:cert-manager.io/v1:Certificate";
    private const string IssuerType = "kubernetes:cert-manager.io/v1:ClusterIssuer";
    private const string ReleaseType = "kubernetes:helm.sh/v3:Release";

    private static PlatformConfig Config(string stack)
    {
        var values = StackConfigFile.Load(RepositoryPaths.Root, stack).Values;
        return ConfigReader.Read(key => values.GetValueOrDefault($"mlplatform:{key}"));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Staging_and_production_serve_https_with_the_platforms_own_issuer(string stack)
    {
        var config = Config(stack);
        var plan = await StackPlans.Of(stack);
        var gateways = plan.OfType(GatewayType).ToList();
        if (config.Environment == DeploymentEnvironment.Development || !config.Addons.Gateway)
        {
            // A development stack may stay on plain HTTP; if it does configure TLS, the same checks apply below.
            if (config.Gateway.Tls is null)
            {
                Assert.All(gateways, g => Assert.DoesNotContain(Listeners(g), l => l["protocol"]!.GetValue<string>() == "HTTPS"));
                return;
            }
        }

        Assert.True(config.Addons.CertManager, $"{stack}: a {config.Environment} stack with a gateway needs cert-manager for its HTTPS certificate");
        var gateway = Assert.Single(gateways);
        var listeners = Listeners(gateway);

        var https = Assert.Single(listeners, l => l["protocol"]!.GetValue<string>() == "HTTPS");
        Assert.Equal("443", https["port"]!.ToJsonString());
        Assert.Equal("Terminate", https["tls"]!["mode"]!.GetValue<string>());
        var secret = Assert.Single(https["tls"]!["certificateRefs"]!.AsArray())!["name"]!.GetValue<string>();

        // Plain HTTP takes only the gateway's own routes: the redirect (and ACME challenge routes).
        var http = Assert.Single(listeners, l => l["protocol"]!.GetValue<string>() == "HTTP");
        Assert.Equal("Same", http["allowedRoutes"]!["namespaces"]!["from"]!.GetValue<string>());
        var redirect = plan.Get("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "envoy-gateway-redirect").Inputs;
        Assert.Equal("https", redirect["spec"]!["rules"]![0]!["filters"]![0]!["requestRedirect"]!["scheme"]!.GetValue<string>());

        // The listener's secret is issued by a Certificate of the planned ClusterIssuer, which the gateway waits for.
        var certificate = Assert.Single(plan.OfType(CertificateType), c => c.Inputs["spec"]!["secretName"]!.GetValue<string>() == secret);
        var issuerRef = certificate.Inputs["spec"]!["issuerRef"]!;
        Assert.Equal("ClusterIssuer", issuerRef["kind"]!.GetValue<string>());
        var issuer = Assert.Single(plan.OfType(IssuerType), i => i.Inputs["metadata"]!["name"]!.GetValue<string>() == issuerRef["name"]!.GetValue<string>());
        Assert.Contains(issuer.Urn, certificate.DependsOn);
        Assert.Contains(certificate.Urn, gateway.DependsOn);
        Assert.Contains(https["hostname"]!.GetValue<string>(), certificate.Inputs["spec"]!["dnsNames"]!.AsArray().Select(n => n!.GetValue<string>()));

        var acme = issuer.Inputs["spec"]!["acme"]!;
        Assert.Equal(
            config.Environment == DeploymentEnvironment.Production ? AcmeConfig.ProductionDirectory : AcmeConfig.StagingDirectory,
            acme["server"]!.GetValue<string>());
        Assert.Empty(CrdSchema.Problems("cert-manager.io", "v1", "ClusterIssuer", issuer.Inputs));
        var solver = Assert.Single(acme["solvers"]!.AsArray())!;
        var certManager = plan.Get(ReleaseType, CertManager.ReleaseName);
        if (solver["dns01"] is { } dns01)
        {
            AssertCertManagerHasCloudIdentity(plan, certManager, stack);
            Assert.Contains(config.Gateway.Tls!.Acme!.Dns!.Zone, solver["selector"]!["dnsZones"]!.AsArray().Select(z => z!.GetValue<string>()));
            Assert.True(dns01.AsObject().Count == 1, $"{stack}: one DNS provider");
        }
        else
        {
            Assert.Equal(EnvoyGateway.GatewayName, solver["http01"]!["gatewayHTTPRoute"]!["parentRefs"]![0]!["name"]!.GetValue<string>());
            Assert.True(certManager.Inputs["values"]!["config"]!["enableGatewayAPI"]!.GetValue<bool>());
            Assert.Contains(plan.Get(ReleaseType, EnvoyGateway.ReleaseName).Urn, certManager.DependsOn);
        }
    }

    /// <summary>
    /// cert-manager writes challenge records as itself: its service account is annotated with a cloud identity
    /// (IRSA, Azure or GKE workload identity) or named by an EKS Pod Identity association.
    /// </summary>
    private static void AssertCertManagerHasCloudIdentity(PlanResult plan, PlannedResource certManager, string stack)
    {
        var annotations = certManager.Inputs["values"]?["serviceAccount"]?["annotations"]?.AsObject();
        var association = plan.OfType("aws:eks/podIdentityAssociation:PodIdentityAssociation").Any(a =>
            a.Inputs["namespace"]?.GetValue<string>() == "cert-manager" && a.Inputs["serviceAccount"]?.GetValue<string>() == CertManager.ServiceAccountName);
        Assert.True(annotations is { Count: > 0 } || association, $"{stack}: cert-manager solves DNS-01 without a cloud identity");
    }

    private static List<JsonNode> Listeners(PlannedResource gateway) =>
        [.. gateway.Inputs["spec"]!["listeners"]!.AsArray().Select(l => l!)];

    [Fact]
    public async Task Http01_starts_cert_manager_after_the_gateway_api_and_issues_through_the_gateway()
    {
        var config = Scenario.Existing();
        config["gateway"] = new { hostname = "models.example.com", tls = new { acme = new { email = "ops@example.com" } } };
        var plan = await Scenario.RunAsync(config);

        var certManager = plan.Get(ReleaseType, CertManager.ReleaseName);
        var gatewayRelease = plan.Get(ReleaseType, EnvoyGateway.ReleaseName);
        Assert.Contains(gatewayRelease.Urn, certManager.DependsOn);
        Assert.DoesNotContain(certManager.Urn, gatewayRelease.DependsOn);
        Assert.True(certManager.Inputs["values"]!["config"]!["enableGatewayAPI"]!.GetValue<bool>());

        var issuer = Assert.Single(plan.OfType(IssuerType));
        Assert.Equal("letsencrypt-staging", issuer.Inputs["metadata"]!["name"]!.GetValue<string>());
        Assert.Contains(certManager.Urn, issuer.DependsOn);
        var certificate = Assert.Single(plan.OfType(CertificateType));
        Assert.Contains(issuer.Urn, certificate.DependsOn);
        Assert.Equal(["models.example.com"], certificate.Inputs["spec"]!["dnsNames"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public async Task An_outside_issuer_keeps_cert_manager_first_and_creates_no_issuer()
    {
        var config = Scenario.Existing();
        config["gateway"] = new { hostname = "models.example.com", tls = new { clusterIssuer = "corp-ca" } };
        var plan = await Scenario.RunAsync(config);

        Assert.Empty(plan.OfType(IssuerType));
        var certManager = plan.Get(ReleaseType, CertManager.ReleaseName);
        Assert.DoesNotContain(plan.Get(ReleaseType, EnvoyGateway.ReleaseName).Urn, certManager.DependsOn);
        Assert.Null(certManager.Inputs["values"]!["config"]);
        Assert.Contains(certManager.Urn, Assert.Single(plan.OfType(CertificateType)).DependsOn);
    }
}
