using MlPlatform.Components.Addons;
using MlPlatform.Components.Aws;
using MlPlatform.Infra.Plan;
using MlPlatform.Tests.Aws;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Stacks;

/// <summary>
/// Autoscaling invariants of every stack file, whatever its cloud: an autoscaled model scales through KEDA on
/// vLLM's load (never on CPU), production model servers that scale keep two replicas and a budget, and EKS
/// clusters, which ship no metrics-server, get one.
/// </summary>
public class GpuAutoscalingStackTests
{
    public static TheoryData<string> Stacks => StackFiles.Names;

    private static string? Annotation(PlannedResource service, string key) =>
        service.Inputs["metadata"]?["annotations"]?[key]?.GetValue<string>();

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Every_autoscaled_model_scales_through_keda_on_the_model_servers_load(string stack)
    {
        var plan = await StackPlans.Of(stack);
        var production = plan.OfType("kubernetes:core/v1:Namespace").Any() && stack.EndsWith("production", StringComparison.Ordinal);

        foreach (var service in plan.OfType("kubernetes:serving.kserve.io/v1beta1:InferenceService"))
        {
            var predictor = service.Inputs["spec"]!["predictor"]!;
            var name = service.Inputs["metadata"]!["name"]!.GetValue<string>();
            var min = predictor["minReplicas"]!.AsInt();
            var max = predictor["maxReplicas"]!.AsInt();
            var autoscalerClass = Annotation(service, VllmInferenceService.AutoscalerClassAnnotation);
            if (max <= min)
            {
                Assert.Null(autoscalerClass);
                continue;
            }

            Assert.Empty(CrdSchema.Problems("serving.kserve.io", "v1beta1", "InferenceService", service.Inputs));
            string query;
            if (autoscalerClass == VllmInferenceService.KedaAutoscaler)
            {
                var metric = Assert.Single(predictor["autoScaling"]!["metrics"]!.AsArray())!;
                Assert.Equal("prometheus", metric["external"]!["metric"]!["backend"]!.GetValue<string>());
                query = metric["external"]!["metric"]!["query"]!.GetValue<string>();
            }
            else
            {
                // A canary forces class external: the platform's ScaledObject scales the stable predictor.
                Assert.Equal(VllmInferenceService.ExternalAutoscaler, autoscalerClass);
                Assert.NotNull(service.Inputs["spec"]!["canary"]);
                var scaled = plan.OfType("kubernetes:keda.sh/v1alpha1:ScaledObject")
                    .Single(s => s.Inputs["spec"]!["scaleTargetRef"]!["name"]!.GetValue<string>() == VllmInferenceService.PredictorDeployment(name));
                Assert.Empty(CrdSchema.Problems("keda.sh", "v1alpha1", "ScaledObject", scaled.Inputs));
                Assert.Equal(max, scaled.Inputs["spec"]!["maxReplicaCount"]!.AsInt());
                Assert.Contains(service.Urn, scaled.DependsOn);
                query = scaled.Inputs["spec"]!["triggers"]![0]!["metadata"]!["query"]!.GetValue<string>();
            }

            Assert.Contains("vllm:num_requests_running", query, StringComparison.Ordinal);
            Assert.Contains("vllm:num_requests_waiting", query, StringComparison.Ordinal);
            Assert.Contains($"service=\"{VllmInferenceService.PredictorDeployment(name)}\"", query, StringComparison.Ordinal);

            // KEDA itself is scraped and alerts on scaler errors.
            var rules = plan.OfType("kubernetes:monitoring.coreos.com/v1:PrometheusRule").SelectMany(r => r.Inputs["spec"]!["groups"]!.AsArray()).SelectMany(g => g!["rules"]!.AsArray());
            Assert.Contains(rules, r => r!["alert"]?.GetValue<string>() == "KEDAScalerErrors");
            Assert.Contains(plan.OfType("kubernetes:monitoring.coreos.com/v1:PodMonitor"), m => m.Inputs["metadata"]!["name"]!.GetValue<string>() == "keda-operator");

            if (production)
            {
                Assert.True(min >= 2, $"{stack}: the autoscaled {name} keeps {min} replicas in production");
                Assert.Contains(plan.OfType("kubernetes:policy/v1:PodDisruptionBudget"), b => b.Inputs["metadata"]!["name"]!.GetValue<string>() == VllmInferenceService.PredictorDeployment(name));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Every_eks_cluster_runs_metrics_server(string stack)
    {
        var plan = await StackPlans.Of(stack);
        if (!plan.OfType("aws:eks/cluster:Cluster").Any())
        {
            return;
        }

        var addon = plan.OfType("aws:eks/addon:Addon").Single(a => a.Inputs["addonName"]!.GetValue<string>() == EksCluster.MetricsServerAddon);
        Assert.Matches(@"\Av0\.8\.[0-9]+-eksbuild\.[0-9]+\z", addon.Inputs["addonVersion"]!.GetValue<string>());
    }
}
