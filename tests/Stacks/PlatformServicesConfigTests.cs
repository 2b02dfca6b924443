using System.Text.Json;
using MlPlatform.Stacks.Configuration;
using Xunit;

namespace MlPlatform.Tests.Stacks;

public class PlatformServicesConfigTests
{
    private static PlatformConfig Read(string environment = "staging", params (string Key, object Value)[] settings)
    {
        var config = new Dictionary<string, string>
        {
            ["cloud"] = "existing",
            ["environment"] = environment,
        };
        foreach (var (key, value) in settings)
        {
            config[key] = value as string ?? JsonSerializer.Serialize(value);
        }

        return ConfigReader.Read(key => config.GetValueOrDefault(key));
    }

    private static IReadOnlyList<ConfigProblem> Problems(params (string Key, object Value)[] settings) =>
        Assert.Throws<ConfigValidationException>(() => Read("staging", settings)).Problems;

    [Fact]
    public void Policies_audit_outside_production_and_enforce_in_production_by_default()
    {
        Assert.Equal(PolicyMode.Audit, Read("staging").Policies.Mode);
        Assert.Equal(PolicyMode.Audit, Read("development").Policies.Mode);
        Assert.Equal(PolicyMode.Enforce, Read("production").Policies.Mode);
        Assert.Equal(PolicyConfig.DefaultAllowedRegistries, Read("production").Policies.AllowedRegistries);
    }

    [Fact]
    public void Policy_mode_and_registries_can_be_configured()
    {
        var policies = Read("production", ("policies", new { mode = "audit", allowedRegistries = new[] { "123456789012.dkr.ecr.us-east-1.amazonaws.com", "registry.example.com:5000", "docker.io", "quay.io" } })).Policies;

        Assert.Equal(PolicyMode.Audit, policies.Mode);
        Assert.Equal(["123456789012.dkr.ecr.us-east-1.amazonaws.com", "registry.example.com:5000", "docker.io", "quay.io"], policies.AllowedRegistries.ToArray());
    }

    [Fact]
    public void A_registry_list_must_keep_the_platforms_own_images_in_serving_and_workflows()
    {
        var problems = Problems(("policies", new { allowedRegistries = new[] { "123456789012.dkr.ecr.us-east-1.amazonaws.com" } }));

        Assert.Equal(2, problems.Count(p => p.Key == "mlplatform:policies.allowedRegistries"));
        Assert.Contains(problems, p => p.Message.Contains("'quay.io'", StringComparison.Ordinal) && p.Message.Contains("executor", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Message.Contains("'docker.io'", StringComparison.Ordinal) && p.Message.Contains("storage initializer", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_argo_workflows_and_kserve_any_registry_list_is_accepted()
    {
        var policies = Read("staging",
            ("addons", new { argoWorkflows = false, kserve = false, argoCd = false }),
            ("policies", new { allowedRegistries = new[] { "registry.example.com" } })).Policies;

        Assert.Equal(["registry.example.com"], policies.AllowedRegistries.ToArray());
    }

    [Fact]
    public void The_platform_registries_cover_every_catalog_image()
    {
        var all = new AddonsConfig();
        var required = ConfigReader.PlatformRegistries(all).Select(r => r.Registry).ToHashSet();

        Assert.All(MlPlatform.Components.Addons.ImageCatalog.All, image => Assert.Contains(image.Repository.Split('/')[0], required));
    }

    [Fact]
    public void Unknown_policy_mode_is_rejected()
    {
        var problem = Assert.Single(Problems(("policies", new { mode = "block" })));
        Assert.Equal("mlplatform:policies.mode", problem.Key);
    }

    [Fact]
    public void An_empty_registry_list_is_rejected()
    {
        var problem = Assert.Single(Problems(("policies", new { allowedRegistries = Array.Empty<string>() })));
        Assert.Equal("mlplatform:policies.allowedRegistries", problem.Key);
    }

    [Theory]
    [InlineData("https://ghcr.io")]
    [InlineData("ghcr.io/acme")]
    [InlineData("*.example.com")]
    [InlineData("GHCR.io")]
    public void Registry_entries_must_be_registry_hosts(string registry)
    {
        var problem = Assert.Single(Problems(("policies", new { allowedRegistries = new[] { "quay.io", registry } })));
        Assert.Equal("mlplatform:policies.allowedRegistries[1]", problem.Key);
    }

    [Fact]
    public void Exempt_namespaces_are_read_and_must_be_outside_the_platform()
    {
        Assert.Equal(["amazon-cloudwatch"], Read("staging", ("policies", new { exemptNamespaces = new[] { "amazon-cloudwatch" } })).Policies.ExemptNamespaces.ToArray());

        var problems = Problems(("policies", new { exemptNamespaces = new[] { "Bad_Name", "monitoring" } }));
        Assert.Equal(["mlplatform:policies.exemptNamespaces[0]", "mlplatform:policies.exemptNamespaces[1]"], problems.Select(p => p.Key));
    }

    [Fact]
    public void Policies_reject_unknown_keys()
    {
        var problem = Assert.Single(Problems(("policies", new { mode = "audit", enforceLimits = true })));
        Assert.Equal("mlplatform:policies.enforceLimits", problem.Key);
    }

    [Fact]
    public void Policies_without_kyverno_are_a_mistake()
    {
        var problem = Assert.Single(Problems(("addons", new { kyverno = false }), ("policies", new { mode = "audit" })));
        Assert.Equal("mlplatform:policies", problem.Key);
    }

    [Fact]
    public void Monitoring_defaults_grow_with_the_environment()
    {
        Assert.Equal(("2d", "10Gi"), (Read("development").Monitoring.Retention, Read("development").Monitoring.StorageSize));
        Assert.Equal(("7d", "50Gi"), (Read("staging").Monitoring.Retention, Read("staging").Monitoring.StorageSize));
        Assert.Equal(("30d", "200Gi"), (Read("production").Monitoring.Retention, Read("production").Monitoring.StorageSize));
    }

    [Fact]
    public void Monitoring_settings_are_read()
    {
        var monitoring = Read("staging", ("monitoring", new { retention = "720h", storageSize = "80Gi", storageClass = "gp3", grafanaHostname = "grafana.example.com" })).Monitoring;

        Assert.Equal("720h", monitoring.Retention);
        Assert.Equal("80Gi", monitoring.StorageSize);
        Assert.Equal("gp3", monitoring.StorageClass);
        Assert.Equal("grafana.example.com", monitoring.GrafanaHostname);
    }

    [Theory]
    [InlineData("15 days")]
    [InlineData("15")]
    [InlineData("1.5d")]
    public void Retention_must_be_a_prometheus_duration(string retention)
    {
        var problem = Assert.Single(Problems(("monitoring", new { retention })));
        Assert.Equal("mlplatform:monitoring.retention", problem.Key);
    }

    [Theory]
    [InlineData("lots")]
    [InlineData("0Gi")]
    [InlineData("-5Gi")]
    public void Storage_size_must_be_a_positive_quantity(string storageSize)
    {
        var problem = Assert.Single(Problems(("monitoring", new { storageSize })));
        Assert.Equal("mlplatform:monitoring.storageSize", problem.Key);
    }

    [Fact]
    public void Storage_class_must_be_a_valid_name()
    {
        var problem = Assert.Single(Problems(("monitoring", new { storageClass = "Fast_SSD" })));
        Assert.Equal("mlplatform:monitoring.storageClass", problem.Key);
    }

    [Theory]
    [InlineData("grafana")]
    [InlineData("https://grafana.example.com")]
    [InlineData("*.example.com")]
    public void Grafana_hostname_must_be_a_host_name(string host)
    {
        var problem = Assert.Single(Problems(("monitoring", new { grafanaHostname = host })));
        Assert.Equal("mlplatform:monitoring.grafanaHostname", problem.Key);
    }

    [Fact]
    public void Grafana_hostname_needs_the_gateway()
    {
        var problem = Assert.Single(Problems(("addons", new { gateway = false }), ("monitoring", new { grafanaHostname = "grafana.example.com" })));
        Assert.Equal("mlplatform:monitoring.grafanaHostname", problem.Key);
    }

    [Fact]
    public void Monitoring_rejects_unknown_keys_and_being_set_while_disabled()
    {
        var unknown = Assert.Single(Problems(("monitoring", new { retentionDays = 7 })));
        Assert.Equal("mlplatform:monitoring.retentionDays", unknown.Key);

        var disabled = Assert.Single(Problems(("addons", new { monitoring = false }), ("monitoring", new { retention = "7d" })));
        Assert.Equal("mlplatform:monitoring", disabled.Key);
    }

    [Fact]
    public void Gateway_defaults_to_plain_http_for_any_host()
    {
        var gateway = Read().Gateway;
        Assert.Null(gateway.Hostname);
        Assert.Null(gateway.Tls);
    }

    [Fact]
    public void Gateway_host_and_tls_are_read()
    {
        var gateway = Read("staging", ("gateway", new { hostname = "*.models.example.com", tls = new { clusterIssuer = "letsencrypt-prod" } })).Gateway;

        Assert.Equal("*.models.example.com", gateway.Hostname);
        Assert.Equal("letsencrypt-prod", gateway.Tls!.ClusterIssuer);
    }

    [Fact]
    public void Gateway_hostname_must_be_a_host_name()
    {
        var problem = Assert.Single(Problems(("gateway", new { hostname = "models_example" })));
        Assert.Equal("mlplatform:gateway.hostname", problem.Key);
    }

    [Fact]
    public void Tls_needs_a_host_name_and_cert_manager()
    {
        var problems = Problems(("addons", new { certManager = false, kserve = false }), ("gateway", new { tls = new { clusterIssuer = "letsencrypt" } }));

        Assert.Equal(["mlplatform:gateway.tls", "mlplatform:gateway.tls"], problems.Select(p => p.Key));
        Assert.Contains(problems, p => p.Message.Contains("hostname", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Message.Contains("certManager", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Let's Encrypt")]
    public void Tls_needs_a_valid_cluster_issuer(string? issuer)
    {
        var problem = Assert.Single(Problems(("gateway", new { hostname = "models.example.com", tls = new { clusterIssuer = issuer } })));
        Assert.Equal("mlplatform:gateway.tls.clusterIssuer", problem.Key);
    }

    [Fact]
    public void Gateway_and_tls_reject_unknown_keys()
    {
        var problems = Problems(("gateway", new { hostname = "models.example.com", port = 8443, tls = new { clusterIssuer = "le", secret = "x" } }));
        Assert.Equal(["mlplatform:gateway.port", "mlplatform:gateway.tls.secret"], problems.Select(p => p.Key));
    }

    [Fact]
    public void Gateway_settings_without_the_gateway_are_a_mistake()
    {
        var problem = Assert.Single(Problems(("addons", new { gateway = false }), ("gateway", new { hostname = "models.example.com" })));
        Assert.Equal("mlplatform:gateway", problem.Key);
    }

    [Fact]
    public void Grafana_must_be_under_the_gateway_listener_host()
    {
        var problem = Assert.Single(Problems(("gateway", new { hostname = "*.models.example.com" }), ("monitoring", new { grafanaHostname = "grafana.example.com" })));
        Assert.Equal("mlplatform:monitoring.grafanaHostname", problem.Key);

        Assert.Equal("grafana.models.example.com",
            Read("staging", ("gateway", new { hostname = "*.models.example.com" }), ("monitoring", new { grafanaHostname = "grafana.models.example.com" })).Monitoring.GrafanaHostname);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var problems = Problems(
            ("policies", new { mode = "block", allowedRegistries = new[] { "ghcr.io/x" } }),
            ("monitoring", new { retention = "forever" }),
            ("gateway", new { hostname = "bad_host" }));

        Assert.Equal(["mlplatform:policies.mode", "mlplatform:policies.allowedRegistries[0]", "mlplatform:monitoring.retention", "mlplatform:gateway.hostname"],
            problems.Select(p => p.Key));
    }
}
