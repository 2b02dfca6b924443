using System.Collections.Immutable;
using MlPlatform.Components.Kubernetes;
using Pulumi;
using Pulumi.Kubernetes.Types.Inputs.Meta.V1;
using Pulumi.Kubernetes.Types.Inputs.Policy.V1;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Components.Addons;

/// <summary>Inputs of <see cref="ModelServing"/>.</summary>
public sealed class ModelServingArgs
{
    /// <summary>The model.</summary>
    public required ServedModel Model { get; init; }

    /// <summary>What the InferenceService waits for: KServe's controller, the namespace, its service account, the PriorityClasses.</summary>
    public ImmutableArray<Resource> Ready { get; init; } = [];

    /// <summary>What the platform's ScaledObject (autoscaler class <c>external</c>) waits for besides the InferenceService (KEDA itself).</summary>
    public ImmutableArray<Resource> AutoscalingReady { get; init; } = [];

    /// <summary>Labels of the objects the platform creates directly.</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// One configured model served by KServe: its InferenceService (labelled and annotated for governance), a
/// PodDisruptionBudget when it has two or more replicas, and its autoscaler when one is given.
/// </summary>
public sealed class ModelServing : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:addons:ModelServing";

    /// <summary>Creates the InferenceService.</summary>
    public ModelServing(string name, ModelServingArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, Check(args, options))
    {
        var model = args.Model;
        var serviceOptions = new CustomResourceOptions { Parent = this };
        serviceOptions.DependsOn.AddRange(args.Ready.Select(r => (Input<Resource>)r).ToList());
        InferenceService = new K8s.ApiExtensions.CustomResource(model.Name, new KubernetesObjectArgs(
            "serving.kserve.io/v1beta1",
            "InferenceService",
            AddonResources.Metadata(model.Name, model.Namespace, ModelInferenceService.Labels(model, args.Labels),
                annotations: ModelInferenceService.Annotations(model)),
            ModelInferenceService.Spec(model).ToImmutableDictionary()), serviceOptions);

        if (model.Scaling.MinReplicas > 1)
        {
            // KServe creates no budget for the Deployments it renders: one predictor at a time may go, and a
            // crash-looping one never holds a drain up.
            DisruptionBudget = new K8s.Policy.V1.PodDisruptionBudget($"{model.Name}-pdb", new PodDisruptionBudgetArgs
            {
                Metadata = new ObjectMetaArgs { Name = VllmInferenceService.PredictorDeployment(model.Name), Namespace = model.Namespace, Labels = args.Labels },
                Spec = new PodDisruptionBudgetSpecArgs
                {
                    MaxUnavailable = 1,
                    UnhealthyPodEvictionPolicy = "AlwaysAllow",
                    Selector = new LabelSelectorArgs { MatchLabels = VllmInferenceService.PredictorPodLabels(model.Name).ToDictionary() },
                },
            }, serviceOptions);
        }

        // Class keda: KServe renders the ScaledObject itself; class external (a canary): the platform's own does.
        if (ModelInferenceService.AutoscalerClass(model) == VllmInferenceService.ExternalAutoscaler && model.Autoscaling is { } autoscaling)
        {
            Autoscaler = new InferenceAutoscaler($"{model.Name}-autoscaler", new InferenceAutoscalerArgs
            {
                Scaling = new InferenceScaling(model.Name, autoscaling),
                Ready = [InferenceService, .. args.AutoscalingReady],
                Labels = args.Labels,
            }, new ComponentResourceOptions { Parent = this });
        }

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["name"] = model.Name,
            ["namespace"] = model.Namespace,
            ["source"] = model.Source.Uri,
            ["runtime"] = ModelRuntimes.Name(model.Runtime),
            ["version"] = model.Governance.Version,
            ["stage"] = ModelGovernance.StageValue(model.Governance.Stage),
        });
    }

    /// <summary>The InferenceService.</summary>
    public K8s.ApiExtensions.CustomResource InferenceService { get; }

    /// <summary>The PodDisruptionBudget; null with one replica.</summary>
    public K8s.Policy.V1.PodDisruptionBudget? DisruptionBudget { get; }

    /// <summary>The platform's KEDA ScaledObject (class external); null with fixed replicas or when KServe renders it (class keda).</summary>
    public InferenceAutoscaler? Autoscaler { get; }

    // Runs before anything is registered.
    private static ComponentResourceOptions? Check(ModelServingArgs args, ComponentResourceOptions? options)
    {
        var scaling = args.Model.Scaling;
        if (scaling.MinReplicas < 1 || scaling.MaxReplicas < scaling.MinReplicas)
        {
            throw new ArgumentException($"Model {args.Model.Name} needs 1 <= minReplicas <= maxReplicas.", nameof(args));
        }

        return !scaling.Fixed && (args.Model.Autoscaling is null || args.Model.Runtime != ModelRuntime.Vllm)
            ? throw new ArgumentException($"Model {args.Model.Name} has a replica range but nothing scales it; give a vLLM model an autoscaling record or fix the replicas.", nameof(args))
            : options;
    }
}
