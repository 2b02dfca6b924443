using System.Collections.Immutable;
using MlPlatform.Components.Addons;
using MlPlatform.Tests.Aws;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Addons;

/// <summary>The KEDA chart, the ScaledObject of an inference service, and the KServe side of external scaling.</summary>
public class KedaTests
{
    private static readonly ChartReference Chart = VersionCatalog.Keda;

    private static ModelAutoscaling Autoscaling(int min = 1, int max = 4) => new()
    {
        Namespace = "serving",
        MinReplicas = min,
        MaxReplicas = max,
        PrometheusUrl = KubePrometheusStack.PrometheusUrl("monitoring"),
    };

    private static InferenceScaling Scaling(int min = 1, int max = 4) => new("sample-llm", Autoscaling(min, max));

    private const string SampleQuery =
        "sum(vllm:num_requests_running{namespace=\"serving\", service=\"sample-llm-predictor\"}) + sum(vllm:num_requests_waiting{namespace=\"serving\", service=\"sample-llm-predictor\"})";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_chart_value_exists_in_keda_2_20_2(bool ha)
    {
        var values = Json.Of(Keda.Values(new KedaArgs { Namespace = "keda", HighAvailability = ha, PriorityClassName = "system-critical" }));

        Assert.Empty(ChartValues.UnknownKeys(Chart.Name, Chart.Version, values));
        Assert.Equal("2.20.2", Chart.Version);
        Assert.True(values["crds"]!["install"]!.GetValue<bool>());
        Assert.True(values["prometheus"]!["operator"]!["enabled"]!.GetValue<bool>());
        Assert.Equal("system-critical", values["priorityClassName"]!.GetValue<string>());
        foreach (var component in new[] { "operator", "metricsServer", "webhooks" })
        {
            Assert.Equal(ha ? 2 : 1, values[component]!["replicaCount"]!.GetValue<int>());
        }

        Assert.Equal(ha, values["podDisruptionBudget"] is not null);
    }

    [Fact]
    public async Task Chart_is_installed_from_the_catalog_into_its_namespace_after_it()
    {
        var recorder = new OptionsRecorder();
        var mocks = await ComponentTest.RunAsync(() => _ = new Keda("keda", new KedaArgs { Namespace = "keda" }, recorder.Options()));

        var release = mocks.Inputs("kubernetes:helm.sh/v3:Release", "keda");
        Assert.Equal("keda", release["chart"]!.GetValue<string>());
        Assert.Equal("https://kedacore.github.io/charts", release["repositoryOpts"]!["repo"]!.GetValue<string>());
        Assert.Equal("keda", release["namespace"]!.GetValue<string>());
        Assert.False(release["createNamespace"]!.GetValue<bool>());
    }

    [Fact]
    public void Scaled_object_fits_the_real_crd_and_scales_the_stable_predictor_on_vllm_load()
    {
        var spec = Json.Of(InferenceAutoscaler.Spec(Scaling()));
        Assert.Empty(CrdSchema.Problems("keda.sh", "v1alpha1", "ScaledObject", Json.Object(InferenceAutoscaler.ApiVersion, "ScaledObject", "sample-llm-predictor", "serving", InferenceAutoscaler.Spec(Scaling()))));

        Assert.Equal("sample-llm-predictor", spec["scaleTargetRef"]!["name"]!.GetValue<string>());
        Assert.Equal("apps/v1", spec["scaleTargetRef"]!["apiVersion"]!.GetValue<string>());
        Assert.Equal(1, spec["minReplicaCount"]!.GetValue<int>());
        Assert.Equal(4, spec["maxReplicaCount"]!.GetValue<int>());
        Assert.Equal(300, spec["cooldownPeriod"]!.GetValue<int>());
        Assert.Equal(300, spec["advanced"]!["horizontalPodAutoscalerConfig"]!["behavior"]!["scaleDown"]!["stabilizationWindowSeconds"]!.GetValue<int>());
        Assert.Equal(1, spec["fallback"]!["replicas"]!.GetValue<int>());
        var trigger = Assert.Single(spec["triggers"]!.AsArray())!;
        Assert.Equal("prometheus", trigger["type"]!.GetValue<string>());
        Assert.Equal("AverageValue", trigger["metricType"]!.GetValue<string>());
        Assert.Equal("8", trigger["metadata"]!["threshold"]!.GetValue<string>());
        Assert.Equal("http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090", trigger["metadata"]!["serverAddress"]!.GetValue<string>());
        Assert.Equal(SampleQuery, trigger["metadata"]!["query"]!.GetValue<string>());
    }

    [Fact]
    public async Task Scaled_object_waits_for_the_inference_service_and_keda_and_refuses_bad_bounds()
    {
        var recorder = new OptionsRecorder();
        var mocks = await ComponentTest.RunAsync(() =>
        {
            var keda = new Keda("keda", new KedaArgs { Namespace = "keda" });
            _ = new InferenceAutoscaler("autoscaler", new InferenceAutoscalerArgs
            {
                Scaling = Scaling(),
                Ready = [keda.Release],
                Labels = ImmutableDictionary<string, string>.Empty.Add("app.kubernetes.io/part-of", "mlplatform"),
            }, recorder.Options());
        });

        var scaled = mocks.Inputs("kubernetes:keda.sh/v1alpha1:ScaledObject", "autoscaler");
        Assert.Equal("serving", scaled["metadata"]!["namespace"]!.GetValue<string>());
        Assert.Equal("mlplatform", scaled["metadata"]!["labels"]!["app.kubernetes.io/part-of"]!.GetValue<string>());
        Assert.Contains(await recorder.DependenciesOf("kubernetes:keda.sh/v1alpha1:ScaledObject", "autoscaler"), d => d.GetResourceName() == "keda");

        await Assert.ThrowsAnyAsync<Exception>(() => ComponentTest.RunAsync(() => _ = new InferenceAutoscaler("bad", new InferenceAutoscalerArgs { Scaling = Scaling(3, 2) })));
    }

    [Fact]
    public void Kserve_renders_the_scaled_object_of_a_model_without_canary_from_its_autoscaling_block()
    {
        var model = new InferenceModel { Name = "sample-llm", Model = "Qwen/Qwen2.5-0.5B-Instruct", Replicas = 2, Autoscaling = Autoscaling(2, 5) with { ScaleDownDelaySeconds = 600, TargetRequestsPerReplica = 4 } };
        var spec = Json.Of(VllmInferenceService.Spec(model));

        Assert.Equal(VllmInferenceService.KedaAutoscaler, model.AutoscalerClass);
        Assert.False(model.ExternallyScaled);
        var predictor = spec["predictor"]!;
        Assert.Equal(2, predictor["minReplicas"]!.GetValue<int>());
        Assert.Equal(5, predictor["maxReplicas"]!.GetValue<int>());
        var metric = Assert.Single(predictor["autoScaling"]!["metrics"]!.AsArray())!;
        Assert.Equal("External", metric["type"]!.GetValue<string>());
        Assert.Equal("prometheus", metric["external"]!["metric"]!["backend"]!.GetValue<string>());
        Assert.Equal(KubePrometheusStack.PrometheusUrl("monitoring"), metric["external"]!["metric"]!["serverAddress"]!.GetValue<string>());
        Assert.Equal(SampleQuery, metric["external"]!["metric"]!["query"]!.GetValue<string>());
        Assert.Equal("Value", metric["external"]!["target"]!["type"]!.GetValue<string>());
        Assert.Equal("4", metric["external"]!["target"]!["value"]!.GetValue<string>());
        Assert.Equal(600, predictor["autoScaling"]!["behavior"]!["scaleDown"]!["stabilizationWindowSeconds"]!.GetValue<int>());
        Assert.NotNull(predictor["topologySpreadConstraints"]);
        Assert.Empty(CrdSchema.Problems("serving.kserve.io", "v1beta1", "InferenceService", Json.Object("serving.kserve.io/v1beta1", "InferenceService", "sample-llm", "serving", VllmInferenceService.Spec(model))));

        // Fixed replicas: no autoscaling block, no class.
        var fixedModel = model with { Autoscaling = null };
        Assert.Null(fixedModel.AutoscalerClass);
        Assert.Null(Json.Of(VllmInferenceService.Spec(fixedModel))["predictor"]!["autoScaling"]);
    }

    [Fact]
    public void Externally_scaled_inference_services_hand_their_replicas_to_keda()
    {
        var model = new InferenceModel { Name = "sample-llm", Model = "Qwen/Qwen2.5-0.5B-Instruct", Replicas = 2, Autoscaling = Autoscaling(2, 5), CanaryModel = "Qwen/Qwen2.5-1.5B-Instruct", CanaryTrafficPercent = 10 };
        var spec = Json.Of(VllmInferenceService.Spec(model));

        // A canary's fixed Deployment would get a trigger-less ScaledObject under class keda: class external instead.
        Assert.Equal(VllmInferenceService.ExternalAutoscaler, model.AutoscalerClass);
        Assert.True(model.ExternallyScaled);
        Assert.Equal(2, spec["predictor"]!["minReplicas"]!.GetValue<int>());
        Assert.Equal(5, spec["predictor"]!["maxReplicas"]!.GetValue<int>());
        Assert.Null(spec["predictor"]!["autoScaling"]);
        Assert.Null(spec["canary"]![0]!["predictor"]!["minReplicas"]);
        Assert.Null(spec["canary"]![0]!["predictor"]!["autoScaling"]);
        Assert.Empty(CrdSchema.Problems("serving.kserve.io", "v1beta1", "InferenceService", Json.Object("serving.kserve.io/v1beta1", "InferenceService", "sample-llm", "serving", VllmInferenceService.Spec(model))));
        Assert.Equal("sample-llm-predictor", VllmInferenceService.PredictorDeployment("sample-llm"));
        Assert.Equal("sample-llm-canary-predictor", VllmInferenceService.CanaryDeployment("sample-llm"));
    }

    [Theory]
    [InlineData(true, true, "external")]
    [InlineData(true, false, "keda")]
    [InlineData(false, false, null)]
    public async Task A_served_vllm_model_carries_its_autoscaler_class(bool autoscaled, bool canary, string? autoscalerClass)
    {
        var model = new ServedModel
        {
            Name = "sample-llm",
            Namespace = "serving",
            Source = ModelSource.Parse("hf://Qwen/Qwen2.5-0.5B-Instruct")!,
            Runtime = ModelRuntime.Vllm,
            Scaling = autoscaled ? new ModelScaling(1, 4) : new ModelScaling(1, 1),
            Autoscaling = autoscaled ? Autoscaling() : null,
            Canary = canary ? new ModelCanary(ModelSource.Parse("hf://Qwen/Qwen2.5-1.5B-Instruct")!, 10) : null,
            Governance = new ModelGovernance { ModelName = "sample-llm", Version = "1.0.0", Owner = "platform" },
        };
        var mocks = await ComponentTest.RunAsync(() => _ = new ModelServing("sample-llm", new ModelServingArgs { Model = model }));

        var annotations = mocks.Inputs("kubernetes:serving.kserve.io/v1beta1:InferenceService", "sample-llm")["metadata"]!["annotations"]!;
        Assert.Equal("Standard", annotations[VllmInferenceService.DeploymentModeAnnotation]!.GetValue<string>());
        Assert.Equal(autoscalerClass, annotations[VllmInferenceService.AutoscalerClassAnnotation]?.GetValue<string>());
    }

    [Fact]
    public void Keda_alert_and_scrape_target_fit_their_crds()
    {
        var alert = Assert.Single(PlatformAlerts.Keda().Rules);
        Assert.Equal("KEDAScalerErrors", alert.Name);
        Assert.Contains("keda_scaler_detail_errors_total", alert.Expression, StringComparison.Ordinal);
        Assert.Equal("5m", alert.For);

        var target = PlatformScrapeTargets.KedaOperator("kube-system");
        Assert.Equal("PodMonitor", target.Kind);
        Assert.Empty(CrdSchema.Problems("monitoring.coreos.com", "v1", "PodMonitor", Json.Object("monitoring.coreos.com/v1", "PodMonitor", target.Name, "monitoring", target.Spec())));
        Assert.Equal(8080, Json.Of(target.Spec())["podMetricsEndpoints"]![0]!["portNumber"]!.GetValue<int>());
    }

    [Fact]
    public void Gpu_pods_tolerate_their_pools_taints_besides_the_gpu_one()
    {
        var placement = new GpuPlacement(ImmutableDictionary<string, string>.Empty)
        {
            PoolTolerations = [new PodToleration("kubernetes.azure.com/scalesetpriority", "NoSchedule"), PodToleration.Gpu],
        };

        var tolerations = Json.Of(placement.Tolerations()).AsArray();
        Assert.Equal(new[] { "kubernetes.azure.com/scalesetpriority", "nvidia.com/gpu" }, tolerations.Select(t => t!["key"]!.GetValue<string>()));
        Assert.All(tolerations, t => Assert.Equal("Exists", t!["operator"]!.GetValue<string>()));
        Assert.Single(Json.Of(GpuPlacement.AnyGpuNode.Tolerations()).AsArray());

        var pipeline = new TrainingPipeline { Tolerations = [new PodToleration("kubernetes.azure.com/scalesetpriority", "NoSchedule")] }.Spec("argo-workflow");
        Assert.Equal("kubernetes.azure.com/scalesetpriority", Json.Of(pipeline["tolerations"])[0]!["key"]!.GetValue<string>());
        Assert.False(new TrainingPipeline().Spec("argo-workflow").ContainsKey("tolerations"));

        var gpuOperator = Json.Of(GpuOperator.Values(new GpuOperatorArgs { Namespace = "gpu-operator", NodeTolerations = [new PodToleration("kubernetes.azure.com/scalesetpriority", "NoSchedule")] }));
        Assert.Equal(2, gpuOperator["daemonsets"]!["tolerations"]!.AsArray().Count);
    }

    [Fact]
    public void External_secrets_pods_get_the_labels_their_identity_needs_and_only_then()
    {
        var labels = ImmutableDictionary<string, string>.Empty.Add("azure.workload.identity/use", "true");
        var values = Json.Of(ExternalSecrets.Values(new ExternalSecretsArgs { Namespace = "external-secrets", PodLabels = labels }, ImmutableDictionary<string, string>.Empty));

        Assert.Equal("true", values["podLabels"]!["azure.workload.identity/use"]!.GetValue<string>());
        Assert.Null(values["webhook"]!["podLabels"]);
        Assert.Empty(ChartValues.UnknownKeys(VersionCatalog.ExternalSecrets.Name, VersionCatalog.ExternalSecrets.Version, values));
        Assert.Null(Json.Of(ExternalSecrets.Values(new ExternalSecretsArgs { Namespace = "external-secrets" }, ImmutableDictionary<string, string>.Empty))["podLabels"]);
    }
}
