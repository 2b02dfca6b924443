using System.Collections.Immutable;
using MlPlatform.Components.Kubernetes;
using Pulumi;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Components.Addons;

/// <summary>What an <see cref="InferenceAutoscaler"/> scales: an InferenceService's stable predictor, on its model autoscaling settings.</summary>
/// <param name="InferenceService">The InferenceService (KServe names its stable predictor Deployment <c>NAME-predictor</c>).</param>
/// <param name="Autoscaling">The bounds, target, delay and Prometheus of the scaling.</param>
public sealed record InferenceScaling(string InferenceService, ModelAutoscaling Autoscaling)
{
    /// <summary>The InferenceService's namespace.</summary>
    public string Namespace => Autoscaling.Namespace;

    /// <summary>The Deployment KServe creates for the stable predictor.</summary>
    public string TargetDeployment => VllmInferenceService.PredictorDeployment(InferenceService);
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
/// Prometheus, not on CPU: a GPU model server is saturated long before its CPUs are. Used where KServe's own
/// <c>keda</c> class cannot be (an InferenceService with a canary, whose fixed Deployment KServe v0.20 would give a
/// trigger-less ScaledObject); works wherever KEDA runs (the chart or a cloud's managed add-on); the canary keeps
/// the fixed replicas KServe gives it.
/// </summary>
public sealed class InferenceAutoscaler : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:addons:InferenceAutoscaler";

    /// <summary>The ScaledObject API version.</summary>
    public const string ApiVersion = "keda.sh/v1alpha1";

    /// <summary>How often KEDA reads the metric, in seconds.</summary>
    public const int PollingIntervalSeconds = 15;

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
            ["minReplicas"] = scaling.Autoscaling.Floor,
            ["maxReplicas"] = scaling.Autoscaling.MaxReplicas,
        });
    }

    /// <summary>The ScaledObject.</summary>
    public K8s.ApiExtensions.CustomResource ScaledObject { get; }

    /// <summary>The ScaledObject <c>spec</c>.</summary>
    public static Dictionary<string, object> Spec(InferenceScaling scaling) => Spec(scaling.TargetDeployment, scaling.InferenceService, scaling.Autoscaling);

    private static Dictionary<string, object> Spec(string target, string inferenceService, ModelAutoscaling scaling) => new()
    {
        ["scaleTargetRef"] = new Dictionary<string, object>
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["name"] = target,
        },
        ["minReplicaCount"] = scaling.Floor,
        ["maxReplicaCount"] = scaling.MaxReplicas,
        ["pollingInterval"] = PollingIntervalSeconds,
        ["cooldownPeriod"] = scaling.ScaleDownDelaySeconds,

        // Prometheus unreachable for three polls: hold the floor rather than guess.
        ["fallback"] = new Dictionary<string, object> { ["failureThreshold"] = 3, ["replicas"] = scaling.Floor },
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
                        ["stabilizationWindowSeconds"] = scaling.ScaleDownDelaySeconds,
                        ["policies"] = new object[] { Policy(periodSeconds: 120) },
                    },
                },
            },
        },
        ["triggers"] = new object[]
        {
            PrometheusTrigger.Spec(TriggerName, scaling.PrometheusUrl, scaling.Query(inferenceService), scaling.Threshold),
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
        args.Scaling.Autoscaling.Problems().FirstOrDefault() is { } problem
            ? throw new ArgumentException($"Scaling of {args.Scaling.InferenceService}: {problem}.", nameof(args))
            : options;
}
