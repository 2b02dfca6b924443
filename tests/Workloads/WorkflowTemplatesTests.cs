using System.Collections.Immutable;
using System.Text.Json.Nodes;
using MlPlatform.Components.Addons;
using MlPlatform.Components.Workloads;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Workloads;

/// <summary>The platform's WorkflowTemplates: 3D reconstruction and GPU benchmarks, as rendered specs.</summary>
public class WorkflowTemplatesTests
{
    private static readonly GpuPlacement T4 = new(ImmutableDictionary<string, string>.Empty.Add("gpu", "nvidia-t4").Add("node-type", "gpu-optimized"))
    {
        PoolTolerations = [new PodToleration("node-type", "NoSchedule")],
    };

    private static readonly GpuPlacement A100 = new(ImmutableDictionary<string, string>.Empty.Add("gpu", "nvidia-a100"));

    private static readonly ImmutableArray<PodToleration> Spot = [new("kubernetes.azure.com/scalesetpriority", "NoSchedule")];

    private static ReconstructionWorkflow Reconstruction => new()
    {
        Name = "reconstruction-3d",
        Image = "ghcr.io/kai-ml/reconstruction:1.6.2",
        CpuPlacement = new StepPlacement(ImmutableDictionary<string, string>.Empty.Add("node-type", "cpu-optimized"), []),
        MediumQualityPlacement = T4,
        HighQualityPlacement = A100,
        HighQualityGpus = 2,
        PodLabels = ImmutableDictionary<string, string>.Empty.Add("mlplatform.io/team", "kai-ml"),
        Tolerations = Spot,
    };

    private static GpuBenchmarkWorkflow Benchmark => new()
    {
        Name = "gpu-benchmark",
        Image = "ghcr.io/model-catalog/gpu-benchmark:0.9.0",
        Pools = [new("gpu-a100-spot", A100), new("gpu-l4-spot", new GpuPlacement(ImmutableDictionary<string, string>.Empty.Add("gpu", "nvidia-l4")))],
        CheckpointPath = "s3://bucket/checkpoints/gpu-workloads/gpu-benchmark",
        Tolerations = Spot,
    };

    private static JsonObject Spec(IWorkflowDefinition definition) => DependencyRecorder.Json(definition.Spec("argo-workflow"));

    private static JsonObject Template(IWorkflowDefinition definition, string name) =>
        Spec(definition)["templates"]!.AsArray().Single(t => t!["name"]!.GetValue<string>() == name)!.AsObject();

    private static JsonObject Object(IWorkflowDefinition definition) => new()
    {
        ["apiVersion"] = "argoproj.io/v1alpha1",
        ["kind"] = "WorkflowTemplate",
        ["metadata"] = new JsonObject { ["name"] = definition.Name, ["namespace"] = "team" },
        ["spec"] = Spec(definition),
    };

    private static IEnumerable<JsonObject> Containers(IWorkflowDefinition definition) =>
        Spec(definition)["templates"]!.AsArray().Select(t => t!.AsObject()).Where(t => t["container"] is not null);

    [Fact]
    public void Both_templates_pass_the_workflow_template_crd()
    {
        Assert.Empty(CrdSchema.Problems("argoproj.io", "v1alpha1", "WorkflowTemplate", Object(Reconstruction)));
        Assert.Empty(CrdSchema.Problems("argoproj.io", "v1alpha1", "WorkflowTemplate", Object(Benchmark)));
    }

    [Fact]
    public void Reconstruction_assesses_then_runs_one_quality_branch_fanned_out_then_converts_and_finalizes()
    {
        var steps = Template(Reconstruction, "reconstruct")["steps"]!.AsArray();

        Assert.Equal(4, steps.Count);
        Assert.Equal("assess-quality", steps[0]![0]!["template"]!.GetValue<string>());
        var branches = steps[1]!.AsArray();
        Assert.Equal(["reconstruct-low", "reconstruct-medium", "reconstruct-high"], branches.Select(b => b!["template"]!.GetValue<string>()));
        foreach (var (branch, quality) in branches.Zip(ReconstructionWorkflow.Qualities))
        {
            Assert.Equal($"'{{{{steps.assess.outputs.parameters.quality}}}}' == '{quality}'", branch!["when"]!.GetValue<string>());
            Assert.Equal("{{steps.assess.outputs.parameters.images}}", branch["withParam"]!.GetValue<string>());
            Assert.Equal("{{item}}", branch["arguments"]!["parameters"]![0]!["value"]!.GetValue<string>());
        }

        Assert.Equal("convert-format", steps[2]![0]!["template"]!.GetValue<string>());
        Assert.Equal("finalize", steps[3]![0]!["template"]!.GetValue<string>());
        var outputs = Template(Reconstruction, "assess-quality")["outputs"]!["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>());
        Assert.Equal(["quality", "images"], outputs);
        Assert.Equal(8, Spec(Reconstruction)["parallelism"]!.GetValue<int>());
        Assert.Equal("kai-ml", Spec(Reconstruction)["podMetadata"]!["labels"]!["mlplatform.io/team"]!.GetValue<string>());
    }

    [Fact]
    public void Gpu_branches_run_on_their_gpu_pools_with_the_tolerations_and_cpu_steps_stay_off_them()
    {
        var medium = Template(Reconstruction, "reconstruct-medium");
        Assert.Equal("nvidia-t4", medium["nodeSelector"]!["gpu"]!.GetValue<string>());
        Assert.Equal("gpu-optimized", medium["nodeSelector"]!["node-type"]!.GetValue<string>());
        var tolerations = medium["tolerations"]!.AsArray().Select(t => t!["key"]!.GetValue<string>()).ToList();
        Assert.Equal(["kubernetes.azure.com/scalesetpriority", "node-type", "nvidia.com/gpu"], tolerations);
        Assert.Equal("1", medium["container"]!["resources"]!["limits"]!["nvidia.com/gpu"]!.GetValue<string>());
        Assert.Equal("high-priority-batch", medium["priorityClassName"]!.GetValue<string>());

        var high = Template(Reconstruction, "reconstruct-high");
        Assert.Equal("nvidia-a100", high["nodeSelector"]!["gpu"]!.GetValue<string>());
        Assert.Equal("2", high["container"]!["resources"]!["requests"]!["nvidia.com/gpu"]!.GetValue<string>());
        Assert.Contains(high["tolerations"]!.AsArray(), t => t!["key"]!.GetValue<string>() == "nvidia.com/gpu");

        foreach (var name in new[] { "assess-quality", "reconstruct-low", "convert-format", "finalize" })
        {
            var step = Template(Reconstruction, name);
            Assert.Equal("cpu-optimized", step["nodeSelector"]!["node-type"]!.GetValue<string>());
            Assert.Null(step["container"]!["resources"]!["limits"]!["nvidia.com/gpu"]);
            Assert.Equal("medium-priority-batch", step["priorityClassName"]!.GetValue<string>());
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Every_step_has_requests_limits_a_pinned_image_a_restricted_context_and_a_retry(bool reconstruction)
    {
        IWorkflowDefinition definition = reconstruction ? Reconstruction : Benchmark;
        var spec = Spec(definition);
        Assert.Equal("argo-workflow", spec["serviceAccountName"]!.GetValue<string>());
        Assert.True(spec["securityContext"]!["runAsNonRoot"]!.GetValue<bool>());
        Assert.Equal("RuntimeDefault", spec["securityContext"]!["seccompProfile"]!["type"]!.GetValue<string>());
        foreach (var step in Containers(definition))
        {
            var container = step["container"]!;
            Assert.NotNull(container["resources"]!["requests"]!["cpu"]);
            Assert.NotNull(container["resources"]!["limits"]!["memory"]);
            Assert.Matches(@":\d+\.\d+\.\d+$", container["image"]!.GetValue<string>());
            Assert.False(container["securityContext"]!["allowPrivilegeEscalation"]!.GetValue<bool>());
            Assert.True(container["securityContext"]!["readOnlyRootFilesystem"]!.GetValue<bool>());
            Assert.Equal("ALL", container["securityContext"]!["capabilities"]!["drop"]![0]!.GetValue<string>());
            Assert.Contains(container["volumeMounts"]!.AsArray(), m => m!["mountPath"]!.GetValue<string>() == "/tmp");
            Assert.NotNull(step["retryStrategy"]!["limit"]);
            Assert.NotEqual("interactive", step["priorityClassName"]!.GetValue<string>());
        }
    }

    [Fact]
    public void Benchmark_runs_one_job_per_gpu_pool_in_parallel_on_that_pool()
    {
        var group = Template(Benchmark, "benchmark")["steps"]!.AsArray().Single()!.AsArray();
        Assert.Equal(["benchmark-gpu-a100-spot", "benchmark-gpu-l4-spot"], group.Select(s => s!["template"]!.GetValue<string>()));

        var l4 = Template(Benchmark, "benchmark-gpu-l4-spot");
        Assert.Equal("nvidia-l4", l4["nodeSelector"]!["gpu"]!.GetValue<string>());
        Assert.Equal(["kubernetes.azure.com/scalesetpriority", "nvidia.com/gpu"], l4["tolerations"]!.AsArray().Select(t => t!["key"]!.GetValue<string>()));
        Assert.Equal("1", l4["container"]!["resources"]!["limits"]!["nvidia.com/gpu"]!.GetValue<string>());
        Assert.Equal("true", l4["metadata"]!["annotations"]![TrainingPipeline.DoNotDisruptAnnotation]!.GetValue<string>());
    }

    [Fact]
    public void Benchmark_jobs_checkpoint_under_the_parameter_and_retry_on_node_loss_elsewhere_with_backoff()
    {
        var parameter = Spec(Benchmark)["arguments"]!["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "checkpoint-path")!;
        Assert.Equal("s3://bucket/checkpoints/gpu-workloads/gpu-benchmark", parameter["value"]!.GetValue<string>());

        var job = Template(Benchmark, "benchmark-gpu-a100-spot");
        var args = job["container"]!["args"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
        Assert.Contains("--checkpoint-dir={{workflow.parameters.checkpoint-path}}/{{workflow.name}}/gpu-a100-spot", args);
        Assert.Contains("--resume", args);

        var retry = job["retryStrategy"]!;
        Assert.Equal(6, retry["limit"]!.GetValue<int>());
        Assert.Equal(GpuBenchmarkWorkflow.NodeLossExpression, retry["expression"]!.GetValue<string>());
        Assert.Contains("lastRetry.status == 'Error'", GpuBenchmarkWorkflow.NodeLossExpression, StringComparison.Ordinal);
        Assert.NotNull(retry["affinity"]!["nodeAntiAffinity"]);
        Assert.Equal("1m", retry["backoff"]!["duration"]!.GetValue<string>());
        Assert.Equal("low-priority-batch", job["priorityClassName"]!.GetValue<string>());
    }

    [Fact]
    public void Interactive_priority_is_refused()
    {
        Assert.Throws<InvalidOperationException>(() => Reconstruction with { GpuPriorityClass = "interactive" } is var r ? r.Spec("sa") : null);
        Assert.Throws<InvalidOperationException>(() => Benchmark with { PriorityClass = "interactive" } is var b ? b.Spec("sa") : null);
    }

    [Theory]
    [InlineData("s3://bucket", "s3://bucket/checkpoints/x")]
    [InlineData("gs://bucket/", "gs://bucket/checkpoints/x")]
    [InlineData("wasbs://mlflow@acct.blob.core.windows.net", "https://acct.blob.core.windows.net/mlflow/checkpoints/x")]
    public void Bucket_prefixes_are_in_the_form_object_store_clients_take(string bucket, string expected) =>
        Assert.Equal(expected, BucketPaths.Under(bucket, "checkpoints/x"));
}
