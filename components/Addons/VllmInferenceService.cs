using System.Globalization;

namespace MlPlatform.Components.Addons;

/// <summary>
/// Builds the <c>spec</c> of a KServe <c>serving.kserve.io/v1beta1</c> InferenceService that runs vLLM's
/// OpenAI-compatible server as a custom predictor container, in KServe's Standard (raw deployment) mode.
/// </summary>
public static class VllmInferenceService
{
    /// <summary>The annotation that selects KServe's deployment mode per InferenceService.</summary>
    public const string DeploymentModeAnnotation = "serving.kserve.io/deploymentMode";

    /// <summary>KServe's raw deployment mode (Deployments, Services and HPAs; no Knative).</summary>
    public const string StandardMode = "Standard";

    /// <summary>The annotation that selects who scales an InferenceService's predictor.</summary>
    public const string AutoscalerClassAnnotation = "serving.kserve.io/autoscalerClass";

    /// <summary>
    /// The autoscaler class of a predictor scaled by someone else (the platform's KEDA ScaledObject): KServe creates
    /// no HPA or ScaledObject and leaves the Deployment's replica count alone.
    /// </summary>
    public const string ExternalAutoscaler = "external";

    /// <summary>
    /// The autoscaler class of a predictor KServe scales through KEDA (Standard mode only): KServe renders a
    /// ScaledObject for the predictor Deployment from its <c>autoScaling</c> metrics.
    /// </summary>
    public const string KedaAutoscaler = "keda";

    /// <summary>The name of the stable predictor's Deployment (and Service) KServe creates for an InferenceService.</summary>
    public static string PredictorDeployment(string inferenceService) => $"{inferenceService}-predictor";

    /// <summary>The name of a canary's Deployment (and Service): <c>{isvc}-{canary}-predictor</c> in KServe v0.20.</summary>
    public static string CanaryDeployment(string inferenceService) => $"{inferenceService}-{CanaryName}-predictor";

    /// <summary>The port vLLM listens on; KServe routes to it.</summary>
    public const int Port = 8080;

    /// <summary>The name of the canary predictor (names its Deployment and Service).</summary>
    public const string CanaryName = "canary";

    /// <summary>
    /// The container variable that gives a custom predictor its model URI: KServe's storage initializer downloads
    /// the model into <see cref="ModelMountPath"/> before the server starts, and KServe's admission webhook only
    /// accepts a canary when the stable predictor names its model this way.
    /// </summary>
    public const string StorageUriVariable = "STORAGE_URI";

    /// <summary>Where KServe's storage initializer puts the model in the server container.</summary>
    public const string ModelMountPath = "/mnt/models";

    /// <summary>
    /// The labels KServe puts on every predictor pod of an InferenceService (stable and canary alike): what its
    /// PodDisruptionBudget and spread constraints select.
    /// </summary>
    public static IReadOnlyDictionary<string, string> PredictorPodLabels(string inferenceService) => TopologySpread.Labels(
        ("serving.kserve.io/inferenceservice", inferenceService), ("component", "predictor"));

    /// <summary>The KServe model URI of a Hugging Face model id (<c>owner/name</c>).</summary>
    public static string ModelUri(string huggingFaceModel) => $"hf://{huggingFaceModel}";

    /// <summary>The InferenceService <c>spec</c>: the stable predictor, and a canary when one is configured.</summary>
    public static Dictionary<string, object> Spec(InferenceModel model)
    {
        var spec = new Dictionary<string, object> { ["predictor"] = Predictor(model, model.Model, name: null) };
        if (model.CanaryModel is { } canary)
        {
            // Standard mode splits traffic with spec.canary (fixed-size canary Deployments); the Knative-only
            // predictor.canaryTrafficPercent would be ignored. KServe builds the canary from the stable predictor
            // overlaid with this one, sizes it from the traffic share, and its webhook rejects replica or
            // autoscaling settings on a canary: only the name and the container (the other model) are given.
            spec["canary"] = new object[]
            {
                new Dictionary<string, object>
                {
                    ["trafficPercent"] = model.CanaryTrafficPercent,
                    ["predictor"] = new Dictionary<string, object>
                    {
                        ["name"] = CanaryName,
                        ["containers"] = new object[] { Container(model, canary) },
                    },
                },
            };
        }

        return spec;
    }

    /// <summary>The stable predictor: the vLLM container on the GPU pool.</summary>
    public static Dictionary<string, object> Predictor(InferenceModel model, string huggingFaceModel, string? name)
    {
        var predictor = new Dictionary<string, object>
        {
            ["minReplicas"] = model.AutoscalerClass == KedaAutoscaler ? model.Autoscaling!.Floor : model.Replicas,
            ["maxReplicas"] = model.ReplicaCeiling,
            ["serviceAccountName"] = model.ServiceAccountName,
            ["automountServiceAccountToken"] = false,
            ["priorityClassName"] = model.PriorityClassName,
            ["nodeSelector"] = model.Placement.NodeSelectorMap(),
            ["tolerations"] = model.Placement.Tolerations(),
            ["securityContext"] = PodSecurity.RestrictedPod(),
            ["containers"] = new object[] { Container(model, huggingFaceModel) },
            ["volumes"] = new object[]
            {
                new Dictionary<string, object> { ["name"] = "model-cache", ["emptyDir"] = new Dictionary<string, object> { ["sizeLimit"] = model.ModelCacheSize } },
                new Dictionary<string, object> { ["name"] = "tmp", ["emptyDir"] = new Dictionary<string, object> { ["sizeLimit"] = "4Gi" } },

                // NCCL and PyTorch workers share tensors through /dev/shm, which is 64Mi by default.
                new Dictionary<string, object> { ["name"] = "shm", ["emptyDir"] = new Dictionary<string, object> { ["medium"] = "Memory", ["sizeLimit"] = "8Gi" } },
            },
        };
        if (name is not null)
        {
            predictor["name"] = name;
        }

        if (model.AutoscalerClass == KedaAutoscaler)
        {
            predictor["autoScaling"] = model.Autoscaling!.KserveAutoScaling(model.Name);
        }

        if (model.ReplicaCeiling > 1)
        {
            // KServe copies the pod spec as given: the constraints name its predictor labels.
            predictor["topologySpreadConstraints"] = TopologySpread.Constraints(PredictorPodLabels(model.Name));
        }

        return predictor;
    }

    private static Dictionary<string, object> Container(InferenceModel model, string huggingFaceModel)
    {
        var gpus = model.Gpus.ToString(CultureInfo.InvariantCulture);
        var resources = new Dictionary<string, object> { ["cpu"] = model.CpuRequest, ["memory"] = model.Memory, [GpuPlacement.GpuResource] = gpus };
        var limits = new Dictionary<string, object> { ["cpu"] = model.CpuLimit, ["memory"] = model.Memory, [GpuPlacement.GpuResource] = gpus };
        return new Dictionary<string, object>
        {
            ["name"] = "kserve-container",
            ["image"] = model.Image.Reference,
            ["args"] = new object[]
            {
                "--model", ModelMountPath,
                "--served-model-name", model.Name,
                "--port", Port.ToString(CultureInfo.InvariantCulture),
                "--tensor-parallel-size", gpus,
            },
            ["env"] = new object[]
            {
                Env(StorageUriVariable, ModelUri(huggingFaceModel)),
                Env("HOME", "/tmp"),
                Env("HF_HOME", "/model-cache"),
                Env("VLLM_CACHE_ROOT", "/model-cache/vllm"),
                Env("VLLM_NO_USAGE_STATS", "1"),
                Env("DO_NOT_TRACK", "1"),
            },
            ["ports"] = new object[] { new Dictionary<string, object> { ["name"] = "http1", ["containerPort"] = Port, ["protocol"] = "TCP" } },

            // vLLM answers /health only once the weights are loaded: the pod takes traffic when the model is ready,
            // and the startup probe gives the load (after the storage initializer's download) up to 30 minutes
            // before liveness applies.
            ["startupProbe"] = Probe(periodSeconds: 10, failureThreshold: 180),
            ["readinessProbe"] = Probe(periodSeconds: 10, failureThreshold: 3),
            ["livenessProbe"] = Probe(periodSeconds: 30, failureThreshold: 5),
            ["resources"] = new Dictionary<string, object> { ["requests"] = resources, ["limits"] = limits },
            ["securityContext"] = PodSecurity.RestrictedContainer(),
            ["volumeMounts"] = new object[]
            {
                Mount("model-cache", "/model-cache"),
                Mount("tmp", "/tmp"),
                Mount("shm", "/dev/shm"),
            },
        };
    }

    private static Dictionary<string, object> Probe(int periodSeconds, int failureThreshold) => new()
    {
        ["httpGet"] = new Dictionary<string, object> { ["path"] = "/health", ["port"] = Port },
        ["periodSeconds"] = periodSeconds,
        ["timeoutSeconds"] = 5,
        ["failureThreshold"] = failureThreshold,
    };

    private static Dictionary<string, object> Env(string name, string value) => new() { ["name"] = name, ["value"] = value };

    private static Dictionary<string, object> Mount(string name, string path) => new() { ["name"] = name, ["mountPath"] = path };
}
