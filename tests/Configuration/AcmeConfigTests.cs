using MlPlatform.Stacks.Configuration;
using Xunit;

namespace MlPlatform.Tests.Configuration;

/// <summary>The platform's ACME issuer (<c>mlplatform:gateway.tls.acme</c>): defaults, solvers and the per-cloud zone keys.</summary>
public class AcmeConfigTests
{
    private static ConfigFixture Gateway(string cloud, string environment, string hostname, object acme) =>
        ForCloud(cloud, environment).Set("gateway", new { hostname, tls = new { acme } });

    private static ConfigFixture ForCloud(string cloud, string environment = "staging") => cloud switch
    {
        "aws" => ConfigFixture.Valid("aws", environment).Set("region", "us-east-1")
            .Set("aws", new { adminRoleArns = new[] { "arn:aws:iam::123456789012:role/platform-admin" } }),
        "azure" => ConfigFixture.Valid("azure", environment).Set("region", "eastus2")
            .Set("azure", new { adminGroupObjectIds = new[] { "5f0c2b7e-8a41-4d3c-9e6f-1b2a3c4d5e6f" } })
            .Set("nodePools", new[] { new { name = "platform", role = "cpu", min = 1, max = 3 } }),
        "gcp" => ConfigFixture.Valid("gcp", environment).Set("region", "europe-west4").Set("gcp", new { projectId = "acme-ml" }),
        _ => ConfigFixture.Valid(cloud, environment),
    };

    [Theory]
    [InlineData("staging", AcmeServer.Staging, "letsencrypt-staging", "https://acme-staging-v02.api.letsencrypt.org/directory")]
    [InlineData("production", AcmeServer.Production, "letsencrypt-production", "https://acme-v02.api.letsencrypt.org/directory")]
    public void The_directory_follows_the_environment_by_default(string environment, AcmeServer server, string issuer, string url)
    {
        var tls = Gateway("existing", environment, "models.example.com", new { email = "ops@example.com" }).Read().Gateway.Tls!;

        Assert.Equal(issuer, tls.ClusterIssuer);
        Assert.Equal(server, tls.Acme!.Server);
        Assert.Equal(url, tls.Acme.DirectoryUrl);
        Assert.Equal(AcmeSolver.Http01, tls.Acme.Solver);
        Assert.Null(tls.Acme.Dns);
    }

    [Fact]
    public void Staging_may_use_the_production_directory()
    {
        var acme = Gateway("existing", "staging", "models.example.com", new { email = "ops@example.com", server = "production" }).Read().Gateway.Tls!.Acme!;
        Assert.Equal(AcmeServer.Production, acme.Server);
    }

    [Fact]
    public void Http01_cannot_validate_a_wildcard()
    {
        var problem = Assert.Single(Gateway("existing", "staging", "*.example.com", new { email = "ops@example.com" }).Problems());
        Assert.Equal("mlplatform:gateway.tls.acme.solver", problem.Key);
    }

    [Fact]
    public void Email_is_required_and_checked()
    {
        Assert.Equal("mlplatform:gateway.tls.acme.email",
            Assert.Single(Gateway("existing", "staging", "models.example.com", new { server = "staging" }).Problems()).Key);
        Assert.Equal("mlplatform:gateway.tls.acme.email",
            Assert.Single(Gateway("existing", "staging", "models.example.com", new { email = "ops" }).Problems()).Key);
    }

    [Fact]
    public void An_outside_issuer_and_acme_exclude_each_other()
    {
        var problem = Assert.Single(ForCloud("existing").Set("gateway", new
        {
            hostname = "models.example.com",
            tls = new { clusterIssuer = "corp-ca", acme = new { email = "ops@example.com" } },
        }).Problems());
        Assert.Equal("mlplatform:gateway.tls.acme", problem.Key);
    }

    [Fact]
    public void Unknown_values_and_keys_are_refused()
    {
        var problems = Gateway("existing", "staging", "models.example.com", new { email = "ops@example.com", server = "beta", solver = "tls-alpn", account = "x" }).Problems();
        Assert.Equal(
            ["mlplatform:gateway.tls.acme.account", "mlplatform:gateway.tls.acme.server", "mlplatform:gateway.tls.acme.solver"],
            problems.Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Dns01_needs_a_cloud()
    {
        var problems = Gateway("existing", "staging", "*.ml.example.com", new { email = "ops@example.com", solver = "dns01", dns = new { zone = "ml.example.com" } }).Problems();
        Assert.Equal("mlplatform:gateway.tls.acme.solver", Assert.Single(problems).Key);
    }

    [Theory]
    [InlineData("aws", "hostedZoneId", "Z0123456789ABCDEFGHIJ")]
    [InlineData("azure", "resourceGroup", "rg-dns")]
    [InlineData("gcp", "managedZone", "ml-example-com")]
    public void Dns01_reads_the_zone_id_of_its_cloud(string cloud, string key, string id)
    {
        var dns = new Dictionary<string, string> { ["zone"] = "ml.example.com", [key] = id };
        var acme = Gateway(cloud, "production", "*.ml.example.com", new { email = "ops@example.com", solver = "dns01", dns }).Read().Gateway.Tls!.Acme!;

        Assert.Equal(AcmeSolver.Dns01, acme.Solver);
        Assert.Equal("ml.example.com", acme.Dns!.Zone);
        Assert.Equal(id, key switch { "hostedZoneId" => acme.Dns.HostedZoneId, "resourceGroup" => acme.Dns.ResourceGroup, _ => acme.Dns.ManagedZone });
    }

    [Theory]
    [InlineData("aws", "hostedZoneId")]
    [InlineData("azure", "resourceGroup")]
    [InlineData("gcp", "managedZone")]
    public void Dns01_requires_its_cloud_zone_id_and_refuses_the_others(string cloud, string required)
    {
        var dns = new Dictionary<string, string> { ["zone"] = "ml.example.com", ["hostedZoneId"] = "Z0123", ["resourceGroup"] = "rg", ["managedZone"] = "mz" };
        dns.Remove(required);
        var keys = Gateway(cloud, "staging", "*.ml.example.com", new { email = "ops@example.com", solver = "dns01", dns }).Problems()
            .Select(p => p.Key).Order(StringComparer.Ordinal).ToArray();

        string[] expected = [.. new[] { "hostedZoneId", "managedZone", "resourceGroup" }.Select(k => $"mlplatform:gateway.tls.acme.dns.{k}")];
        Assert.Equal(expected, keys);
    }

    [Fact]
    public void Dns01_zone_must_hold_the_gateway_host()
    {
        var dns = new { zone = "other.example.com", hostedZoneId = "Z0123" };
        var problem = Assert.Single(Gateway("aws", "staging", "*.ml.example.com", new { email = "ops@example.com", solver = "dns01", dns }).Problems());
        Assert.Equal("mlplatform:gateway.tls.acme.dns.zone", problem.Key);
    }

    [Fact]
    public void Dns01_ids_are_checked()
    {
        var dns = new { zone = "ml.example.com", hostedZoneId = "not-a-zone" };
        var problem = Assert.Single(Gateway("aws", "staging", "*.ml.example.com", new { email = "ops@example.com", solver = "dns01", dns }).Problems());
        Assert.Equal("mlplatform:gateway.tls.acme.dns.hostedZoneId", problem.Key);
    }
}
