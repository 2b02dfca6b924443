using System.Collections.Immutable;
using MlPlatform.Components.Addons;
using MlPlatform.Components.Kubernetes;
using Pulumi;
using Pulumi.Kubernetes.Types.Inputs.Autoscaling.V2;
using Pulumi.Kubernetes.Types.Inputs.Meta.V1;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Components.Workloads;

/// <summary>
/// The autoscaler of a <see cref="ServiceWorkload"/>: an <c>autoscaling/v2</c> HorizontalPodAutoscaler on CPU and
/// memory utilisation, or a KEDA ScaledObject on a Prometheus query (KEDA then owns the HPA).
/// </summary>
public static class WorkloadAutoscaler
{
    /// <summary>The name of the Prometheus trigger of a ScaledObject.</summary>
    public const string TriggerName = "load";

    /// <summary>The ScaledObject <c>spec</c> of an event-scaled workload.</summary>
    public static Dictionary<string, object> ScaledObjectSpec(string kind, string target, EventScaling scaling) => new()
    {
        ["scaleTargetRef"] = new Dictionary<string, object> { ["apiVersion"] = "apps/v1", ["kind"] = kind, ["name"] = target },
        ["minReplicaCount"] = scaling.MinReplicas,
        ["maxReplicaCount"] = scaling.MaxReplicas,
        ["pollingInterval"] = 15,
        ["cooldownPeriod"] = 300,

        // Prometheus unreachable for three polls: hold the floor rather than guess.
        ["fallback"] = new Dictionary<string, object> { ["failureThreshold"] = 3, ["replicas"] = scaling.MinReplicas },
        ["triggers"] = new object[]
        {
            PrometheusTrigger.Spec(TriggerName, scaling.PrometheusUrl, scaling.Query, scaling.Threshold),
        },
    };

    /// <summary>Creates the autoscaler of <paramref name="target"/>, or nothing without scaling.</summary>
    internal static Resource? Create(
        string name, string kind, string @namespace, string target, WorkloadScaling? scaling, ImmutableDictionary<string, string> labels, CustomResourceOptions options) =>
        scaling switch
        {
            ResourceScaling resource => new K8s.Autoscaling.V2.HorizontalPodAutoscaler(name, new HorizontalPodAutoscalerArgs
            {
                Metadata = new ObjectMetaArgs { Name = target, Namespace = @namespace, Labels = labels },
                Spec = new HorizontalPodAutoscalerSpecArgs
                {
                    ScaleTargetRef = new CrossVersionObjectReferenceArgs { ApiVersion = "apps/v1", Kind = kind, Name = target },
                    MinReplicas = resource.MinReplicas,
                    MaxReplicas = resource.MaxReplicas,
                    Metrics = Metrics(resource),
                },
            }, options),
            EventScaling events => new K8s.ApiExtensions.CustomResource(name, new KubernetesObjectArgs(
                "keda.sh/v1alpha1",
                "ScaledObject",
                new ObjectMetaArgs { Name = target, Namespace = @namespace, Labels = labels },
                ScaledObjectSpec(kind, target, events).ToImmutableDictionary()), options),
            _ => null,
        };

    private static InputList<MetricSpecArgs> Metrics(ResourceScaling scaling)
    {
        var metrics = new InputList<MetricSpecArgs>();
        foreach (var (resource, percent) in new[] { ("cpu", scaling.CpuUtilization), ("memory", scaling.MemoryUtilization) })
        {
            if (percent is { } value)
            {
                metrics.Add(new MetricSpecArgs
                {
                    Type = "Resource",
                    Resource = new ResourceMetricSourceArgs
                    {
                        Name = resource,
                        Target = new MetricTargetArgs { Type = "Utilization", AverageUtilization = value },
                    },
                });
            }
        }

        return metrics;
    }
}
