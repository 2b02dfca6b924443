using System.Collections.Immutable;

namespace MlPlatform.Components.Addons;

/// <summary>
/// Every container image the platform runs outside of a chart's own defaults, pinned in one place next to
/// <see cref="VersionCatalog"/>: the sample model server, the pipeline step images and the MLflow server.
/// Bump a tag here and the InferenceService, the WorkflowTemplate and the MLflow release follow.
/// </summary>
public static class ImageCatalog
{
    /// <summary>vLLM's OpenAI-compatible server: the sample GPU InferenceService.</summary>
    public static ContainerImage Vllm { get; } = new("docker.io/vllm/vllm-openai", "v0.11.0");

    /// <summary>The MLflow server (the image the MLflow chart runs), also the client of the pipeline's register step.</summary>
    public static ContainerImage Mlflow { get; } = new("docker.io/burakince/mlflow", "3.15.1");

    /// <summary>Plain Python for the CPU steps of the pipeline (ingest, validation, features, evaluation).</summary>
    public static ContainerImage Python { get; } = new("docker.io/library/python", "3.12.11-slim-bookworm");

    /// <summary>PyTorch with CUDA for the pipeline's GPU training step.</summary>
    public static ContainerImage PyTorchCuda { get; } = new("docker.io/pytorch/pytorch", "2.8.0-cuda12.8-cudnn9-runtime");

    /// <summary>
    /// The Kubernetes pause image: the warm-capacity placeholders that keep a Karpenter pool's minimum nodes up
    /// (AWS only, from registry.k8s.io, which the AWS stacks allow); not in <see cref="All"/>, whose registries every
    /// stack must allow.
    /// </summary>
    public static ContainerImage Pause { get; } = new("registry.k8s.io/pause", "3.10");

    /// <summary>Every image of the catalog.</summary>
    public static ImmutableArray<ContainerImage> All { get; } = [Vllm, Mlflow, Python, PyTorchCuda];
}
