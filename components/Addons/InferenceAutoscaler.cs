using System.Collections.Immutable;
using System.Globalization;
using MlPlatform.Components.Kubernetes;
using Pulumi;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Components.Addons;

/// <summary>How an InferenceService's stable predictor is scaled on its load.</summary>
public sealed record InferenceScaling
{
    /// <summary>The InferenceService (KServe names its stable predictor Deployment <c>NAME-predictor</c>).</summary>
    public required string InferenceService { get; init; }

    /// <summary>The InferenceService's namespace.</summary>
    public required string Namespace { get; init; }

    /// <summary>Fewest replicas.</summary>
    public int MinReplicas { get; init; } = 1;

    /// <summary>Most replicas.</summary>
    public int MaxReplicas { get; init; } = 3;

    /// <summary>
    /// The requests in flight (running plus queued in vLLM) one replica should carry: KEDA adds replicas when the
    /// average goes above it.
    /// </summary>
    public int TargetRequestsPerReplica { get; init; } = 8;

    /// <summary>How often KEDA reads the metric, in seconds.</summary>
    public int PollingIntervalSeconds { get; init; } = 15;

    /// <summary>How long the load must stay low before a replica is removed, in seconds (GPU nodes are slow to come back).</summary>
    public int CooldownSeconds { get; init; } = 300;

    /// <summary>The Prometheus KEDA queries (the in-cluster URL of the monitoring stack's Prometheus).</summary>
    public required string PrometheusUrl { get; init; }

    /// <summary>The Deployment KServe creates for the stable predictor.</summary>
    public string TargetDeployment => VllmInferenceService.PredictorDeployment(InferenceService);

    /// <summary>
    /// The load of the stable predictor: vLLM's running and waiting requests summed over its pods (the Service label
    /// keeps a canary's pods out). An AverageValue target divides it by the replica count.
    /// </summary>
    public string Query()
    {
        var selector = $"{{namespace=\"{Namespace}\", service=\"{TargetDeployment}\"}}";
        return $"sum(vllm:num_requests_running{selector}) + sum(vllm:num_requests_waiting{selector})";
    }
}

/// <summary>Inputs of <see cref="InferenceAutoscaler"/>.</summary>
public sealed class InferenceAutoscalerArgs
{
    /// <summary>What to scale, on what, and between which bounds.</summary>
    public required InferenceScaling Scaling { get; init; }

    /// <summary>What the ScaledObject waits for: the InferenceService, and KEDA itself (its CRDs and webhook).</summary>
    public ImmutableArray<Resource> Ready { get; init; } = [];

    /// <summary>Labels of the ScaledObject.</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// A KEDA ScaledObject that scales the stable predictor of an InferenceService (autoscaler class <c>external</c>, so
/// KServe neither creates an HPA nor resets the replica count) on the model server's request load read from
/// Prometheus, not on CPU: a GPU model server is saturated long before its CPUs are. Works wherever KEDA runs (the
/// chart or a cloud's managed add-on); a canary keeps the fixed replicas KServe gives it.
/// </summary>
public sealed class InferenceAutoscaler : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:addons:InferenceAutoscaler";

    /// <summary>The ScaledObject API version.</summary>
    public const string ApiVersion = "keda.sh/v1alpha1";

    /// <summary>The name of the Prometheus trigger.</summary>
    public const string TriggerName = "requests-in-flight";

    /// <summary>Creates the ScaledObject.</summary>
    public InferenceAutoscaler(string name, InferenceAutoscalerArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, Check(args, options))
    {
        var scaling = args.Scaling;
        var objectOptions = new CustomResourceOptions { Parent = this };
        objectOptions.DependsOn.AddRange(args.Ready.Select(r => (Input<Resource>)r).ToList());
        ScaledObject = new K8s.ApiExtensions.CustomResource(name, new KubernetesObjectArgs(
            ApiVersion,
            "ScaledObject",
            AddonResources.Metadata(scaling.TargetDeployment, scaling.Namespace, args.Labels),
            Spec(scaling).ToImmutableDictionary()), objectOptions);

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["target"] = scaling.TargetDeployment,
            ["minReplicas"] = scaling.MinReplicas,
            ["maxReplicas"] = scaling.MaxReplicas,
        });
    }

    /// <summary>The ScaledObject.</summary>
    public K8s.ApiExtensions.CustomResource ScaledObject { get; }

    /// <summary>The ScaledObject <c>spec</c>.</summary>
    public static Dictionary<string, object> Spec(InferenceScaling scaling) => new()
    {
        ["scaleTargetRef"] = new Dictionary<string, object>
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["name"] = scaling.TargetDeployment,
        },
        ["minReplicaCount"] = scaling.MinReplicas,
        ["maxReplicaCount"] = scaling.MaxReplicas,
        ["pollingInterval"] = scaling.PollingIntervalSeconds,
        ["cooldownPeriod"] = scaling.CooldownSeconds,

        // Prometheus unreachable for three polls: hold the floor rather than guess.
        ["fallback"] = new Dictionary<string, object> { ["failureThreshold"] = 3, ["replicas"] = scaling.MinReplicas },
        ["advanced"] = new Dictionary<string, object>
        {
            ["horizontalPodAutoscalerConfig"] = new Dictionary<string, object>
            {
                ["behavior"] = new Dictionary<string, object>
                {
                    // One replica (one GPU node) at a time each way; down only after the cooldown of low load.
                    ["scaleUp"] = new Dictionary<string, object>
                    {
                        ["stabilizationWindowSeconds"] = 0,
                        ["policies"] = new object[] { Policy(periodSeconds: 60) },
                    },
                    ["scaleDown"] = new Dictionary<string, object>
                    {
                        ["stabilizationWindowSeconds"] = scaling.CooldownSeconds,
                        ["policies"] = new object[] { Policy(periodSeconds: 120) },
                    },
                },
            },
        },
        ["triggers"] = new object[]
        {
            new Dictionary<string, object>
            {
                ["type"] = "prometheus",
                ["name"] = TriggerName,
                ["metricType"] = "AverageValue",
                ["metadata"] = new Dictionary<string, object>
                {
                    ["serverAddress"] = scaling.PrometheusUrl,
                    ["query"] = scaling.Query(),
                    ["threshold"] = scaling.TargetRequestsPerReplica.ToString(CultureInfo.InvariantCulture),
                },
            },
        },
    };

    private static Dictionary<string, object> Policy(int periodSeconds) => new()
    {
        ["type"] = "Pods",
        ["value"] = 1,
        ["periodSeconds"] = periodSeconds,
    };

    // Runs before anything is registered.
    private static ComponentResourceOptions? Check(InferenceAutoscalerArgs args, ComponentResourceOptions? options) =>
        args.Scaling.MinReplicas < 1 || args.Scaling.MaxReplicas < args.Scaling.MinReplicas || args.Scaling.TargetRequestsPerReplica < 1
            ? throw new ArgumentException($"Scaling of {args.Scaling.InferenceService} needs 1 <= min <= max and a positive target.", nameof(args))
            : options;
}
