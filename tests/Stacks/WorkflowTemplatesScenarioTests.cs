using System.Text.Json.Nodes;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Infra.Plan;
using MlPlatform.Stacks.Configuration;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Stacks;

/// <summary>The teams' WorkflowTemplates of every stack file, as planned.</summary>
public class WorkflowTemplatesScenarioTests
{
    private const string WorkflowTemplate = "kubernetes:argoproj.io/v1alpha1:WorkflowTemplate";

    private static PlatformConfig Config(string stack)
    {
        var values = StackConfigFile.Load(RepositoryPaths.Root, stack).Values;
        return ConfigReader.Read(key => values.GetValueOrDefault($"mlplatform:{key}"));
    }

    private static JsonObject Template(PlanResult plan, string ns, string name) =>
        plan.OfType(WorkflowTemplate).Single(r => r.Inputs["metadata"]!["namespace"]!.GetValue<string>() == ns && r.Inputs["metadata"]!["name"]!.GetValue<string>() == name).Inputs;

    private static JsonObject Step(JsonObject template, string name) =>
        template["spec"]!["templates"]!.AsArray().Single(t => t!["name"]!.GetValue<string>() == name)!.AsObject();

    [Theory]
    [MemberData(nameof(StackFiles.Names), MemberType = typeof(StackFiles))]
    public async Task Every_template_passes_the_crd_and_runs_in_its_team_namespace_with_a_workflow_account(string stack)
    {
        var config = Config(stack);
        var plan = await StackPlans.Of(stack);

        foreach (var template in plan.OfType(WorkflowTemplate))
        {
            Assert.Empty(CrdSchema.Problems("argoproj.io", "v1alpha1", "WorkflowTemplate", template.Inputs));
        }

        foreach (var configured in config.WorkflowTemplates)
        {
            var template = Template(plan, configured.Namespace, configured.Name);
            var team = config.FindNamespace(configured.Namespace)!.Name;
            Assert.Equal(team, template["spec"]!["podMetadata"]!["labels"]![PlatformLabels.Team]!.GetValue<string>());
            Assert.Equal("argo-workflow", template["spec"]!["serviceAccountName"]!.GetValue<string>());
            Assert.Single(plan.OfType("kubernetes:core/v1:ServiceAccount"), a =>
                a.Inputs["metadata"]!["namespace"]!.GetValue<string>() == configured.Namespace && a.Inputs["metadata"]!["name"]!.GetValue<string>() == "argo-workflow");
            var binding = plan.OfType("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding").Single(b =>
                b.Inputs["metadata"]!["namespace"]!.GetValue<string>() == configured.Namespace && b.Inputs["metadata"]!["name"]!.GetValue<string>() == "argo-workflow-executor");
            Assert.Equal("argo-workflow", binding.Inputs["subjects"]![0]!["name"]!.GetValue<string>());

            // The executor reports results to the API server: the namespace's policies let it.
            Assert.Contains(plan.OfType("kubernetes:networking.k8s.io/v1:NetworkPolicy"), p =>
                p.Inputs["metadata"]!["namespace"]!.GetValue<string>() == configured.Namespace
                && p.Inputs["metadata"]!["name"]!.GetValue<string>().Contains("workflow-api-server", StringComparison.Ordinal));

            foreach (var step in template["spec"]!["templates"]!.AsArray().Where(t => t!["container"] is not null))
            {
                Assert.NotNull(step!["container"]!["resources"]!["limits"]!["cpu"]);
                Assert.Contains(step["priorityClassName"]!.GetValue<string>(), PriorityTier.Ladder.Select(t => t.Name));
                Assert.EndsWith($":{configured.Tag}", step["container"]!["image"]!.GetValue<string>(), StringComparison.Ordinal);
                if (step["container"]!["resources"]!["limits"]!["nvidia.com/gpu"] is not null)
                {
                    Assert.Contains(step["tolerations"]!.AsArray(), t => t!["key"]!.GetValue<string>() == "nvidia.com/gpu");
                    var pool = config.NodePools.Single(p => p.IsGpu && p.Labels.All(l => step["nodeSelector"]?[l.Key]?.GetValue<string>() == l.Value));
                    Assert.All(pool.Taints, taint => Assert.Contains(step["tolerations"]!.AsArray(), t => t!["key"]!.GetValue<string>() == taint.Key));
                }
            }
        }
    }

    [Fact]
    public async Task Kai_declares_the_reconstruction_pipeline_on_its_t4_and_a100_pools()
    {
        var template = Template(await StackPlans.Of("kai"), "kai-ml", "reconstruction-3d");

        Assert.Equal("nvidia-t4", Step(template, "reconstruct-medium")["nodeSelector"]!["gpu"]!.GetValue<string>());
        Assert.Contains(Step(template, "reconstruct-medium")["tolerations"]!.AsArray(), t => t!["key"]!.GetValue<string>() == "node-type");
        Assert.Equal("nvidia-a100", Step(template, "reconstruct-high")["nodeSelector"]!["gpu"]!.GetValue<string>());
        Assert.Equal("2", Step(template, "reconstruct-high")["container"]!["resources"]!["limits"]!["nvidia.com/gpu"]!.GetValue<string>());
        Assert.Equal("cpu-optimized", Step(template, "reconstruct-low")["nodeSelector"]!["node-type"]!.GetValue<string>());
        var branches = Step(template, "reconstruct")["steps"]![1]!.AsArray();
        Assert.All(branches, b => Assert.StartsWith("'{{steps.assess.outputs.parameters.quality}}' == ", b!["when"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.All(branches, b => Assert.Equal("{{steps.assess.outputs.parameters.images}}", b!["withParam"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Model_catalog_benchmarks_checkpoint_to_its_bucket_with_the_workflow_accounts_role()
    {
        var plan = await StackPlans.Of("model-catalog");
        var template = Template(plan, "gpu-workloads", "gpu-benchmark");

        var jobs = Step(template, "benchmark")["steps"]![0]!.AsArray().Select(s => s!["template"]!.GetValue<string>());
        Assert.Equal(["benchmark-gpu-a100-spot", "benchmark-gpu-h100-spot", "benchmark-gpu-l4-spot"], jobs);
        var checkpoint = template["spec"]!["arguments"]!["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "checkpoint-path")!;
        Assert.Matches(@"^s3://mlplatform-model-catalog-mlflow-[0-9a-f]+/checkpoints/gpu-workloads/gpu-benchmark$", checkpoint["value"]!.GetValue<string>());
        foreach (var job in jobs)
        {
            var retry = Step(template, job)["retryStrategy"]!;
            Assert.Contains("'Error'", retry["expression"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.NotNull(retry["affinity"]!["nodeAntiAffinity"]);
        }

        // The workflow account's own role on the bucket (Pod Identity: an association, no annotation needed).
        var association = plan.OfType("aws:eks/podIdentityAssociation:PodIdentityAssociation")
            .Single(a => a.Inputs["namespace"]!.GetValue<string>() == "gpu-workloads" && a.Inputs["serviceAccount"]!.GetValue<string>() == "argo-workflow");
        Assert.NotNull(association.Inputs["roleArn"]);
        var policy = plan.OfType("aws:iam/rolePolicy:RolePolicy").Single(p => p.Name == "gpu-workloads-argo-workflow-pod-identity");
        Assert.Contains("s3:PutObject", policy.Inputs["policy"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
