using System.Collections.Immutable;
using MlPlatform.Components.Addons;

namespace MlPlatform.Components.Workloads;

/// <summary>One GPU pool a benchmark runs on.</summary>
/// <param name="Pool">The pool's name (the step's and template's suffix).</param>
/// <param name="Placement">Its nodes' labels and taints.</param>
/// <param name="Gpus">GPUs per benchmark pod.</param>
public sealed record BenchmarkPool(string Pool, GpuPlacement Placement, int Gpus = 1);

/// <summary>
/// GPU benchmark jobs as an Argo WorkflowTemplate: one job per GPU pool (spot capacity), all in parallel, each
/// checkpointing to the bucket under the <c>checkpoint-path</c> parameter (per workflow and pool, so that a retry of
/// the same workflow resumes where the interrupted pod stopped) and retried when its node goes away: the retry
/// expression matches errors (pod deleted with its node) and the SIGTERM/SIGKILL exits of a drained spot node,
/// the retry avoids the node it failed on (<c>affinity.nodeAntiAffinity</c>), with exponential backoff while the
/// autoscaler finds new capacity. The step pods run as the namespace's workflow service account, whose cloud
/// identity has access to the bucket.
/// </summary>
public sealed record GpuBenchmarkWorkflow : IWorkflowDefinition
{
    /// <summary>
    /// Retry on node loss: an <c>Error</c> (the pod was deleted with its node), or a failure by SIGTERM (143) or
    /// SIGKILL (137), the exits of a pod on a reclaimed spot node; a benchmark's own failure (any other exit) is final.
    /// </summary>
    public const string NodeLossExpression = "lastRetry.status == 'Error' || (lastRetry.status == 'Failed' && asInt(lastRetry.exitCode) in [137, 143])";

    /// <summary>The WorkflowTemplate name.</summary>
    public required string Name { get; init; }

    /// <summary>The benchmark image with its pinned tag (<c>repository:tag</c>).</summary>
    public required string Image { get; init; }

    /// <summary>The GPU pools, one job each.</summary>
    public required ImmutableArray<BenchmarkPool> Pools { get; init; }

    /// <summary>The default of the <c>checkpoint-path</c> parameter: a bucket prefix (<c>s3://</c>, <c>gs://</c>, <c>https://…blob…</c>).</summary>
    public required string CheckpointPath { get; init; }

    /// <summary>How many times a job is retried after losing its node.</summary>
    public int Retries { get; init; } = 6;

    /// <summary>The PriorityClass of the jobs.</summary>
    public string PriorityClass { get; init; } = "low-priority-batch";

    /// <summary>Labels of every step pod (the namespace's team label, cloud identity labels).</summary>
    public ImmutableDictionary<string, string> PodLabels { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Tolerations of every step (the cloud's spot taints).</summary>
    public ImmutableArray<PodToleration> Tolerations { get; init; } = [];

    /// <summary>The retry strategy of a benchmark job.</summary>
    public Dictionary<string, object> RetryStrategy() => new()
    {
        ["limit"] = Retries,
        ["retryPolicy"] = "Always",
        ["expression"] = NodeLossExpression,
        ["affinity"] = new Dictionary<string, object> { ["nodeAntiAffinity"] = new Dictionary<string, object>() },
        ["backoff"] = new Dictionary<string, object> { ["duration"] = "1m", ["factor"] = 2, ["maxDuration"] = "1h" },
    };

    /// <inheritdoc/>
    public ImmutableDictionary<string, object> Spec(string serviceAccountName)
    {
        if (PriorityClass == "interactive")
        {
            throw new InvalidOperationException("Benchmarks are batch work: the interactive PriorityClass is reserved for online inference.");
        }

        if (Pools.IsEmpty)
        {
            throw new InvalidOperationException("A GPU benchmark needs at least one GPU pool.");
        }

        var jobs = Pools.Select(Job).ToArray();
        var main = new Dictionary<string, object>
        {
            ["name"] = "benchmark",
            ["steps"] = new object[]
            {
                // One parallel group: every pool's job at once.
                Pools.Select(p => (object)new Dictionary<string, object> { ["name"] = p.Pool, ["template"] = $"benchmark-{p.Pool}" }).ToArray(),
            },
        };

        return WorkflowSteps.Common("benchmark", serviceAccountName, PriorityClass, PodLabels, Tolerations, 48 * 3600)
            .Add("arguments", new Dictionary<string, object>
            {
                ["parameters"] = new object[]
                {
                    WorkflowSteps.Parameter("checkpoint-path", CheckpointPath, "Bucket prefix of the checkpoints; a job resumes from its latest one there"),
                    WorkflowSteps.Parameter("suite", "training", "The benchmark suite to run"),
                    WorkflowSteps.Parameter("steps", "10000", "Benchmark steps per job"),
                    WorkflowSteps.Parameter("checkpoint-every", "500", "Steps between two checkpoints"),
                },
            })
            .Add("templates", (object[])[main, .. jobs]);
    }

    private Dictionary<string, object> Job(BenchmarkPool pool)
    {
        var checkpoints = $"{{{{workflow.parameters.checkpoint-path}}}}/{{{{workflow.name}}}}/{pool.Pool}";
        var template = WorkflowSteps.Container(
            $"benchmark-{pool.Pool}", Image,
            [
                "--suite={{workflow.parameters.suite}}",
                "--steps={{workflow.parameters.steps}}",
                "--checkpoint-dir=" + checkpoints,
                "--checkpoint-every={{workflow.parameters.checkpoint-every}}",
                "--resume",
            ],
            WorkflowSteps.Resources("8", "32Gi", "16", "64Gi", pool.Gpus), PriorityClass, StepPlacement.OnGpus(pool.Placement), Tolerations, RetryStrategy());
        template["metadata"] = new Dictionary<string, object>
        {
            // Karpenter does not consolidate a node under a running job; a spot reclaim still ends it (and the retry resumes).
            ["annotations"] = new Dictionary<string, object> { [TrainingPipeline.DoNotDisruptAnnotation] = "true" },
        };
        return template;
    }
}
