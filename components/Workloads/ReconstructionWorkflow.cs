using System.Collections.Immutable;
using MlPlatform.Components.Addons;

namespace MlPlatform.Components.Workloads;

/// <summary>
/// A 3D-reconstruction pipeline as an Argo WorkflowTemplate: assess the input images' quality, then exactly one of
/// the low (CPU), medium (GPU) or high (high-end GPU) quality branches, chosen by the assessment's <c>quality</c>
/// output and fanned out in parallel over the input images it lists, then convert the result to the requested
/// format and finalize. Every step runs the team's reconstruction image (its pinned tag) with the step's name as the
/// first argument, with requests and limits, on its pool, at a batch PriorityClass, restricted, and retried.
/// Steps share a per-workflow workspace volume.
/// </summary>
public sealed record ReconstructionWorkflow : IWorkflowDefinition
{
    /// <summary>The quality levels, in the order of the branches.</summary>
    public static ImmutableArray<string> Qualities { get; } = ["low", "medium", "high"];

    /// <summary>The WorkflowTemplate name.</summary>
    public required string Name { get; init; }

    /// <summary>The reconstruction image with its pinned tag (<c>repository:tag</c>).</summary>
    public required string Image { get; init; }

    /// <summary>Where the CPU steps run (assessment, low quality, conversion, finalize).</summary>
    public StepPlacement CpuPlacement { get; init; } = StepPlacement.Anywhere;

    /// <summary>The GPU pool of the medium quality branch.</summary>
    public required GpuPlacement MediumQualityPlacement { get; init; }

    /// <summary>The GPU pool of the high quality branch.</summary>
    public required GpuPlacement HighQualityPlacement { get; init; }

    /// <summary>GPUs per pod of the high quality branch (the medium branch uses one).</summary>
    public int HighQualityGpus { get; init; } = 1;

    /// <summary>At most this many images are processed at once in a branch (bounds the namespace's quota use).</summary>
    public int Parallelism { get; init; } = 8;

    /// <summary>The PriorityClass of the GPU branches.</summary>
    public string GpuPriorityClass { get; init; } = "high-priority-batch";

    /// <summary>The PriorityClass of the other steps.</summary>
    public string PriorityClass { get; init; } = "medium-priority-batch";

    /// <summary>Labels of every step pod (the namespace's team label, cloud identity labels).</summary>
    public ImmutableDictionary<string, string> PodLabels { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Tolerations of every step (the cloud's spot taints, so that the autoscaler may use spot capacity).</summary>
    public ImmutableArray<PodToleration> Tolerations { get; init; } = [];

    /// <summary>Size of the workspace volume shared by the steps.</summary>
    public string WorkspaceSize { get; init; } = "100Gi";

    /// <summary>The StorageClass of the workspace; null for the cluster default.</summary>
    public string? WorkspaceStorageClass { get; init; }

    /// <summary><c>ReadWriteMany</c> when the class is a shared file system (branch pods on several nodes mount it at once).</summary>
    public string WorkspaceAccessMode { get; init; } = "ReadWriteOnce";

    private const string Workspace = "/workspace";

    /// <inheritdoc/>
    public ImmutableDictionary<string, object> Spec(string serviceAccountName)
    {
        if (GpuPriorityClass == "interactive" || PriorityClass == "interactive")
        {
            throw new InvalidOperationException("Pipelines are batch work: the interactive PriorityClass is reserved for online inference.");
        }

        var mounts = new object[] { new Dictionary<string, object> { ["name"] = "workspace", ["mountPath"] = Workspace } };
        Dictionary<string, object> Step(string name, IEnumerable<string> args, Dictionary<string, object> resources, string priority, StepPlacement placement, Dictionary<string, object> retry) =>
            WorkflowSteps.Container(name, Image, [name, .. args], resources, priority, placement, Tolerations, retry, mounts);

        var assess = Step("assess-quality", ["--input={{workflow.parameters.input-uri}}", $"--quality-out={WorkflowSteps.Scratch}/quality", $"--images-out={WorkflowSteps.Scratch}/images.json"],
            WorkflowSteps.Resources("1", "2Gi", "2", "4Gi"), PriorityClass, CpuPlacement, WorkflowSteps.Retry(3, "Always"));
        assess["outputs"] = new Dictionary<string, object>
        {
            ["parameters"] = new object[]
            {
                new Dictionary<string, object> { ["name"] = "quality", ["valueFrom"] = new Dictionary<string, object> { ["path"] = $"{WorkflowSteps.Scratch}/quality" } },
                new Dictionary<string, object> { ["name"] = "images", ["valueFrom"] = new Dictionary<string, object> { ["path"] = $"{WorkflowSteps.Scratch}/images.json" } },
            },
        };

        var branches = new[]
        {
            Branch("low", WorkflowSteps.Resources("2", "4Gi", "4", "8Gi"), PriorityClass, CpuPlacement, Step),
            Branch("medium", WorkflowSteps.Resources("4", "16Gi", "8", "16Gi", gpus: 1), GpuPriorityClass, StepPlacement.OnGpus(MediumQualityPlacement), Step),
            Branch("high", WorkflowSteps.Resources("8", "32Gi", "16", "32Gi", gpus: HighQualityGpus), GpuPriorityClass, StepPlacement.OnGpus(HighQualityPlacement), Step),
        };

        var convert = Step("convert-format", ["--workspace=" + Workspace, "--format={{workflow.parameters.output-format}}"],
            WorkflowSteps.Resources("1", "4Gi", "2", "8Gi"), PriorityClass, CpuPlacement, WorkflowSteps.Retry(2, "OnError"));
        var finalize = Step("finalize", ["--workspace=" + Workspace, "--output={{workflow.parameters.output-uri}}"],
            WorkflowSteps.Resources("500m", "1Gi", "1", "2Gi"), PriorityClass, CpuPlacement, WorkflowSteps.Retry(3, "Always"));

        var main = new Dictionary<string, object>
        {
            ["name"] = "reconstruct",
            ["steps"] = new object[]
            {
                new object[] { new Dictionary<string, object> { ["name"] = "assess", ["template"] = "assess-quality" } },
                Qualities.Select(q => (object)new Dictionary<string, object>
                {
                    ["name"] = $"{q}-quality",
                    ["template"] = $"reconstruct-{q}",
                    // Exactly one branch runs: the one the assessment chose.
                    ["when"] = $"'{{{{steps.assess.outputs.parameters.quality}}}}' == '{q}'",
                    // One pod per input image, in parallel.
                    ["withParam"] = "{{steps.assess.outputs.parameters.images}}",
                    ["arguments"] = new Dictionary<string, object>
                    {
                        ["parameters"] = new object[] { new Dictionary<string, object> { ["name"] = "image", ["value"] = "{{item}}" } },
                    },
                }).ToArray(),
                new object[] { new Dictionary<string, object> { ["name"] = "convert", ["template"] = "convert-format" } },
                new object[] { new Dictionary<string, object> { ["name"] = "finalize", ["template"] = "finalize" } },
            },
        };

        return WorkflowSteps.Common("reconstruct", serviceAccountName, PriorityClass, PodLabels, Tolerations, 12 * 3600)
            .Add("parallelism", Parallelism)
            .Add("arguments", new Dictionary<string, object>
            {
                ["parameters"] = new object[]
                {
                    WorkflowSteps.Parameter("input-uri", null, "Where the input images are (a bucket prefix the service account can read)"),
                    WorkflowSteps.Parameter("output-uri", null, "Where the finished model goes"),
                    WorkflowSteps.Parameter("output-format", "glb", "The model's file format after conversion"),
                },
            })
            .Add("volumeClaimTemplates", new object[]
            {
                new Dictionary<string, object>
                {
                    ["metadata"] = new Dictionary<string, object> { ["name"] = "workspace" },
                    ["spec"] = WorkspaceSpec(),
                },
            })
            .Add("templates", (object[])[main, assess, .. branches, convert, finalize]);
    }

    private static Dictionary<string, object> Branch(
        string quality, Dictionary<string, object> resources, string priority, StepPlacement placement,
        Func<string, IEnumerable<string>, Dictionary<string, object>, string, StepPlacement, Dictionary<string, object>, Dictionary<string, object>> step)
    {
        var template = step($"reconstruct-{quality}", [$"--quality={quality}", "--workspace=" + Workspace, "--image={{inputs.parameters.image}}"],
            resources, priority, placement, WorkflowSteps.Retry(2, "OnError"));
        template["inputs"] = new Dictionary<string, object> { ["parameters"] = new object[] { new Dictionary<string, object> { ["name"] = "image" } } };
        return template;
    }

    private Dictionary<string, object> WorkspaceSpec()
    {
        var spec = new Dictionary<string, object>
        {
            ["accessModes"] = new object[] { WorkspaceAccessMode },
            ["resources"] = new Dictionary<string, object> { ["requests"] = new Dictionary<string, object> { ["storage"] = WorkspaceSize } },
        };
        if (WorkspaceStorageClass is not null)
        {
            spec["storageClassName"] = WorkspaceStorageClass;
        }

        return spec;
    }
}
