using System.Globalization;

namespace MlPlatform.Components.Addons;

/// <summary>
/// How KEDA scales a model server's stable predictor on its own load: vLLM's requests in flight (running plus
/// waiting) read from Prometheus, between a floor and a ceiling, with a scale-down delay. The InferenceService
/// component takes it as is (<see cref="InferenceModel.Autoscaling"/>); null there keeps the replicas fixed.
/// </summary>
public sealed record ModelAutoscaling
{
    /// <summary>Fewest replicas (no scale to zero: with no pod left, vLLM's own metrics cannot wake the model).</summary>
    public int MinReplicas { get; init; } = 1;

    /// <summary>Most replicas.</summary>
    public int MaxReplicas { get; init; } = 3;

    /// <summary>
    /// The requests in flight (running plus queued in vLLM) one replica should carry: KEDA adds replicas when the
    /// sum over the predictor's pods, divided by the replica count, goes above it.
    /// </summary>
    public int TargetRequestsPerReplica { get; init; } = 8;

    /// <summary>How long the load must stay low before a replica is removed, in seconds (GPU nodes are slow to come back).</summary>
    public int ScaleDownDelaySeconds { get; init; } = 300;

    /// <summary>The Prometheus KEDA queries (the in-cluster URL of the monitoring stack's Prometheus).</summary>
    public required string PrometheusUrl { get; init; }

    /// <summary>The namespace of the InferenceService: its series are selected by it.</summary>
    public required string Namespace { get; init; }

    /// <summary>The floor KEDA keeps.</summary>
    public int Floor => MinReplicas;

    /// <summary>The request threshold as KEDA's trigger metadata takes it.</summary>
    public string Threshold => TargetRequestsPerReplica.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The load of a stable predictor: vLLM's running and waiting requests summed over its pods (the Service label
    /// keeps a canary's pods out). KEDA's Prometheus trigger divides it by the replica count (AverageValue).
    /// </summary>
    public string Query(string inferenceService)
    {
        var selector = $"{{namespace=\"{Namespace}\", service=\"{VllmInferenceService.PredictorDeployment(inferenceService)}\"}}";
        return $"sum(vllm:num_requests_running{selector}) + sum(vllm:num_requests_waiting{selector})";
    }

    /// <summary>
    /// The predictor's <c>autoScaling</c> block of KServe v0.20 for autoscaler class <c>keda</c>: KServe renders a
    /// ScaledObject named after the predictor Deployment with one Prometheus trigger (the query, the target value as
    /// its threshold) and the scale-down stabilization window as the HPA behaviour.
    /// </summary>
    public Dictionary<string, object> KserveAutoScaling(string inferenceService) => new()
    {
        ["metrics"] = new object[]
        {
            new Dictionary<string, object>
            {
                ["type"] = "External",
                ["external"] = new Dictionary<string, object>
                {
                    ["metric"] = new Dictionary<string, object>
                    {
                        ["backend"] = "prometheus",
                        ["serverAddress"] = PrometheusUrl,
                        ["query"] = Query(inferenceService),
                    },

                    // KServe copies the value into the trigger's threshold; KEDA applies it per replica.
                    ["target"] = new Dictionary<string, object> { ["type"] = "Value", ["value"] = Threshold },
                },
            },
        },
        ["behavior"] = new Dictionary<string, object>
        {
            ["scaleUp"] = new Dictionary<string, object> { ["stabilizationWindowSeconds"] = 0 },
            ["scaleDown"] = new Dictionary<string, object> { ["stabilizationWindowSeconds"] = ScaleDownDelaySeconds },
        },
    };

    /// <summary>The problems of these bounds, empty when they are sound.</summary>
    public IEnumerable<string> Problems()
    {
        if (MinReplicas < 1)
        {
            yield return "the floor must be at least 1";
        }

        if (MaxReplicas < MinReplicas)
        {
            yield return $"maxReplicas ({MaxReplicas}) is below the floor ({MinReplicas})";
        }

        if (TargetRequestsPerReplica < 1)
        {
            yield return "the target requests per replica must be positive";
        }
    }
}
