using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlPlatform.Components.Addons;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Infra.Plan;
using MlPlatform.Stacks.Configuration;
using MlPlatform.Stacks.Shared;
using MlPlatform.Tests.Support;
using Pulumi;
using Xunit;

namespace MlPlatform.Tests.Stacks;

public class PlatformServicesLayerTests
{
    private const string Release = "kubernetes:helm.sh/v3:Release";

    private static readonly (string Name, string Chart, string Version, string? Repo, string Namespace)[] Releases =
    [
        ("cert-manager", "cert-manager", "v1.21.1", "https://charts.jetstack.io", "cert-manager"),
        ("envoy-gateway", "oci://docker.io/envoyproxy/gateway-helm", "v1.9.0", null, "envoy-gateway-system"),
        ("kube-prometheus-stack", "kube-prometheus-stack", "88.5.3", "https://prometheus-community.github.io/helm-charts", "monitoring"),
        ("gpu-operator", "gpu-operator", "v26.7.0", "https://helm.ngc.nvidia.com/nvidia", "gpu-operator"),
        ("external-secrets", "external-secrets", "2.9.0", "https://charts.external-secrets.io", "external-secrets"),
        ("kyverno", "kyverno", "3.9.0", "https://kyverno.github.io/kyverno/", "kyverno"),
        ("keda", "keda", "2.20.2", "https://kedacore.github.io/charts", "keda"),
        ("loki", "loki", "18.11.0", "https://grafana-community.github.io/helm-charts", "loki"),
        ("log-collector", "opentelemetry-collector", "0.170.0", "https://open-telemetry.github.io/opentelemetry-helm-charts", "log-collector"),
        ("tempo", "tempo", "2.2.4", "https://grafana-community.github.io/helm-charts", "tempo"),
        ("otel-collector", "opentelemetry-collector", "0.170.0", "https://open-telemetry.github.io/opentelemetry-helm-charts", "otel-collector"),
        ("tetragon", "tetragon", "1.7.0", "https://helm.cilium.io", "tetragon"),
    ];

    private static readonly string[] AddonTypes =
    [
        CertManager.TypeToken, EnvoyGateway.TypeToken, KubePrometheusStack.TypeToken, GpuOperator.TypeToken, ExternalSecrets.TypeToken, Kyverno.TypeToken,
        Keda.TypeToken,
    ];

    private static PlatformConfig Config(string environment = "staging", params (string Key, object Value)[] settings)
    {
        var config = new Dictionary<string, string> { ["cloud"] = "existing", ["environment"] = environment };
        foreach (var (key, value) in settings)
        {
            config[key] = value as string ?? JsonSerializer.Serialize(value);
        }

        return ConfigReader.Read(key => config.GetValueOrDefault(key));
    }

    private static async Task<(PlanMocks Mocks, TransformationDependencyRecorder Recorder, PlatformServices Services)> DeployAsync(PlatformConfig config, CloudIntegration? cloud = null)
    {
        cloud ??= CloudIntegration.None;
        var recorder = new TransformationDependencyRecorder();
        PlatformServices? services = null;
        var mocks = await ComponentTest.RunAsync(() =>
        {
            var options = recorder.Options();
            var tenancy = new Tenancy("tenancy", TenancyPlan.Build(config, cloud), options);
            services = PlatformServicesLayer.Deploy(config, tenancy, cloud, options);
        });
        await recorder.ResolveAsync();
        return (mocks, recorder, services!);
    }

    private static JsonObject Inputs(PlanResult plan, string type, string name) => plan.OfType(type).Single(r => r.Name == name).Inputs;

    [Fact]
    public async Task Staging_installs_each_pinned_chart_in_its_namespace()
    {
        var plan = await Scenario.StackFileAsync("staging");

        foreach (var (name, chart, version, repo, ns) in Releases)
        {
            var inputs = Inputs(plan, Release, name);
            Assert.Equal(chart, inputs["chart"]!.GetValue<string>());
            Assert.Equal(version, inputs["version"]!.GetValue<string>());
            Assert.Equal(repo, inputs["repositoryOpts"]?["repo"]?.GetValue<string>());
            Assert.Equal(ns, inputs["namespace"]!.GetValue<string>());
            Assert.False(inputs["createNamespace"]!.GetValue<bool>());
        }

        Assert.Equal("envoy-gateway-system/platform-gateway", plan.Outputs["gateway"]!.GetValue<string>());
        var report = PlanReport.Render(plan);
        Assert.Contains("cert-manager v1.21.1", report, StringComparison.Ordinal);
        Assert.Contains("kyverno 3.9.0", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_is_highly_available_and_enforces_policies()
    {
        var plan = await Scenario.StackFileAsync("production");

        Assert.Equal(2, Inputs(plan, Release, "cert-manager")["values"]!["replicaCount"]!.GetValue<long>());
        Assert.Equal(3, Inputs(plan, Release, "kyverno")["values"]!["admissionController"]!["replicas"]!.GetValue<long>());
        Assert.Equal(2, Inputs(plan, Release, "kube-prometheus-stack")["values"]!["prometheus"]!["prometheusSpec"]!["replicas"]!.GetValue<long>());
        Assert.Equal("30d", Inputs(plan, Release, "kube-prometheus-stack")["values"]!["prometheus"]!["prometheusSpec"]!["retention"]!.GetValue<string>());
        foreach (var policy in plan.OfType("kubernetes:kyverno.io/v1:ClusterPolicy").Where(p => p.Name != "kyverno-generate-default-deny"))
        {
            Assert.Contains(policy.Inputs["spec"]!["rules"]!.AsArray(), r => r!["validate"]!["failureAction"]!.GetValue<string>() == "Enforce");
        }
    }

    [Fact]
    public async Task Staging_only_audits()
    {
        var plan = await Scenario.StackFileAsync("staging");

        foreach (var policy in plan.OfType("kubernetes:kyverno.io/v1:ClusterPolicy").Where(p => p.Name != "kyverno-generate-default-deny"))
        {
            Assert.All(policy.Inputs["spec"]!["rules"]!.AsArray(), r => Assert.Equal("Audit", r!["validate"]!["failureAction"]!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task Disabled_add_ons_register_nothing()
    {
        var config = Config("staging", ("addons", new
        {
            certManager = false,
            gateway = false,
            monitoring = false,
            gpuOperator = false,
            kyverno = false,
            externalSecrets = false,
            kserve = false,
            mlflow = false,
            argoWorkflows = false,
            argoCd = false,
            keda = false,
            logging = false,
            tracing = false,
            runtimeSecurity = false,
        }));

        var (mocks, _, services) = await DeployAsync(config);

        foreach (var type in AddonTypes)
        {
            Assert.Empty(mocks.OfType(type));
        }

        Assert.Empty(mocks.OfType(Release));
        string[] addonGroups = ["kubernetes:gateway.", "kubernetes:kyverno.io/", "kubernetes:monitoring.coreos.com/", "kubernetes:external-secrets.io/", "kubernetes:cert-manager.io/"];
        Assert.DoesNotContain(mocks.Registrations, r => addonGroups.Any(g => r.Type!.StartsWith(g, StringComparison.Ordinal)));
        Assert.Empty(mocks.OfType("kubernetes:core/v1:ConfigMap"));
        Assert.Empty(mocks.OfType("kubernetes:core/v1:Secret"));
        Assert.Empty(mocks.OfType("random:index/randomPassword:RandomPassword"));
        Assert.Equal(new PlatformServices(), services);
    }

    [Theory]
    [InlineData("certManager", CertManager.TypeToken, "cert-manager")]
    [InlineData("gateway", EnvoyGateway.TypeToken, "envoy-gateway")]
    [InlineData("monitoring", KubePrometheusStack.TypeToken, "kube-prometheus-stack")]
    [InlineData("gpuOperator", GpuOperator.TypeToken, "gpu-operator")]
    [InlineData("externalSecrets", ExternalSecrets.TypeToken, "external-secrets")]
    [InlineData("kyverno", Kyverno.TypeToken, "kyverno")]
    [InlineData("keda", Keda.TypeToken, "keda")]
    public async Task Switching_one_add_on_off_removes_exactly_its_resources(string flag, string type, string release)
    {
        var addons = new Dictionary<string, bool> { [flag] = false };
        if (flag == "certManager")
        {
            addons["kserve"] = false;
        }

        var (mocks, _, _) = await DeployAsync(Config("staging", ("addons", addons)));

        Assert.Empty(mocks.OfType(type));
        Assert.DoesNotContain(mocks.OfType(Release), r => r.Name == release);
        Assert.Equal(AddonTypes.Length - 1, AddonTypes.Count(t => mocks.OfType(t).Count == 1));
    }

    [Fact]
    public async Task Every_release_waits_for_its_namespace_guard_rails()
    {
        var (mocks, recorder, _) = await DeployAsync(Config());

        foreach (var (name, _, _, _, ns) in Releases)
        {
            Assert.True(recorder.DependsOn(Release, name, PlatformNamespace.TypeToken, ns), $"{name} must wait for namespace {ns}");
        }

        // And Kueue's, which is placed by the Kueue layer (tests/Stacks/KueueStackTests).
        Assert.Equal(Releases.Length + 1, mocks.OfType(Release).Count);
    }

    [Fact]
    public async Task Platform_controllers_run_in_the_system_critical_tier_once_it_exists()
    {
        var (mocks, recorder, _) = await DeployAsync(Config());
        JsonNode Values(string release) => Json.Of(mocks.OfType(Release).Single(r => r.Name == release).Inputs)["values"]!;

        Assert.Equal("system-critical", Values("cert-manager")["global"]!["priorityClassName"]!.GetValue<string>());
        Assert.Equal("system-critical", Values("kyverno")["global"]!["priorityClassName"]!.GetValue<string>());
        Assert.Equal("system-critical", Values("envoy-gateway")["deployment"]!["priorityClassName"]!.GetValue<string>());
        Assert.Equal("system-critical", Values("kube-prometheus-stack")["prometheus"]!["prometheusSpec"]!["priorityClassName"]!.GetValue<string>());
        Assert.Equal("system-critical", Values("kube-prometheus-stack")["alertmanager"]!["alertmanagerSpec"]!["priorityClassName"]!.GetValue<string>());
        foreach (var component in new[] { Values("external-secrets"), Values("external-secrets")["webhook"]!, Values("external-secrets")["certController"]! })
        {
            Assert.Equal("system-critical", component["priorityClassName"]!.GetValue<string>());
        }

        foreach (var (name, _, _, _, _) in Releases)
        {
            Assert.True(recorder.DependsOn(Release, name, PriorityClasses.TypeToken, "priority-classes"), $"{name} must wait for the PriorityClasses");
        }
    }

    [Fact]
    public async Task Certificates_wait_for_cert_manager_and_grafana_for_the_gateway()
    {
        var config = Config("staging",
            ("gateway", new { hostname = "*.example.com", tls = new { clusterIssuer = "letsencrypt" } }),
            ("monitoring", new { grafanaHostname = "grafana.example.com" }));

        var (mocks, recorder, _) = await DeployAsync(config);

        Assert.True(recorder.DependsOn("kubernetes:cert-manager.io/v1:Certificate", "envoy-gateway-certificate", Release, "cert-manager"));
        Assert.True(recorder.DependsOn(Release, "kube-prometheus-stack", "kubernetes:gateway.networking.k8s.io/v1:Gateway", "envoy-gateway-gateway"));
        var gateway = Json.Of(mocks.OfType("kubernetes:gateway.networking.k8s.io/v1:Gateway").Single().Inputs);
        var https = gateway["spec"]!["listeners"]!.AsArray().Single(l => l!["name"]!.GetValue<string>() == "https")!;
        var roles = https["allowedRoutes"]!["namespaces"]!["selector"]!["matchExpressions"]![0]!["values"]!.AsArray().Select(v => v!.GetValue<string>());
        Assert.Equal(["serving", "monitoring"], roles);
    }

    [Fact]
    public async Task Kyverno_policies_come_after_every_other_release_and_monitors_after_the_monitoring_crds()
    {
        var (mocks, recorder, _) = await DeployAsync(Config());

        foreach (var policy in mocks.OfType("kubernetes:kyverno.io/v1:ClusterPolicy"))
        {
            foreach (var (name, _, _, _, _) in Releases)
            {
                Assert.True(recorder.DependsOn(policy.Type!, policy.Name!, Release, name), $"{policy.Name} must wait for {name}");
            }
        }

        foreach (var monitor in mocks.OfType("kubernetes:monitoring.coreos.com/v1:ServiceMonitor"))
        {
            Assert.True(recorder.DependsOn(monitor.Type!, monitor.Name!, Release, "kube-prometheus-stack"));
        }

        Assert.True(recorder.DependsOn("kubernetes:gateway.networking.k8s.io/v1:Gateway", "envoy-gateway-gateway", Release, "envoy-gateway"));

        // Nothing of the layer waits for Kyverno: the policies come last.
        Assert.False(recorder.DependsOn(Release, "cert-manager", Release, "kyverno"));
        Assert.False(recorder.DependsOn(Release, "kube-prometheus-stack", Release, "kyverno"));
    }

    [Fact]
    public async Task Monitoring_follows_the_enabled_add_ons()
    {
        var (all, _, _) = await DeployAsync(Config());
        var monitors = all.OfType("kubernetes:monitoring.coreos.com/v1:ServiceMonitor").Select(m => Json.Of(m.Inputs)["metadata"]!["name"]!.GetValue<string>()).Order();
        Assert.Equal(["argo-workflows-controller", "cert-manager", "dcgm-exporter", "inference-services", "kserve-controller", "mlflow", "tetragon"], monitors);
        Assert.Equal(8, all.OfType("kubernetes:monitoring.coreos.com/v1:PrometheusRule").Count);

        // Kyverno's decisions are scraped from its pods and enforce-mode denials alerted on.
        Assert.Contains(all.OfType("kubernetes:monitoring.coreos.com/v1:PodMonitor"), m => Json.Of(m.Inputs)["metadata"]!["name"]!.GetValue<string>() == "kyverno");
        Assert.Contains(all.OfType("kubernetes:monitoring.coreos.com/v1:PrometheusRule"), r => Json.Of(r.Inputs)["metadata"]!["name"]!.GetValue<string>() == "mlplatform-policies");

        var (some, _, _) = await DeployAsync(Config("staging", ("addons", new { gpuOperator = false, mlflow = false, argoWorkflows = false })));
        var remaining = some.OfType("kubernetes:monitoring.coreos.com/v1:ServiceMonitor").Select(m => Json.Of(m.Inputs)["metadata"]!["name"]!.GetValue<string>()).Order();
        Assert.Equal(["cert-manager", "inference-services", "kserve-controller", "tetragon"], remaining);
        Assert.Equal(5, some.OfType("kubernetes:monitoring.coreos.com/v1:PrometheusRule").Count);
    }

    [Fact]
    public async Task Cloud_identities_driver_image_and_secret_store_flow_into_the_add_ons()
    {
        var cloud = new CloudIntegration
        {
            NodeImageHasGpuDriver = true,
            SecretStore = new SecretStoreBackend("aws-secrets-manager", ImmutableDictionary<string, Input<string>>.Empty.Add("region", "eu-west-1")),
            ServiceAccountAnnotations = ImmutableDictionary<string, InputMap<string>>.Empty.Add(
                "external-secrets/external-secrets",
                new InputMap<string> { ["eks.amazonaws.com/role-arn"] = "arn:aws:iam::123456789012:role/mlplatform-external-secrets" }),
        };

        var (mocks, recorder, services) = await DeployAsync(Config("production"), cloud);

        var eso = Json.Of(mocks.OfType(Release).Single(r => r.Name == "external-secrets").Inputs);
        Assert.Equal("arn:aws:iam::123456789012:role/mlplatform-external-secrets",
            eso["values"]!["serviceAccount"]!["annotations"]!["eks.amazonaws.com/role-arn"]!.GetValue<string>());
        Assert.Equal("external-secrets", eso["values"]!["serviceAccount"]!["name"]!.GetValue<string>());

        var gpu = Json.Of(mocks.OfType(Release).Single(r => r.Name == "gpu-operator").Inputs);
        Assert.False(gpu["values"]!["driver"]!["enabled"]!.GetValue<bool>());
        Assert.False(gpu["values"]!["toolkit"]!["enabled"]!.GetValue<bool>());
        Assert.True(gpu["values"]!["dcgmExporter"]!["enabled"]!.GetValue<bool>());

        var store = Json.Of(Assert.Single(mocks.OfType("kubernetes:external-secrets.io/v1:ClusterSecretStore")).Inputs);
        Assert.Empty(CrdSchema.Problems("external-secrets.io", "v1", "ClusterSecretStore", store));
        Assert.Equal("eu-west-1", store["spec"]!["provider"]!["aws"]!["region"]!.GetValue<string>());
        Assert.Equal("cloud-secrets", services.SecretStore!.Name);
        Assert.NotNull(services.CertManager);
        Assert.NotNull(services.Monitoring);
        Assert.NotNull(services.Kyverno);
        Assert.Equal(("platform-gateway", "envoy-gateway-system"), (services.Gateway!.Name, services.Gateway.Namespace));
        Assert.True(recorder.DependsOn("kubernetes:external-secrets.io/v1:ClusterSecretStore", "external-secrets-store", Release, "external-secrets"));
    }

    [Fact]
    public async Task Without_a_cloud_secret_service_there_is_no_store()
    {
        var (mocks, _, services) = await DeployAsync(Config());

        Assert.Empty(mocks.OfType("kubernetes:external-secrets.io/v1:ClusterSecretStore"));
        Assert.Null(services.SecretStore);
        var gpu = Json.Of(mocks.OfType(Release).Single(r => r.Name == "gpu-operator").Inputs);
        Assert.True(gpu["values"]!["driver"]!["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public void Registry_restriction_spares_only_the_namespaces_that_run_pinned_charts()
    {
        var policies = PlatformServicesLayer.Policies(Config("production"));

        Assert.Contains("monitoring", policies.PinnedChartNamespaces);
        Assert.Contains("kserve", policies.PinnedChartNamespaces);
        Assert.DoesNotContain("serving", policies.PinnedChartNamespaces);
        Assert.DoesNotContain("argo", policies.PinnedChartNamespaces);
        Assert.DoesNotContain("team-research", policies.PinnedChartNamespaces);
        Assert.True(policies.Enforce);
    }

    [Fact]
    public async Task Enforced_limits_cannot_block_chart_pods_because_every_covered_namespace_has_default_limits()
    {
        var plan = await Scenario.StackFileAsync("production");
        var exempt = PlatformServicesLayer.Policies(Config("production")).SystemNamespaces;

        foreach (var ns in plan.OfType("kubernetes:core/v1:Namespace").Select(n => n.Inputs["metadata"]!["name"]!.GetValue<string>()).Where(n => !exempt.Contains(n)))
        {
            var limits = plan.OfType("kubernetes:core/v1:LimitRange").Single(l => l.Inputs["metadata"]!["namespace"]!.GetValue<string>() == ns)
                .Inputs["spec"]!["limits"]![0]!["default"]!;
            Assert.False(string.IsNullOrEmpty(limits["cpu"]?.GetValue<string>()), $"{ns} has no default CPU limit");
            Assert.False(string.IsNullOrEmpty(limits["memory"]?.GetValue<string>()), $"{ns} has no default memory limit");
        }
    }

    [Fact]
    public void Exempt_namespaces_join_the_system_namespaces_of_every_policy()
    {
        var policies = PlatformServicesLayer.Policies(Config("production", ("policies", new { exemptNamespaces = new[] { "amazon-cloudwatch" } })));

        Assert.Equal(["kube-system", "kube-public", "kube-node-lease", "amazon-cloudwatch"], policies.SystemNamespaces.ToArray());
        var generate = Json.Of(policies.GenerateDefaultDeny().Spec)["rules"]![0]!["exclude"]!["any"]![0]!["resources"]!["names"]!.AsArray();
        Assert.Contains(generate, n => n!.GetValue<string>() == "amazon-cloudwatch");
    }
}
