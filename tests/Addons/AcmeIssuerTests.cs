using System.Collections.Immutable;
using MlPlatform.Components.Addons;
using MlPlatform.Tests.Support;
using Pulumi;
using Xunit;

namespace MlPlatform.Tests.Addons;

public class AcmeIssuerTests
{
    private const string Staging = "https://acme-staging-v02.api.letsencrypt.org/directory";

    private static AcmeIssuerArgs Args(AcmeChallengeSolver solver) => new()
    {
        Name = "letsencrypt-staging",
        Server = Staging,
        Email = "platform-team@example.com",
        Solver = solver,
    };

    private static readonly AcmeChallengeSolver Http01 = new(Gateway: ("platform-gateway", "envoy-gateway-system", "http"));

    private static readonly ImmutableDictionary<string, object> Route53 = ImmutableDictionary<string, object>.Empty
        .Add("route53", new Dictionary<string, object> { ["region"] = "us-east-1", ["hostedZoneID"] = "Z0123456789ABC" });

    [Fact]
    public void Http01_attaches_the_solver_route_to_the_gateway_http_listener()
    {
        var issuer = Json.Object("cert-manager.io/v1", "ClusterIssuer", "letsencrypt-staging", null, AcmeIssuer.Spec(Args(Http01), null));

        Assert.Empty(CrdSchema.Problems("cert-manager.io", "v1", "ClusterIssuer", issuer));
        var acme = issuer["spec"]!["acme"]!;
        Assert.Equal(Staging, acme["server"]!.GetValue<string>());
        Assert.Equal("platform-team@example.com", acme["email"]!.GetValue<string>());
        Assert.Equal("letsencrypt-staging-account-key", acme["privateKeySecretRef"]!["name"]!.GetValue<string>());
        var parent = Assert.Single(Assert.Single(acme["solvers"]!.AsArray())!["http01"]!["gatewayHTTPRoute"]!["parentRefs"]!.AsArray())!;
        Assert.Equal("Gateway", parent["kind"]!.GetValue<string>());
        Assert.Equal("platform-gateway", parent["name"]!.GetValue<string>());
        Assert.Equal("envoy-gateway-system", parent["namespace"]!.GetValue<string>());
        Assert.Equal("http", parent["sectionName"]!.GetValue<string>());
    }

    [Fact]
    public void Dns01_uses_the_cloud_provider_block_for_its_zone_only()
    {
        var args = Args(new AcmeChallengeSolver(DnsProvider: Output.Create(Route53), DnsZone: "ml.example.com"));
        var issuer = Json.Object("cert-manager.io/v1", "ClusterIssuer", "letsencrypt-staging", null, AcmeIssuer.Spec(args, Route53));

        Assert.Empty(CrdSchema.Problems("cert-manager.io", "v1", "ClusterIssuer", issuer));
        var solver = Assert.Single(issuer["spec"]!["acme"]!["solvers"]!.AsArray())!;
        Assert.Equal("Z0123456789ABC", solver["dns01"]!["route53"]!["hostedZoneID"]!.GetValue<string>());
        Assert.Equal(["ml.example.com"], solver["selector"]!["dnsZones"]!.AsArray().Select(z => z!.GetValue<string>()));
        Assert.Null(solver["http01"]);
    }

    [Fact]
    public async Task The_issuer_waits_for_cert_manager()
    {
        var recorder = new TransformationDependencyRecorder();
        var mocks = await ComponentTest.RunAsync(() =>
        {
            var release = new Pulumi.Kubernetes.Helm.V3.Release("cert-manager", new Pulumi.Kubernetes.Types.Inputs.Helm.V3.ReleaseArgs { Chart = "cert-manager" });
            var args = Args(Http01);
            _ = new AcmeIssuer("acme", new AcmeIssuerArgs { Name = args.Name, Server = args.Server, Email = args.Email, Solver = args.Solver, Ready = [release] }, recorder.Options());
        });
        await recorder.ResolveAsync();

        var issuer = Assert.Single(mocks.OfType("kubernetes:cert-manager.io/v1:ClusterIssuer"));
        Assert.Equal("letsencrypt-staging", Json.Of(issuer.Inputs)["metadata"]!["name"]!.GetValue<string>());
        Assert.True(recorder.DependsOn("kubernetes:cert-manager.io/v1:ClusterIssuer", "acme", "kubernetes:helm.sh/v3:Release", "cert-manager"));
    }

    [Fact]
    public void Needs_exactly_one_solver()
    {
        Assert.Throws<ArgumentException>(() => new AcmeIssuer("none", Args(new AcmeChallengeSolver())));
        Assert.Throws<ArgumentException>(() => new AcmeIssuer("both", Args(Http01 with { DnsProvider = Output.Create(Route53), DnsZone = "ml.example.com" })));
        Assert.Throws<ArgumentException>(() => new AcmeIssuer("zoneless", Args(new AcmeChallengeSolver(DnsProvider: Output.Create(Route53)))));
    }
}
