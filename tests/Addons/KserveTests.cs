using System.Collections.Immutable;
using System.Text.Json.Nodes;
using MlPlatform.Components.Addons;
using MlPlatform.Tests.Support;
using Pulumi;
using Pulumi.Kubernetes.Types.Inputs.Core.V1;
using Pulumi.Kubernetes.Types.Inputs.Meta.V1;
using Xunit;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Tests.Addons;

public class KserveTests
{
    private static readonly InferenceModel Sample = new()
    {
        Name = "sample-llm",
        Model = "Qwen/Qwen2.5-0.5B-Instruct",
        Gpus = 2,
        Placement = new GpuPlacement(ImmutableDictionary<string, string>.Empty.Add("mlplatform.io/workload", "inference")),
    };

    [Fact]
    public void Resources_values_select_standard_mode_and_exist_in_the_chart()
    {
        var values = DependencyRecorder.Json(Kserve.ResourcesValues(new GatewayRef("platform", "envoy-gateway-system")));

        Assert.Equal("Standard", values["kserve"]!["controller"]!["deploymentMode"]!.GetValue<string>());
        Assert.Empty(ChartValues.UnknownKeys("kserve-resources", "v0.20.0", values));
    }

    [Fact]
    public void With_a_gateway_routes_go_through_the_gateway_api_and_no_istio()
    {
        var gateway = DependencyRecorder.Json(Kserve.ResourcesValues(new GatewayRef("platform", "envoy-gateway-system")))["kserve"]!["controller"]!["gateway"]!;

        Assert.True(gateway["ingressGateway"]!["enableGatewayApi"]!.GetValue<bool>());
        Assert.Equal("envoy-gateway-system/platform", gateway["ingressGateway"]!["kserveGateway"]!.GetValue<string>());
        Assert.False(gateway["ingressGateway"]!["createGateway"]!.GetValue<bool>());
        Assert.True(gateway["disableIstioVirtualHost"]!.GetValue<bool>());
        Assert.False(gateway["disableIngressCreation"]!.GetValue<bool>());
    }

    [Fact]
    public void Inference_host_names_use_the_gateway_domain()
    {
        var values = DependencyRecorder.Json(Kserve.ResourcesValues(new GatewayRef("platform", "envoy-gateway-system", "models.example.org")));

        Assert.Equal("models.example.org", values["kserve"]!["controller"]!["gateway"]!["domain"]!.GetValue<string>());
        Assert.Empty(ChartValues.UnknownKeys("kserve-resources", "v0.20.0", values));
    }

    [Fact]
    public void Behind_an_https_gateway_inference_urls_say_https()
    {
        var https = DependencyRecorder.Json(Kserve.ResourcesValues(new GatewayRef("platform", "envoy-gateway-system", "models.example.org", Https: true)));
        var plain = DependencyRecorder.Json(Kserve.ResourcesValues(new GatewayRef("platform", "envoy-gateway-system", "models.example.org")));

        Assert.Equal("https", https["kserve"]!["controller"]!["gateway"]!["urlScheme"]!.GetValue<string>());
        Assert.Null(plain["kserve"]!["controller"]!["gateway"]!["urlScheme"]);
        Assert.Empty(ChartValues.UnknownKeys("kserve-resources", "v0.20.0", https));
    }

    [Fact]
    public void Without_a_gateway_no_ingress_objects_are_created()
    {
        var values = DependencyRecorder.Json(Kserve.ResourcesValues(null));
        var gateway = values["kserve"]!["controller"]!["gateway"]!;

        Assert.True(gateway["disableIngressCreation"]!.GetValue<bool>());
        Assert.Null(gateway["ingressGateway"]);
        Assert.Empty(ChartValues.UnknownKeys("kserve-resources", "v0.20.0", values));
    }

    [Fact]
    public void Sample_inference_service_is_valid_against_the_crd()
    {
        var problems = CrdSchema.Problems("serving.kserve.io", "v1beta1", "InferenceService", InferenceService(Sample));

        Assert.Empty(problems);
    }

    [Fact]
    public void Sample_runs_on_the_gpu_pool_without_api_token_at_interactive_priority()
    {
        var predictor = DependencyRecorder.Json(VllmInferenceService.Spec(Sample))["predictor"]!;
        var container = predictor["containers"]![0]!;

        Assert.Equal("inference", predictor["serviceAccountName"]!.GetValue<string>());
        Assert.False(predictor["automountServiceAccountToken"]!.GetValue<bool>());
        Assert.Equal("interactive", predictor["priorityClassName"]!.GetValue<string>());
        Assert.Equal("inference", predictor["nodeSelector"]!["mlplatform.io/workload"]!.GetValue<string>());
        var toleration = Assert.Single(predictor["tolerations"]!.AsArray())!;
        Assert.Equal("nvidia.com/gpu", toleration["key"]!.GetValue<string>());
        Assert.Equal("NoSchedule", toleration["effect"]!.GetValue<string>());
        Assert.Equal("2", container["resources"]!["requests"]!["nvidia.com/gpu"]!.GetValue<string>());
        Assert.Equal("2", container["resources"]!["limits"]!["nvidia.com/gpu"]!.GetValue<string>());
        Assert.Equal(ImageCatalog.Vllm.Reference, container["image"]!.GetValue<string>());
        Assert.Equal("hf://Qwen/Qwen2.5-0.5B-Instruct", StorageUri(container));
    }

    [Fact]
    public void Sample_waits_for_the_model_before_taking_traffic()
    {
        var container = DependencyRecorder.Json(VllmInferenceService.Spec(Sample))["predictor"]!["containers"]![0]!;

        Assert.Equal("/health", container["readinessProbe"]!["httpGet"]!["path"]!.GetValue<string>());
        Assert.Equal(VllmInferenceService.Port, container["readinessProbe"]!["httpGet"]!["port"]!.GetValue<int>());

        // The startup probe covers the download and load: at least 15 minutes before liveness may restart it.
        var startup = container["startupProbe"]!;
        Assert.True(startup["periodSeconds"]!.GetValue<int>() * startup["failureThreshold"]!.GetValue<int>() >= 900);
    }

    [Fact]
    public void Sample_is_pod_security_restricted()
    {
        var predictor = DependencyRecorder.Json(VllmInferenceService.Spec(Sample))["predictor"]!;
        var pod = predictor["securityContext"]!;
        var container = predictor["containers"]![0]!["securityContext"]!;

        Assert.True(pod["runAsNonRoot"]!.GetValue<bool>());
        Assert.Equal("RuntimeDefault", pod["seccompProfile"]!["type"]!.GetValue<string>());
        Assert.False(container["allowPrivilegeEscalation"]!.GetValue<bool>());
        Assert.Equal(["ALL"], container["capabilities"]!["drop"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.True(container["runAsNonRoot"]!.GetValue<bool>());
    }

    [Fact]
    public void Canary_gets_its_share_of_traffic_in_standard_mode()
    {
        var model = Sample with { CanaryModel = "Qwen/Qwen2.5-1.5B-Instruct", CanaryTrafficPercent = 10 };
        var spec = DependencyRecorder.Json(VllmInferenceService.Spec(model));

        var canary = Assert.Single(spec["canary"]!.AsArray())!;
        Assert.Equal(10, canary["trafficPercent"]!.GetValue<int>());
        Assert.Equal("canary", canary["predictor"]!["name"]!.GetValue<string>());
        Assert.Equal("hf://Qwen/Qwen2.5-1.5B-Instruct", StorageUri(canary["predictor"]!["containers"]![0]!));
        Assert.Empty(CrdSchema.Problems("serving.kserve.io", "v1beta1", "InferenceService", InferenceService(model)));
    }

    [Fact]
    public void Canary_passes_the_kserve_webhook_rules()
    {
        // KServe v0.20 (inference_service_validation.go validateCanarySpecs) rejects a canary unless the stable
        // predictor names its model (STORAGE_URI for a custom container) and the canary sets no replica bounds or
        // autoscaling, and a distinct non-empty name.
        var model = Sample with { CanaryModel = "Qwen/Qwen2.5-1.5B-Instruct", CanaryTrafficPercent = 10 };
        var spec = DependencyRecorder.Json(VllmInferenceService.Spec(model));
        var canary = spec["canary"]![0]!["predictor"]!.AsObject();

        Assert.Equal("hf://Qwen/Qwen2.5-0.5B-Instruct", StorageUri(spec["predictor"]!["containers"]![0]!));
        Assert.Null(spec["predictor"]!["name"]);
        foreach (var forbidden in new[] { "maxReplicas", "minReplicas", "scaleTarget", "scaleMetric", "autoScaling", "workerSpec" })
        {
            Assert.False(canary.ContainsKey(forbidden), forbidden);
        }
    }

    [Fact]
    public void Server_loads_the_model_the_storage_initializer_downloaded()
    {
        var container = DependencyRecorder.Json(VllmInferenceService.Spec(Sample))["predictor"]!["containers"]![0]!;
        var args = container["args"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();

        Assert.Equal("kserve-container", container["name"]!.GetValue<string>());
        Assert.Equal(VllmInferenceService.ModelMountPath, args[args.IndexOf("--model") + 1]);
        Assert.Equal("sample-llm", args[args.IndexOf("--served-model-name") + 1]);
    }

    private static string? StorageUri(JsonNode container) => container["env"]!.AsArray()
        .FirstOrDefault(e => e!["name"]!.GetValue<string>() == VllmInferenceService.StorageUriVariable)?["value"]!.GetValue<string>();

    [Fact]
    public void No_canary_without_a_canary_model()
    {
        Assert.Null(DependencyRecorder.Json(VllmInferenceService.Spec(Sample))["canary"]);
    }

    [Fact]
    public async Task With_a_gateway_the_controller_waits_for_the_gateway_api()
    {
        var (_, graph) = await DependencyRecorder.RunAsync(() =>
        {
            var ns = new K8s.Core.V1.Namespace("kserve", new NamespaceArgs { Metadata = new ObjectMetaArgs { Name = "kserve" } });
            var gatewayRelease = HelmReleases.Create("envoy-gateway", VersionCatalog.EnvoyGateway, "envoy-gateway-system", new InputMap<object>(), new CustomResourceOptions());
            _ = new Kserve("kserve", new KserveArgs
            {
                Namespace = "kserve",
                NamespaceReady = ns,
                Gateway = new GatewayRef("platform-gateway", "envoy-gateway-system"),
                GatewayReady = gatewayRelease,
            });
        });

        Assert.True(graph.DependsOn(Types.Release, "kserve-resources", Types.Release, "envoy-gateway"));
        Assert.False(graph.DependsOn(Types.Release, "kserve-crd", Types.Release, "envoy-gateway"));
    }

    [Fact]
    public async Task Installs_crds_then_controller_after_cert_manager()
    {
        var (mocks, graph) = await DependencyRecorder.RunAsync(() =>
        {
            var ns = new K8s.Core.V1.Namespace("kserve", new NamespaceArgs { Metadata = new ObjectMetaArgs { Name = "kserve" } });
            var certManager = HelmReleases.Create("cert-manager", VersionCatalog.CertManager, "cert-manager", new InputMap<object>(), new CustomResourceOptions());
            _ = new Kserve("kserve", new KserveArgs
            {
                Namespace = "kserve",
                NamespaceReady = ns,
                CertManager = certManager,
            });
        });

        Assert.True(graph.DependsOn(Types.Release, "kserve-crd", Types.Namespace, "kserve"));
        Assert.True(graph.DependsOn(Types.Release, "kserve-resources", Types.Release, "kserve-crd"));
        Assert.True(graph.DependsOn(Types.Release, "kserve-resources", Types.Release, "cert-manager"));
        Assert.Empty(mocks.OfType(Types.InferenceService));
    }

    [Fact]
    public async Task Releases_use_the_pinned_charts_in_the_kserve_namespace()
    {
        var mocks = await ComponentTest.RunAsync(() =>
        {
            var ns = new K8s.Core.V1.Namespace("kserve", new NamespaceArgs { Metadata = new ObjectMetaArgs { Name = "kserve" } });
            _ = new Kserve("kserve", new KserveArgs { Namespace = "kserve", NamespaceReady = ns });
        });

        var crd = DependencyRecorder.Json(mocks.Single(Types.Release, "kserve-crd"));
        var resources = DependencyRecorder.Json(mocks.Single(Types.Release, "kserve-resources"));
        Assert.Equal("oci://ghcr.io/kserve/charts/kserve-crd", crd["chart"]!.GetValue<string>());
        Assert.Equal("v0.20.0", crd["version"]!.GetValue<string>());
        Assert.Equal("oci://ghcr.io/kserve/charts/kserve-resources", resources["chart"]!.GetValue<string>());
        Assert.Equal("v0.20.0", resources["version"]!.GetValue<string>());
        Assert.Null(resources["repositoryOpts"]);
        Assert.All(new[] { crd, resources }, r =>
        {
            Assert.Equal("kserve", r["namespace"]!.GetValue<string>());
            Assert.False(r["createNamespace"]!.GetValue<bool>());
        });
        Assert.Equal("Standard", resources["values"]!["kserve"]!["controller"]!["deploymentMode"]!.GetValue<string>());
        Assert.Empty(mocks.OfType(Types.InferenceService));
    }

    private static JsonObject InferenceService(InferenceModel model) => new()
    {
        ["apiVersion"] = "serving.kserve.io/v1beta1",
        ["kind"] = "InferenceService",
        ["metadata"] = new JsonObject { ["name"] = model.Name, ["namespace"] = "serving" },
        ["spec"] = DependencyRecorder.Json(VllmInferenceService.Spec(model)),
    };
}
