using MlPlatform.Components.Addons;

namespace MlPlatform.Stacks.Configuration;

/// <summary>One served model (an entry of <c>mlplatform:models</c>), validated.</summary>
public sealed record ModelConfig
{
    /// <summary>The InferenceService name, unique over the list.</summary>
    public required string Name { get; init; }

    /// <summary>The namespace: <c>serving</c> or a team namespace.</summary>
    public required string Namespace { get; init; }

    /// <summary>Where the model comes from.</summary>
    public required ModelSource Source { get; init; }

    /// <summary>The server that runs it.</summary>
    public required ModelRuntime Runtime { get; init; }

    /// <summary>GPUs per replica; 0 for a CPU model.</summary>
    public int Gpus { get; init; }

    /// <summary>The GPU pool of a GPU model; null for a CPU model.</summary>
    public NodePoolConfig? NodePool { get; init; }

    /// <summary>CPU request; null for the runtime's default.</summary>
    public string? Cpu { get; init; }

    /// <summary>CPU limit; null for the runtime's default.</summary>
    public string? CpuLimit { get; init; }

    /// <summary>Memory request and limit; null for the runtime's default.</summary>
    public string? Memory { get; init; }

    /// <summary>
    /// Replica bounds: equal bounds are fixed replicas; a range is scaled by KEDA on the model server's load (vLLM
    /// models, with the keda and monitoring add-ons on).
    /// </summary>
    public ModelScaling Scaling { get; init; } = ModelScaling.Single;

    /// <summary>How KEDA scales a replica range (target and scale-down delay).</summary>
    public ModelScalingConfig Autoscaling { get; init; } = new();

    /// <summary>A canary; null for none.</summary>
    public ModelCanary? Canary { get; init; }

    /// <summary>Governance metadata.</summary>
    public required ModelGovernance Governance { get; init; }
}
