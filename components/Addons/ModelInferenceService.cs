using System.Collections.Immutable;
using System.Globalization;
using MlPlatform.Components.Kubernetes;

namespace MlPlatform.Components.Addons;

/// <summary>
/// Builds the InferenceService of a <see cref="ServedModel"/>: vLLM as a custom predictor container (through
/// <see cref="VllmInferenceService"/>), every other runtime through KServe's <c>predictor.model</c> and the
/// ClusterServingRuntime of its model format. Registry sources get an init container that resolves the alias or
/// version with the MLflow client when the pod starts and downloads the artifacts through the MLflow server (which
/// proxies the artifact store), so neither the program nor the pod needs the bucket for them.
/// </summary>
public static class ModelInferenceService
{
    /// <summary>The name of the init container that resolves registry sources.</summary>
    public const string ResolverContainer = "model-resolver";

    /// <summary>The port KServe's runtimes serve on.</summary>
    public const int Port = 8080;

    /// <summary>
    /// The resolver's program: look the alias or version up in the registry now, log what it resolved to (the pod's
    /// log is the deploy-time lineage record), and download the artifacts into the model directory.
    /// </summary>
    public const string ResolverScript =
        "import sys, mlflow\n" +
        "uri, target = sys.argv[1], sys.argv[2]\n" +
        "path = mlflow.artifacts.download_artifacts(artifact_uri=uri, dst_path=target)\n" +
        "print(f'resolved {uri} into {path}', flush=True)\n";

    /// <summary>The InferenceService's labels: the platform's and the governance labels.</summary>
    public static ImmutableDictionary<string, string> Labels(ServedModel model, ImmutableDictionary<string, string> common) =>
        common.SetItems(model.Governance.Labels());

    /// <summary>The InferenceService's annotations: Standard mode, the autoscaler class when scaled externally, approval and lineage.</summary>
    public static ImmutableDictionary<string, string> Annotations(ServedModel model)
    {
        var annotations = model.Governance.Annotations().Add(VllmInferenceService.DeploymentModeAnnotation, VllmInferenceService.StandardMode);
        return AutoscalerClass(model) is { } autoscalerClass ? annotations.Add(VllmInferenceService.AutoscalerClassAnnotation, autoscalerClass) : annotations;
    }

    /// <summary>KServe's autoscaler class (vLLM models with an autoscaling record, as <see cref="InferenceModel.AutoscalerClass"/>); null otherwise.</summary>
    public static string? AutoscalerClass(ServedModel model) =>
        model.Runtime == ModelRuntime.Vllm && model.Autoscaling is not null ? AsVllm(model).AutoscalerClass : null;

    /// <summary>The InferenceService <c>spec</c>.</summary>
    public static Dictionary<string, object> Spec(ServedModel model) =>
        model.Runtime == ModelRuntime.Vllm ? VllmSpec(model) : RuntimeSpec(model);

    /// <summary>The model as <see cref="VllmInferenceService"/> takes it.</summary>
    public static InferenceModel AsVllm(ServedModel model)
    {
        var defaults = new InferenceModel { Name = model.Name, Model = model.Source.Uri };
        return defaults with
        {
            Gpus = Math.Max(1, model.Gpus),
            Replicas = model.Scaling.MinReplicas,
            Autoscaling = model.Autoscaling,
            Placement = model.Placement ?? GpuPlacement.AnyGpuNode,
            CanaryModel = model.Canary?.Source.Uri,
            CanaryTrafficPercent = model.Canary?.TrafficPercent ?? 0,
            ServiceAccountName = model.ServiceAccountName,
            PriorityClassName = model.PriorityClassName,
            CpuRequest = model.CpuRequest ?? defaults.CpuRequest,
            CpuLimit = model.CpuLimit ?? defaults.CpuLimit,
            Memory = model.Memory ?? defaults.Memory,
        };
    }

    private static Dictionary<string, object> VllmSpec(ServedModel model)
    {
        var spec = VllmInferenceService.Spec(AsVllm(model));
        var predictor = (Dictionary<string, object>)spec["predictor"];
        AddPodLabels(model, predictor);
        if (!model.Source.UsesStorageInitializer)
        {
            // No STORAGE_URI: KServe's storage initializer cannot read models:/ URIs; the resolver fills the directory.
            var container = (Dictionary<string, object>)((object[])predictor["containers"])[0];
            container["env"] = ((object[])container["env"])
                .Where(e => (string)((Dictionary<string, object>)e)["name"] != VllmInferenceService.StorageUriVariable)
                .ToArray();
            AddResolver(model, predictor, container);
        }

        return spec;
    }

    private static Dictionary<string, object> RuntimeSpec(ServedModel model)
    {
        var format = ModelRuntimes.ModelFormat(model.Runtime)!;
        var container = new Dictionary<string, object>
        {
            ["modelFormat"] = new Dictionary<string, object> { ["name"] = format },
            ["resources"] = Resources(model),
            ["securityContext"] = PodSecurity.RestrictedContainer(),

            // KServe's runtimes answer the open inference protocol's health endpoints once the model is loaded.
            ["startupProbe"] = Probe("/v2/health/ready", periodSeconds: 10, failureThreshold: 90),
            ["readinessProbe"] = Probe("/v2/health/ready", periodSeconds: 10, failureThreshold: 3),
            ["livenessProbe"] = Probe("/v2/health/live", periodSeconds: 30, failureThreshold: 5),
            ["volumeMounts"] = new object[] { Mount("tmp", "/tmp") },
        };
        if (model.Source.UsesStorageInitializer)
        {
            container["storageUri"] = model.Source.Uri;
        }

        var predictor = new Dictionary<string, object>
        {
            ["minReplicas"] = model.Scaling.MinReplicas,
            ["maxReplicas"] = model.Scaling.MaxReplicas,
            ["serviceAccountName"] = model.ServiceAccountName,
            ["automountServiceAccountToken"] = false,
            ["priorityClassName"] = model.PriorityClassName,
            ["securityContext"] = PodSecurity.RestrictedPod(),
            ["model"] = container,
            ["volumes"] = new object[] { EmptyDir("tmp", "1Gi") },
        };
        if (model.Placement is { } placement)
        {
            predictor["nodeSelector"] = placement.NodeSelectorMap();
            predictor["tolerations"] = placement.Tolerations();
        }

        if (model.Scaling.MinReplicas > 1)
        {
            predictor["topologySpreadConstraints"] = TopologySpread.Constraints(VllmInferenceService.PredictorPodLabels(model.Name));
        }

        AddPodLabels(model, predictor);
        if (!model.Source.UsesStorageInitializer)
        {
            AddResolver(model, predictor, container);
        }

        var spec = new Dictionary<string, object> { ["predictor"] = predictor };
        if (model.Canary is { } canary)
        {
            // As for vLLM: KServe overlays the canary on the stable predictor; only its name and model are given.
            spec["canary"] = new object[]
            {
                new Dictionary<string, object>
                {
                    ["trafficPercent"] = canary.TrafficPercent,
                    ["predictor"] = new Dictionary<string, object>
                    {
                        ["name"] = VllmInferenceService.CanaryName,
                        ["model"] = new Dictionary<string, object>
                        {
                            ["modelFormat"] = new Dictionary<string, object> { ["name"] = format },
                            ["storageUri"] = canary.Source.Uri,
                        },
                    },
                },
            };
        }

        return spec;
    }

    private static void AddPodLabels(ServedModel model, Dictionary<string, object> predictor)
    {
        if (!model.PodLabels.IsEmpty)
        {
            predictor["labels"] = model.PodLabels.OrderBy(l => l.Key, StringComparer.Ordinal).ToDictionary(l => l.Key, l => (object)l.Value);
        }
    }

    // The resolver writes into a volume the server reads at KServe's model path.
    private static void AddResolver(ServedModel model, Dictionary<string, object> predictor, Dictionary<string, object> server)
    {
        var trackingUri = model.MlflowTrackingUri
            ?? throw new ArgumentException($"Model {model.Name} comes from the MLflow registry but no MLflow tracking URI was given.", nameof(model));
        predictor["initContainers"] = new object[]
        {
            new Dictionary<string, object>
            {
                ["name"] = ResolverContainer,
                ["image"] = model.ResolverImage.Reference,
                ["command"] = new object[] { "python", "-c", ResolverScript, model.Source.Uri, VllmInferenceService.ModelMountPath },
                ["env"] = new object[]
                {
                    Env("MLFLOW_TRACKING_URI", trackingUri),
                    Env("HOME", "/tmp"),
                },
                ["resources"] = new Dictionary<string, object>
                {
                    ["requests"] = new Dictionary<string, object> { ["cpu"] = "250m", ["memory"] = "512Mi" },
                    ["limits"] = new Dictionary<string, object> { ["cpu"] = "1", ["memory"] = "2Gi" },
                },
                ["securityContext"] = PodSecurity.RestrictedContainer(),
                ["volumeMounts"] = new object[] { Mount("model-store", VllmInferenceService.ModelMountPath), Mount("resolver-tmp", "/tmp") },
            },
        };
        predictor["volumes"] = ((object[])predictor["volumes"])
            .Append(EmptyDir("model-store", "50Gi"))
            .Append(EmptyDir("resolver-tmp", "1Gi"))
            .ToArray();
        var mounts = server.TryGetValue("volumeMounts", out var existing) ? (object[])existing : [];
        server["volumeMounts"] = mounts.Append(new Dictionary<string, object> { ["name"] = "model-store", ["mountPath"] = VllmInferenceService.ModelMountPath, ["readOnly"] = true }).ToArray();
    }

    private static Dictionary<string, object> Resources(ServedModel model)
    {
        var requests = new Dictionary<string, object> { ["cpu"] = model.CpuRequest ?? "1", ["memory"] = model.Memory ?? "4Gi" };
        var limits = new Dictionary<string, object> { ["cpu"] = model.CpuLimit ?? "2", ["memory"] = model.Memory ?? "4Gi" };
        if (model.Gpus > 0)
        {
            var gpus = model.Gpus.ToString(CultureInfo.InvariantCulture);
            requests[GpuPlacement.GpuResource] = gpus;
            limits[GpuPlacement.GpuResource] = gpus;
        }

        return new Dictionary<string, object> { ["requests"] = requests, ["limits"] = limits };
    }

    private static Dictionary<string, object> Probe(string path, int periodSeconds, int failureThreshold) => new()
    {
        ["httpGet"] = new Dictionary<string, object> { ["path"] = path, ["port"] = Port },
        ["periodSeconds"] = periodSeconds,
        ["timeoutSeconds"] = 5,
        ["failureThreshold"] = failureThreshold,
    };

    private static Dictionary<string, object> EmptyDir(string name, string size) =>
        new() { ["name"] = name, ["emptyDir"] = new Dictionary<string, object> { ["sizeLimit"] = size } };

    private static Dictionary<string, object> Env(string name, string value) => new() { ["name"] = name, ["value"] = value };

    private static Dictionary<string, object> Mount(string name, string path) => new() { ["name"] = name, ["mountPath"] = path };
}
