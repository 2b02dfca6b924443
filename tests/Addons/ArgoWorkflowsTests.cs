using System.Collections.Immutable;
using System.Text.Json.Nodes;
using MlPlatform.Components.Addons;
using MlPlatform.Tests.Support;
using Pulumi.Kubernetes.Types.Inputs.Core.V1;
using Pulumi.Kubernetes.Types.Inputs.Meta.V1;
using Xunit;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Tests.Addons;

public class ArgoWorkflowsTests
{
    private static readonly TrainingPipeline Pipeline = new()
    {
        TrainingPlacement = new GpuPlacement(ImmutableDictionary<string, string>.Empty.Add("mlplatform.io/workload", "training")),
        MlflowTrackingUri = Mlflow.TrackingUriIn("mlflow"),
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Values_exist_in_the_chart(bool highAvailability)
    {
        var values = DependencyRecorder.Json(ArgoWorkflows.Values("argo", highAvailability, ["client"]));

        Assert.Empty(ChartValues.UnknownKeys("argo-workflows", "1.0.18", values));
    }

    [Fact]
    public void Controller_metrics_are_on_and_the_server_needs_authentication()
    {
        var values = DependencyRecorder.Json(ArgoWorkflows.Values("argo", false, ["sso", "client"]));

        Assert.True(values["controller"]!["metricsConfig"]!["enabled"]!.GetValue<bool>());
        Assert.Equal(["sso", "client"], values["server"]!["authModes"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal(["argo"], values["controller"]!["workflowNamespaces"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.False(values["workflow"]!["rbac"]!["create"]!.GetValue<bool>());
        Assert.Equal(ArgoWorkflows.WorkflowServiceAccountName,
            values["controller"]!["workflowDefaults"]!["spec"]!["serviceAccountName"]!.GetValue<string>());
    }

    [Fact]
    public void Production_runs_two_controllers_and_servers_with_budgets()
    {
        var values = DependencyRecorder.Json(ArgoWorkflows.Values("argo", true, ["client"]));

        Assert.Equal(2, values["controller"]!["replicas"]!.GetValue<int>());
        Assert.Equal(2, values["server"]!["replicas"]!.GetValue<int>());
        Assert.True(values["controller"]!["pdb"]!["enabled"]!.GetValue<bool>());
        Assert.True(values["server"]!["pdb"]!["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public void Executor_role_grants_only_what_the_executor_needs()
    {
        var rules = ArgoWorkflows.ExecutorRules().Select(r => $"{string.Join(",", r.ApiGroups)}|{string.Join(",", r.Resources)}|{string.Join(",", r.Verbs)}");

        Assert.Equal(["argoproj.io|workflowtaskresults|create,patch"], rules);
    }

    [Fact]
    public void Pipeline_is_valid_against_the_crd()
    {
        Assert.Empty(CrdSchema.Problems("argoproj.io", "v1alpha1", "WorkflowTemplate", Template(Pipeline)));
    }

    [Fact]
    public void Pipeline_runs_the_steps_in_order()
    {
        var spec = DependencyRecorder.Json(Pipeline.Spec("argo-workflow"));
        var entry = spec["templates"]!.AsArray().Single(t => t!["name"]!.GetValue<string>() == "pipeline")!;

        Assert.Equal(["ingest", "validate", "features", "train", "evaluate", "register"],
            entry["steps"]!.AsArray().Select(s => s![0]!["template"]!.GetValue<string>()));
        Assert.Equal("argo-workflow", spec["serviceAccountName"]!.GetValue<string>());
    }

    [Fact]
    public void Training_runs_on_the_gpu_pool_at_batch_priority()
    {
        var train = Step(Pipeline, "train");

        Assert.Equal("1", train["script"]!["resources"]!["limits"]!["nvidia.com/gpu"]!.GetValue<string>());
        Assert.Equal("nvidia.com/gpu", train["tolerations"]![0]!["key"]!.GetValue<string>());
        Assert.Equal("training", train["nodeSelector"]!["mlplatform.io/workload"]!.GetValue<string>());
        Assert.Equal("high-priority-batch", train["priorityClassName"]!.GetValue<string>());
        Assert.Equal(ImageCatalog.PyTorchCuda.Reference, train["script"]!["image"]!.GetValue<string>());

        // Karpenter leaves the node of a running GPU step alone; the CPU steps carry no such pin.
        Assert.Equal("true", train["metadata"]!["annotations"]![TrainingPipeline.DoNotDisruptAnnotation]!.GetValue<string>());
        Assert.Null(Step(Pipeline, "ingest")["metadata"]);
    }

    [Fact]
    public void No_step_is_interactive_and_every_step_retries_with_a_pinned_image_and_restricted_context()
    {
        var spec = DependencyRecorder.Json(Pipeline.Spec("argo-workflow"));
        var steps = spec["templates"]!.AsArray().Where(t => t!["script"] is not null).ToList();

        Assert.Equal(6, steps.Count);
        Assert.Equal("medium-priority-batch", spec["podPriorityClassName"]!.GetValue<string>());
        Assert.Equal("RuntimeDefault", spec["securityContext"]!["seccompProfile"]!["type"]!.GetValue<string>());
        Assert.All(steps, step =>
        {
            Assert.NotEqual("interactive", step!["priorityClassName"]?.GetValue<string>());
            Assert.True(step["retryStrategy"]!["limit"]!.GetValue<int>() >= 1);
            Assert.Contains(step["script"]!["image"]!.GetValue<string>(), ImageCatalog.All.Select(i => i.Reference));
            var context = step["script"]!["securityContext"]!;
            Assert.False(context["allowPrivilegeEscalation"]!.GetValue<bool>());
            Assert.True(context["runAsNonRoot"]!.GetValue<bool>());
        });
        Assert.Throws<InvalidOperationException>(() => (Pipeline with { TrainingPriorityClass = "interactive" }).Spec("argo-workflow"));
    }

    [Fact]
    public void Register_step_points_at_the_mlflow_service()
    {
        var register = Step(Pipeline, "register");
        var env = register["script"]!["env"]!.AsArray().ToDictionary(e => e!["name"]!.GetValue<string>(), e => e!["value"]!.GetValue<string>());

        Assert.Equal("http://mlflow.mlflow.svc.cluster.local:80", env["MLFLOW_TRACKING_URI"]);
        Assert.Equal(ImageCatalog.Mlflow.Reference, register["script"]!["image"]!.GetValue<string>());
    }

    [Fact]
    public void Without_mlflow_the_pipeline_stops_after_evaluation()
    {
        var spec = DependencyRecorder.Json((Pipeline with { MlflowTrackingUri = null }).Spec("argo-workflow"));

        Assert.DoesNotContain(spec["templates"]!.AsArray(), t => t!["name"]!.GetValue<string>() == "register");
        Assert.Empty(CrdSchema.Problems("argoproj.io", "v1alpha1", "WorkflowTemplate", Template(Pipeline with { MlflowTrackingUri = null })));
    }

    [Fact]
    public async Task Installs_the_release_then_rbac_then_the_template()
    {
        var (mocks, graph) = await DependencyRecorder.RunAsync(() =>
        {
            var ns = new K8s.Core.V1.Namespace("argo", new NamespaceArgs { Metadata = new ObjectMetaArgs { Name = "argo" } });
            _ = new ArgoWorkflows("argo-workflows", new ArgoWorkflowsArgs { Namespace = "argo", NamespaceReady = ns, Pipeline = Pipeline });
        });

        var release = DependencyRecorder.Json(mocks.Single(Types.Release, "argo-workflows"));
        Assert.Equal("argo-workflows", release["chart"]!.GetValue<string>());
        Assert.Equal("1.0.18", release["version"]!.GetValue<string>());
        Assert.Equal("https://argoproj.github.io/argo-helm", release["repositoryOpts"]!["repo"]!.GetValue<string>());
        Assert.Equal("argo", release["namespace"]!.GetValue<string>());
        Assert.True(graph.DependsOn(Types.Release, "argo-workflows", Types.Namespace, "argo"));
        Assert.True(graph.DependsOn(Types.WorkflowTemplate, "argo-workflows-seed-training-pipeline", Types.Release, "argo-workflows"));
        Assert.True(graph.DependsOn(Types.WorkflowTemplate, "argo-workflows-seed-training-pipeline", Types.RoleBinding, "argo-workflows-workflow"));

        var binding = DependencyRecorder.Json(mocks.Single(Types.RoleBinding, "argo-workflows-workflow"));
        Assert.Equal("argo-workflow", binding["subjects"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("argo-workflow-executor", binding["roleRef"]!["name"]!.GetValue<string>());
        var role = DependencyRecorder.Json(mocks.Single(Types.Role, "argo-workflows-workflow"));
        var rule = Assert.Single(role["rules"]!.AsArray())!;
        Assert.Equal(["workflowtaskresults"], rule["resources"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.DoesNotContain("secrets", role.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("pods", role.ToJsonString(), StringComparison.Ordinal);

        var template = DependencyRecorder.Json(mocks.Single(Types.WorkflowTemplate, "argo-workflows-seed-training-pipeline"));
        Assert.Empty(CrdSchema.Problems("argoproj.io", "v1alpha1", "WorkflowTemplate", template));
    }

    [Fact]
    public void Server_auth_mode_server_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new ArgoWorkflows("argo-workflows", new ArgoWorkflowsArgs
        {
            Namespace = "argo",
            NamespaceReady = null!,
            ServerAuthModes = ["server"],
        }));
    }

    private static JsonObject Step(TrainingPipeline pipeline, string name) =>
        DependencyRecorder.Json(pipeline.Spec("argo-workflow"))["templates"]!.AsArray()
            .Single(t => t!["name"]!.GetValue<string>() == name)!.AsObject();

    private static JsonObject Template(TrainingPipeline pipeline) => new()
    {
        ["apiVersion"] = "argoproj.io/v1alpha1",
        ["kind"] = "WorkflowTemplate",
        ["metadata"] = new JsonObject { ["name"] = pipeline.Name, ["namespace"] = "argo" },
        ["spec"] = DependencyRecorder.Json(pipeline.Spec("argo-workflow")),
    };
}
