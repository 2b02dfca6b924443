using System.Collections.Immutable;
using MlPlatform.Components.Addons;

namespace MlPlatform.Components.Workloads;

/// <summary>An Argo WorkflowTemplate the platform renders from typed settings.</summary>
public interface IWorkflowDefinition
{
    /// <summary>The WorkflowTemplate name.</summary>
    string Name { get; }

    /// <summary>The WorkflowTemplate <c>spec</c>.</summary>
    /// <param name="serviceAccountName">The service account the step pods run as.</param>
    ImmutableDictionary<string, object> Spec(string serviceAccountName);
}

/// <summary>Where the pods of a workflow step run: the node labels of a pool and the tolerations of its taints.</summary>
/// <param name="NodeSelector">The pool's node labels; empty for any untainted node.</param>
/// <param name="Tolerations">The tolerations of the pool's taints.</param>
public sealed record StepPlacement(ImmutableDictionary<string, string> NodeSelector, ImmutableArray<PodToleration> Tolerations)
{
    /// <summary>Any untainted node.</summary>
    public static StepPlacement Anywhere { get; } = new(ImmutableDictionary<string, string>.Empty, []);

    /// <summary>A GPU pool: its labels, the GPU taint's toleration and the pool's other taints'.</summary>
    public static StepPlacement OnGpus(GpuPlacement gpu) => new(gpu.NodeSelector, [PodToleration.Gpu, .. gpu.PoolTolerations]);
}

/// <summary>The building blocks of the platform's workflow templates: restricted, pinned, bounded step templates.</summary>
public static class WorkflowSteps
{
    /// <summary>The writable scratch directory of every step (the root filesystem is read-only).</summary>
    public const string Scratch = "/tmp";

    /// <summary>
    /// A container step template: the image with its pinned tag, the arguments, requests and limits, the restricted
    /// security context with a writable <c>/tmp</c>, its PriorityClass, its pool (node selector and tolerations; a
    /// template's tolerations replace the workflow's, so the workflow-wide ones are repeated) and its retry strategy.
    /// </summary>
    public static Dictionary<string, object> Container(
        string name, string image, IEnumerable<string> args, Dictionary<string, object> resources, string priorityClass,
        StepPlacement placement, ImmutableArray<PodToleration> workflowTolerations, Dictionary<string, object> retry,
        IEnumerable<object>? volumeMounts = null)
    {
        var template = new Dictionary<string, object>
        {
            ["name"] = name,
            ["priorityClassName"] = priorityClass,
            ["retryStrategy"] = retry,
            ["container"] = new Dictionary<string, object>
            {
                ["image"] = image,
                ["args"] = args.Cast<object>().ToArray(),
                ["env"] = new object[] { new Dictionary<string, object> { ["name"] = "HOME", ["value"] = Scratch } },
                ["resources"] = resources,
                ["securityContext"] = PodSecurity.RestrictedContainer(),
                ["volumeMounts"] = (object[])[new Dictionary<string, object> { ["name"] = "tmp", ["mountPath"] = Scratch }, .. volumeMounts ?? []],
            },
        };
        if (!placement.NodeSelector.IsEmpty)
        {
            template["nodeSelector"] = placement.NodeSelector.OrderBy(l => l.Key, StringComparer.Ordinal).ToDictionary(l => l.Key, l => (object)l.Value);
        }

        if (!placement.Tolerations.IsEmpty || !workflowTolerations.IsEmpty)
        {
            template["tolerations"] = PodToleration.List([.. placement.Tolerations, .. workflowTolerations]);
        }

        return template;
    }

    /// <summary>Requests and limits of a step; GPUs (request equal to limit) when <paramref name="gpus"/> is positive.</summary>
    public static Dictionary<string, object> Resources(string cpu, string memory, string cpuLimit, string memoryLimit, int gpus = 0)
    {
        var requests = new Dictionary<string, object> { ["cpu"] = cpu, ["memory"] = memory };
        var limits = new Dictionary<string, object> { ["cpu"] = cpuLimit, ["memory"] = memoryLimit };
        if (gpus > 0)
        {
            var count = gpus.ToString(System.Globalization.CultureInfo.InvariantCulture);
            requests[GpuPlacement.GpuResource] = count;
            limits[GpuPlacement.GpuResource] = count;
        }

        return new Dictionary<string, object> { ["requests"] = requests, ["limits"] = limits };
    }

    /// <summary>A retry strategy with exponential backoff.</summary>
    public static Dictionary<string, object> Retry(int limit, string policy, string duration = "30s", string maxDuration = "10m") => new()
    {
        ["limit"] = limit,
        ["retryPolicy"] = policy,
        ["backoff"] = new Dictionary<string, object> { ["duration"] = duration, ["factor"] = 2, ["maxDuration"] = maxDuration },
    };

    /// <summary>A parameter declaration, with a default when <paramref name="value"/> is given.</summary>
    public static Dictionary<string, object> Parameter(string name, string? value, string description)
    {
        var parameter = new Dictionary<string, object> { ["name"] = name, ["description"] = description };
        if (value is not null)
        {
            parameter["value"] = value;
        }

        return parameter;
    }

    /// <summary>
    /// The workflow-level settings every platform template shares: entrypoint, service account, default PriorityClass,
    /// pod labels (the team label Kyverno requires, cloud identity labels), the restricted pod security context,
    /// deadline, pod GC and TTL, and the writable <c>/tmp</c> volume.
    /// </summary>
    public static ImmutableDictionary<string, object> Common(
        string entrypoint, string serviceAccountName, string priorityClass, ImmutableDictionary<string, string> podLabels,
        ImmutableArray<PodToleration> tolerations, int deadlineSeconds)
    {
        var spec = ImmutableDictionary<string, object>.Empty
            .Add("entrypoint", entrypoint)
            .Add("serviceAccountName", serviceAccountName)
            .Add("podPriorityClassName", priorityClass)
            .Add("securityContext", PodSecurity.RestrictedPod())
            .Add("activeDeadlineSeconds", deadlineSeconds)
            .Add("podGC", new Dictionary<string, object> { ["strategy"] = "OnPodSuccess" })
            .Add("ttlStrategy", new Dictionary<string, object> { ["secondsAfterCompletion"] = 7 * 24 * 3600 })
            .Add("volumes", new object[]
            {
                new Dictionary<string, object> { ["name"] = "tmp", ["emptyDir"] = new Dictionary<string, object> { ["sizeLimit"] = "2Gi" } },
            });
        if (!podLabels.IsEmpty)
        {
            spec = spec.Add("podMetadata", new Dictionary<string, object>
            {
                ["labels"] = podLabels.OrderBy(l => l.Key, StringComparer.Ordinal).ToDictionary(l => l.Key, l => (object)l.Value),
            });
        }

        if (!tolerations.IsEmpty)
        {
            spec = spec.Add("tolerations", PodToleration.List(tolerations));
        }

        return spec;
    }
}
