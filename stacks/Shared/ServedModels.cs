using System.Collections.Immutable;
using MlPlatform.Components.Addons;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Stacks.Configuration;
using Pulumi;

namespace MlPlatform.Stacks.Shared;

/// <summary>
/// The configured models (<c>mlplatform:models</c>, the sample model among them) as KServe InferenceServices: each in
/// its namespace, run by that namespace's inference service account, placed on its GPU pool as the cloud selects and
/// taints it, and scaled by KEDA when it has a replica range.
/// </summary>
public static class ServedModels
{
    /// <summary>The model as the <see cref="ModelServing"/> component takes it.</summary>
    public static ServedModel ToServedModel(ModelConfig model, PlatformConfig config, CloudIntegration? cloud = null)
    {
        cloud ??= CloudIntegration.None;
        return new ServedModel
        {
            Name = model.Name,
            Namespace = model.Namespace,
            Source = model.Source,
            Runtime = model.Runtime,
            Governance = model.Governance,
            Gpus = model.Gpus,
            Placement = model.NodePool is { } pool ? NodePoolScheduling.PlacementOn(pool, cloud) : null,
            CpuRequest = model.Cpu,
            CpuLimit = model.CpuLimit,
            Memory = model.Memory,
            Scaling = model.Scaling,
            Autoscaling = Autoscaling(model),
            Canary = model.Canary,
            ServiceAccountName = Tenancy.InferenceServiceAccountName,
            PodLabels = cloud.PodLabelsFor(model.Namespace, Tenancy.InferenceServiceAccountName),
            MlflowTrackingUri = config.Addons.Mlflow ? Mlflow.TrackingUriIn(PlatformNamespaces.Mlflow) : null,
        };
    }

    /// <summary>How KEDA scales a model with a replica range (on vLLM's requests in flight); null for fixed replicas.</summary>
    public static ModelAutoscaling? Autoscaling(ModelConfig model) => model.Scaling.Fixed
        ? null
        : new ModelAutoscaling
        {
            Namespace = model.Namespace,
            MinReplicas = model.Scaling.MinReplicas,
            MaxReplicas = model.Scaling.MaxReplicas,
            TargetRequestsPerReplica = model.Autoscaling.TargetRequestsPerReplica,
            ScaleDownDelaySeconds = model.Autoscaling.ScaleDownDelaySeconds,
            PrometheusUrl = KubePrometheusStack.PrometheusUrl(PlatformNamespaces.Monitoring),
        };

    /// <summary>Deploys every configured model after KServe's controller, its namespace, service account and the PriorityClasses.</summary>
    public static ImmutableArray<ModelServing> Deploy(
        PlatformConfig config, Tenancy tenancy, PlatformServices services, CloudIntegration cloud, Kserve kserve,
        ImmutableDictionary<string, string> labels, ComponentResourceOptions options) =>
    [
        .. config.Models.Select(model => new ModelServing(model.Name, new ModelServingArgs
        {
            Model = ToServedModel(model, config, cloud),
            // KServe's keda class needs the ScaledObject CRD (and KEDA's webhook) before it reconciles the model.
            Ready = [kserve.ResourcesRelease, tenancy.Namespaces[model.Namespace], tenancy.InferenceServiceAccounts[model.Namespace], tenancy.PriorityClasses,
                .. !model.Scaling.Fixed && services.Keda?.Release is { } kedaRelease ? [kedaRelease] : Array.Empty<Resource>()],
            AutoscalingReady = services.Keda?.Release is { } release ? [release] : [],
            Labels = labels,
        }, options)),
    ];
}
