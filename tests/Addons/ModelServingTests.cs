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

public class ModelServingTests
{
    private static readonly GpuPlacement Gpu = new(ImmutableDictionary<string, string>.Empty.Add("mlplatform.io/workload", "inference"));

    private static ServedModel Model(string source, ModelRuntime runtime, int gpus = 0) => new()
    {
        Name = "churn",
        Namespace = "team-a",
        Source = ModelSource.Parse(source)!,
        Runtime = runtime,
        Gpus = gpus,
        Placement = gpus > 0 ? Gpu : null,
        MlflowTrackingUri = "http://mlflow.mlflow.svc.cluster.local:5000",
        Governance = new ModelGovernance { ModelName = "churn", Version = "1.2.0", Owner = "team-a" },
    };

    public static TheoryData<string, string, string> RuntimeSources => new()
    {
        { "s3://bucket-a/churn", "sklearn", "sklearn" },
        { "gs://bucket-b/fraud", "xgboost", "xgboost" },
        { "wasbs://models@account1.blob.core.windows.net/x", "mlflow", "mlflow" },
        { "s3://bucket-a/resnet.mar", "pytorch", "pytorch" },
        { "gs://bucket-b/vision", "onnx", "onnx" },
        { "gs://bucket-b/repository", "triton", "triton" },
    };

    [Theory]
    [MemberData(nameof(RuntimeSources))]
    public void Bucket_sources_are_downloaded_by_the_storage_initializer_into_the_runtime_of_their_format(string source, string runtime, string format)
    {
        var model = Model(source, Enum.Parse<ModelRuntime>(runtime, ignoreCase: true));
        var isvc = Service(model);
        var predictor = isvc["spec"]!["predictor"]!;

        Assert.Equal(source, predictor["model"]!["storageUri"]!.GetValue<string>());
        Assert.Equal(format, predictor["model"]!["modelFormat"]!["name"]!.GetValue<string>());
        Assert.Null(predictor["initContainers"]);
        Assert.Equal("inference", predictor["serviceAccountName"]!.GetValue<string>());
        Assert.False(predictor["automountServiceAccountToken"]!.GetValue<bool>());
        Assert.True(predictor["securityContext"]!["runAsNonRoot"]!.GetValue<bool>());
        Assert.Equal("/v2/health/ready", predictor["model"]!["readinessProbe"]!["httpGet"]!["path"]!.GetValue<string>());
        Assert.Equal("2", predictor["model"]!["resources"]!["limits"]!["cpu"]!.GetValue<string>());
        Assert.Null(predictor["model"]!["resources"]!["limits"]![GpuPlacement.GpuResource]);
        Assert.Null(predictor["tolerations"]);
        Assert.Empty(CrdSchema.Problems("serving.kserve.io", "v1beta1", "InferenceService", isvc));
    }

    [Fact]
    public void Registry_sources_are_resolved_in_the_cluster_by_an_init_container_not_by_kserve()
    {
        var isvc = Service(Model("models:/churn@champion", ModelRuntime.Sklearn));
        var predictor = isvc["spec"]!["predictor"]!;

        Assert.Null(predictor["model"]!["storageUri"]);
        var resolver = Assert.Single(predictor["initContainers"]!.AsArray())!;
        Assert.Equal(ModelInferenceService.ResolverContainer, resolver["name"]!.GetValue<string>());
        Assert.Equal(ImageCatalog.Mlflow.Reference, resolver["image"]!.GetValue<string>());
        var command = resolver["command"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        Assert.Equal(["models:/churn@champion", "/mnt/models"], command[^2..]);
        Assert.Equal("MLFLOW_TRACKING_URI", resolver["env"]![0]!["name"]!.GetValue<string>());
        Assert.NotNull(resolver["resources"]!["limits"]!["memory"]);
        Assert.Contains(predictor["model"]!["volumeMounts"]!.AsArray(), m => m!["name"]!.GetValue<string>() == "model-store" && m["mountPath"]!.GetValue<string>() == "/mnt/models");
        Assert.Contains(predictor["volumes"]!.AsArray(), v => v!["name"]!.GetValue<string>() == "model-store");
        Assert.Empty(CrdSchema.Problems("serving.kserve.io", "v1beta1", "InferenceService", isvc));
    }

    [Fact]
    public void Vllm_from_the_registry_drops_the_storage_uri_and_reads_the_resolved_directory()
    {
        var model = Model("models:/llm/3", ModelRuntime.Vllm, gpus: 2);
        var isvc = Service(model);
        var container = isvc["spec"]!["predictor"]!["containers"]![0]!;

        Assert.DoesNotContain(container["env"]!.AsArray(), e => e!["name"]!.GetValue<string>() == VllmInferenceService.StorageUriVariable);
        Assert.Equal("2", container["resources"]!["limits"]![GpuPlacement.GpuResource]!.GetValue<string>());
        Assert.Equal("inference", isvc["spec"]!["predictor"]!["nodeSelector"]!["mlplatform.io/workload"]!.GetValue<string>());
        Assert.NotNull(isvc["spec"]!["predictor"]!["initContainers"]);
        Assert.Empty(CrdSchema.Problems("serving.kserve.io", "v1beta1", "InferenceService", isvc));
    }

    [Fact]
    public void Vllm_from_hugging_face_keeps_the_storage_initializer_and_a_canary()
    {
        var model = Model("hf://Qwen/Qwen2.5-0.5B-Instruct", ModelRuntime.Vllm, gpus: 1) with
        {
            Canary = new ModelCanary(ModelSource.Parse("hf://Qwen/Qwen2.5-1.5B-Instruct")!, 10),
        };
        var isvc = Service(model);
        var env = isvc["spec"]!["predictor"]!["containers"]![0]!["env"]!.AsArray();

        Assert.Contains(env, e => e!["name"]!.GetValue<string>() == "STORAGE_URI" && e["value"]!.GetValue<string>() == "hf://Qwen/Qwen2.5-0.5B-Instruct");
        Assert.Equal(10, isvc["spec"]!["canary"]![0]!["trafficPercent"]!.GetValue<int>());
        Assert.Contains(isvc["spec"]!["predictor"]!["tolerations"]!.AsArray(), t => t!["key"]!.GetValue<string>() == GpuPlacement.GpuResource);
        Assert.Empty(CrdSchema.Problems("serving.kserve.io", "v1beta1", "InferenceService", isvc));
    }

    [Fact]
    public void Runtime_canaries_name_their_own_model()
    {
        var model = Model("s3://bucket-a/v1", ModelRuntime.Sklearn) with { Canary = new ModelCanary(ModelSource.Parse("s3://bucket-a/v2")!, 25) };
        var canary = Service(model)["spec"]!["canary"]![0]!;

        Assert.Equal(25, canary["trafficPercent"]!.GetValue<int>());
        Assert.Equal("s3://bucket-a/v2", canary["predictor"]!["model"]!["storageUri"]!.GetValue<string>());
    }

    [Fact]
    public void Registry_source_without_mlflow_is_refused()
    {
        var model = Model("models:/churn@champion", ModelRuntime.Sklearn) with { MlflowTrackingUri = null };

        Assert.Throws<ArgumentException>(() => ModelInferenceService.Spec(model));
    }

    [Theory]
    [InlineData("models:/churn@champion", ModelSourceKind.MlflowRegistry)]
    [InlineData("models:/churn/12", ModelSourceKind.MlflowRegistry)]
    [InlineData("s3://my-bucket/models/churn", ModelSourceKind.Bucket)]
    [InlineData("gs://my-bucket", ModelSourceKind.Bucket)]
    [InlineData("wasbs://models@account1.blob.core.windows.net/churn", ModelSourceKind.Bucket)]
    [InlineData("hf://Qwen/Qwen2.5-0.5B-Instruct", ModelSourceKind.HuggingFace)]
    public void Accepted_sources_parse_to_their_kind(string uri, ModelSourceKind kind) =>
        Assert.Equal(kind, ModelSource.Parse(uri)!.Kind);

    [Theory]
    [InlineData("models:/churn")]
    [InlineData("models:/churn/0")]
    [InlineData("models:/churn@")]
    [InlineData("s3://UPPER/x")]
    [InlineData("s3://bucket/with space")]
    [InlineData("wasbs://models@account1.example.com/x")]
    [InlineData("hf://Qwen")]
    [InlineData("https://example.com/model")]
    public void Other_sources_are_refused(string uri)
    {
        Assert.Null(ModelSource.Parse(uri));
        Assert.NotNull(ModelSource.Problem(uri));
    }

    [Fact]
    public async Task The_component_labels_the_service_for_governance_and_budgets_and_scales_it()
    {
        var model = Model("hf://Qwen/Qwen2.5-0.5B-Instruct", ModelRuntime.Vllm, gpus: 1) with
        {
            Scaling = new ModelScaling(2, 4),
            Autoscaling = new ModelAutoscaling { Namespace = "team-a", MinReplicas = 2, MaxReplicas = 4, PrometheusUrl = "http://prometheus:9090" },
            Canary = new ModelCanary(ModelSource.Parse("hf://Qwen/Qwen2.5-1.5B-Instruct")!, 10),
            Governance = new ModelGovernance
            {
                ModelName = "chat",
                Version = "2.0.0",
                Owner = "team-a",
                Stage = ModelStage.Production,
                RunId = "abc",
                Approver = "jane",
                Ticket = "CHG-1",
            },
        };
        var (mocks, graph) = await DependencyRecorder.RunAsync(() =>
        {
            var ns = new K8s.Core.V1.Namespace("team-a", new NamespaceArgs { Metadata = new ObjectMetaArgs { Name = "team-a" } });
            _ = new ModelServing("churn", new ModelServingArgs
            {
                Model = model,
                Ready = [ns],
                Labels = ImmutableDictionary<string, string>.Empty.Add("app.kubernetes.io/part-of", "mlplatform"),
            });
        });

        Assert.True(graph.DependsOn(Types.InferenceService, "churn", Types.Namespace, "team-a"));
        var isvc = DependencyRecorder.Json(mocks.Single(Types.InferenceService, "churn"));
        var labels = isvc["metadata"]!["labels"]!;
        Assert.Equal("chat", labels[ModelGovernance.NameLabel]!.GetValue<string>());
        Assert.Equal("2.0.0", labels[ModelGovernance.VersionLabel]!.GetValue<string>());
        Assert.Equal("production", labels[ModelGovernance.StageLabel]!.GetValue<string>());
        Assert.Equal("mlplatform", labels["app.kubernetes.io/part-of"]!.GetValue<string>());
        var annotations = isvc["metadata"]!["annotations"]!;
        Assert.Equal("CHG-1", annotations[ModelGovernance.TicketAnnotation]!.GetValue<string>());
        Assert.Equal("abc", annotations[ModelGovernance.RunIdAnnotation]!.GetValue<string>());
        Assert.Equal("Standard", annotations[VllmInferenceService.DeploymentModeAnnotation]!.GetValue<string>());
        Assert.Equal("external", annotations[VllmInferenceService.AutoscalerClassAnnotation]!.GetValue<string>());
        Assert.Equal("churn-predictor", DependencyRecorder.Json(mocks.Single(Types.Pdb, "churn-pdb"))["metadata"]!["name"]!.GetValue<string>());
        Assert.True(graph.DependsOn("kubernetes:keda.sh/v1alpha1:ScaledObject", "churn-autoscaler", Types.InferenceService, "churn"));
    }

    [Fact]
    public async Task A_replica_range_without_an_autoscaler_is_refused()
    {
        var model = Model("s3://bucket-a/x", ModelRuntime.Sklearn) with { Scaling = new ModelScaling(1, 3) };

        await Assert.ThrowsAnyAsync<Exception>(() => ComponentTest.RunAsync(() => _ = new ModelServing("m", new ModelServingArgs { Model = model })));
    }

    private static JsonObject Service(ServedModel model) =>
        Json.Object("serving.kserve.io/v1beta1", "InferenceService", model.Name, model.Namespace, ModelInferenceService.Spec(model));
}
