using System.Collections.Immutable;

namespace MlPlatform.Components.Addons;

/// <summary>
/// The replica bounds of a served model. Equal bounds are fixed replicas; a ceiling above the floor needs someone to
/// scale the predictor (the platform's KEDA path, given to <see cref="ModelServing"/> as an <see cref="InferenceScaling"/>).
/// </summary>
/// <param name="MinReplicas">Fewest replicas (the fixed count when equal to <paramref name="MaxReplicas"/>).</param>
/// <param name="MaxReplicas">Most replicas.</param>
public sealed record ModelScaling(int MinReplicas = 1, int MaxReplicas = 1)
{
    /// <summary>One replica, fixed.</summary>
    public static ModelScaling Single { get; } = new();

    /// <summary>True when the replica count is fixed.</summary>
    public bool Fixed => MinReplicas == MaxReplicas;
}

/// <summary>A second version served next to the stable one, on a share of the traffic.</summary>
/// <param name="Source">Where the canary's model comes from (a source KServe's storage initializer downloads).</param>
/// <param name="TrafficPercent">The share of requests (0-100) the canary gets; 0 deploys it dark.</param>
public sealed record ModelCanary(ModelSource Source, int TrafficPercent);

/// <summary>
/// A model the platform serves: one KServe InferenceService in Standard mode, in a serving or team namespace, run by
/// that namespace's inference service account (its cloud identity reaches the bucket; no API token is mounted).
/// </summary>
public sealed record ServedModel
{
    /// <summary>The InferenceService name (a DNS-1123 label).</summary>
    public required string Name { get; init; }

    /// <summary>The namespace (<c>serving</c> or a team namespace).</summary>
    public required string Namespace { get; init; }

    /// <summary>Where the model comes from.</summary>
    public required ModelSource Source { get; init; }

    /// <summary>The server that runs it.</summary>
    public required ModelRuntime Runtime { get; init; }

    /// <summary>Governance labels and annotations.</summary>
    public required ModelGovernance Governance { get; init; }

    /// <summary>GPUs per replica (requested and limited); 0 for a CPU model.</summary>
    public int Gpus { get; init; }

    /// <summary>The GPU pool the pods go to; null for a CPU model (any general node).</summary>
    public GpuPlacement? Placement { get; init; }

    /// <summary>CPU request per replica; null keeps the runtime's default (vLLM: 4, others: 1).</summary>
    public string? CpuRequest { get; init; }

    /// <summary>CPU limit per replica; null keeps the runtime's default (vLLM: 8, others: 2).</summary>
    public string? CpuLimit { get; init; }

    /// <summary>Memory request and limit per replica; null keeps the runtime's default (vLLM: 24Gi, others: 4Gi).</summary>
    public string? Memory { get; init; }

    /// <summary>Replica bounds.</summary>
    public ModelScaling Scaling { get; init; } = ModelScaling.Single;

    /// <summary>
    /// How KEDA scales the predictor between the <see cref="Scaling"/> bounds on the model server's load (the GPU
    /// scheduling work's autoscaling record); required with a replica range, null with fixed replicas.
    /// </summary>
    public ModelAutoscaling? Autoscaling { get; init; }

    /// <summary>A canary; null for none.</summary>
    public ModelCanary? Canary { get; init; }

    /// <summary>The service account (the tenancy layer's inference account of the namespace).</summary>
    public string ServiceAccountName { get; init; } = "inference";

    /// <summary>Labels the pods need for their cloud identity (Azure workload identity); empty elsewhere.</summary>
    public ImmutableDictionary<string, string> PodLabels { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>The PriorityClass: online inference is user facing.</summary>
    public string PriorityClassName { get; init; } = "interactive";

    /// <summary>The in-cluster MLflow tracking URI that resolves registry sources; required for them.</summary>
    public string? MlflowTrackingUri { get; init; }

    /// <summary>The image of the init container that resolves registry sources (the MLflow client).</summary>
    public ContainerImage ResolverImage { get; init; } = ImageCatalog.Mlflow;
}
