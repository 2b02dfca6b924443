namespace MlPlatform.Components.Addons;

/// <summary>A model served by vLLM in a KServe InferenceService on a GPU pool.</summary>
public sealed record InferenceModel
{
    /// <summary>The InferenceService name (a DNS-1123 label).</summary>
    public required string Name { get; init; }

    /// <summary>
    /// The Hugging Face model id (<c>owner/name</c>), e.g. <c>Qwen/Qwen2.5-0.5B-Instruct</c>: KServe's storage
    /// initializer downloads it before the server starts.
    /// </summary>
    public required string Model { get; init; }

    /// <summary>GPUs per replica, requested and limited; vLLM shards the model over them (tensor parallel).</summary>
    public int Gpus { get; init; } = 1;

    /// <summary>
    /// Predictor replicas: fixed, or the floor when <see cref="Autoscaling"/> is set. Two or more are spread over GPU
    /// nodes and zones and get a PodDisruptionBudget, so that a drained GPU node never takes the model offline.
    /// </summary>
    public int Replicas { get; init; } = 1;

    /// <summary>The GPU pool the pods go to.</summary>
    public GpuPlacement Placement { get; init; } = GpuPlacement.AnyGpuNode;

    /// <summary>A second model served as a canary; null for none.</summary>
    public string? CanaryModel { get; init; }

    /// <summary>The share of requests (0-100) the canary receives.</summary>
    public int CanaryTrafficPercent { get; init; }

    /// <summary>
    /// How KEDA scales the stable predictor on the model server's load; null keeps it at <see cref="Replicas"/>.
    /// Its floor is <see cref="Replicas"/>'s counterpart: the stack sets both from the same configuration.
    /// </summary>
    public ModelAutoscaling? Autoscaling { get; init; }

    /// <summary>The ceiling of the stable predictor's replicas.</summary>
    public int ReplicaCeiling => Math.Max(Replicas, Autoscaling?.MaxReplicas ?? Replicas);

    /// <summary>
    /// KServe's autoscaler class for this model: <c>keda</c> (KServe renders the ScaledObject from
    /// <see cref="Autoscaling"/>) without a canary; <c>external</c> with one, where the platform's own ScaledObject
    /// scales the stable predictor (KServe v0.20 would give the canary's fixed Deployment a ScaledObject without
    /// triggers under class <c>keda</c>, which KEDA's CRD refuses); null when the replicas are fixed.
    /// </summary>
    public string? AutoscalerClass => Autoscaling is null
        ? null
        : CanaryModel is null ? VllmInferenceService.KedaAutoscaler : VllmInferenceService.ExternalAutoscaler;

    /// <summary>True when the platform's own ScaledObject scales the stable predictor (class <c>external</c>).</summary>
    public bool ExternallyScaled => AutoscalerClass == VllmInferenceService.ExternalAutoscaler;

    /// <summary>The PriorityClass: online inference is user facing.</summary>
    public string PriorityClassName { get; init; } = "interactive";

    /// <summary>The service account (created by the tenancy layer, no API token mounted).</summary>
    public string ServiceAccountName { get; init; } = "inference";

    /// <summary>The model server image.</summary>
    public ContainerImage Image { get; init; } = ImageCatalog.Vllm;

    /// <summary>CPU request per replica.</summary>
    public string CpuRequest { get; init; } = "4";

    /// <summary>CPU limit per replica.</summary>
    public string CpuLimit { get; init; } = "8";

    /// <summary>Memory request and limit per replica (equal: the OOM killer must not pick the model server first).</summary>
    public string Memory { get; init; } = "24Gi";

    /// <summary>Size of the volume of vLLM's own caches (compiled kernels, Hugging Face metadata).</summary>
    public string ModelCacheSize { get; init; } = "20Gi";
}
