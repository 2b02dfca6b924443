using System.Collections.Immutable;

namespace MlPlatform.Stacks.Configuration;

/// <summary>The kind of a platform-rendered Argo WorkflowTemplate.</summary>
public enum WorkflowTemplateKind
{
    /// <summary>3D reconstruction: assess quality, one of three quality branches fanned out over the images, convert, finalize.</summary>
    Reconstruction3d,

    /// <summary>GPU benchmark jobs on spot GPU pools that checkpoint to the bucket and resume after losing their node.</summary>
    GpuBenchmark,
}

/// <summary>One Argo WorkflowTemplate of a team (an entry of <c>mlplatform:workflowTemplates</c>).</summary>
public sealed record WorkflowTemplateConfig
{
    /// <summary>DNS-1123 label, unique in its namespace.</summary>
    public required string Name { get; init; }

    /// <summary>What the template does.</summary>
    public required WorkflowTemplateKind Kind { get; init; }

    /// <summary>The team namespace the workflows run in.</summary>
    public required string Namespace { get; init; }

    /// <summary>The steps' image repository.</summary>
    public required string Image { get; init; }

    /// <summary>The pinned tag.</summary>
    public required string Tag { get; init; }

    /// <summary>The pool of the CPU steps (reconstruction); null for the untainted nodes.</summary>
    public string? CpuPool { get; init; }

    /// <summary>The GPU pool of the medium quality branch (reconstruction).</summary>
    public string? GpuPool { get; init; }

    /// <summary>The GPU pool of the high quality branch (reconstruction); the GPU pool when not given.</summary>
    public string? HighQualityPool { get; init; }

    /// <summary>GPUs per pod of the high quality branch, or of each benchmark job.</summary>
    public int Gpus { get; init; } = 1;

    /// <summary>At most this many images at once (reconstruction).</summary>
    public int Parallelism { get; init; } = 8;

    /// <summary>The GPU pools of the benchmark jobs, one job each.</summary>
    public ImmutableArray<string> GpuPools { get; init; } = [];

    /// <summary>The checkpoint bucket prefix (benchmark); null for the stack's bucket.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Retries after a lost node (benchmark).</summary>
    public int Retries { get; init; } = 6;
}
