namespace MlPlatform.Stacks.Configuration;

/// <summary>KServe settings (<c>mlplatform:kserve</c>).</summary>
public sealed record KserveConfig
{
    /// <summary>The sample vLLM InferenceService; null when switched off (the default).</summary>
    public SampleModelConfig? SampleModel { get; init; }
}

/// <summary>The sample vLLM InferenceService (<c>mlplatform:kserve.sampleModel</c>).</summary>
public sealed record SampleModelConfig
{
    /// <summary>The Hugging Face model id vLLM serves, e.g. <c>Qwen/Qwen2.5-0.5B-Instruct</c>.</summary>
    public required string Model { get; init; }

    /// <summary>GPUs per replica (requested and limited); at most the pool's GPUs per node.</summary>
    public int Gpus { get; init; } = 1;

    /// <summary>
    /// Predictor replicas, the floor when KEDA scales the predictor; two or more get a PodDisruptionBudget and are
    /// spread over GPU nodes and zones.
    /// </summary>
    public int Replicas { get; init; } = 1;

    /// <summary>The GPU node pool the model runs on (a pool of <c>mlplatform:nodePools</c> with role gpu).</summary>
    public required NodePoolConfig NodePool { get; init; }

    /// <summary>A second model served as a canary next to the stable one; null for none.</summary>
    public string? CanaryModel { get; init; }

    /// <summary>The share of requests (0-100) routed to <see cref="CanaryModel"/>; 0 deploys it dark.</summary>
    public int CanaryTrafficPercent { get; init; }

    /// <summary>Most replicas of the stable predictor; above <see cref="Replicas"/> only when KEDA scales it.</summary>
    public int MaxReplicas { get; init; } = 1;

    /// <summary>
    /// True when KEDA scales the stable predictor between <see cref="Replicas"/> and <see cref="MaxReplicas"/> on the
    /// model server's load, read from Prometheus: a ceiling above the floor, with the keda and monitoring add-ons on.
    /// </summary>
    public bool Autoscaled { get; init; }

    /// <summary>How KEDA scales it when <see cref="Autoscaled"/>: target and scale-down delay.</summary>
    public ModelScalingConfig Scaling { get; init; } = new();
}

/// <summary>The autoscaling settings of a model (<c>targetRequestsPerReplica</c>, <c>scaleDownDelaySeconds</c>).</summary>
public sealed record ModelScalingConfig
{
    /// <summary>vLLM requests in flight (running plus waiting) one replica should carry.</summary>
    public int TargetRequestsPerReplica { get; init; } = 8;

    /// <summary>How long the load must stay low before a replica goes, in seconds.</summary>
    public int ScaleDownDelaySeconds { get; init; } = 300;
}
