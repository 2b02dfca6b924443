using MlPlatform.Components.Kubernetes;
using MlPlatform.Infra.Plan;
using MlPlatform.Stacks.Configuration;
using MlPlatform.Stacks.Shared;
using MlPlatform.Tests.Aws;
using MlPlatform.Tests.Configuration;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Stacks;

/// <summary>The AWS staging stack file, planned once for the class.</summary>
public sealed class AwsStagingPlan
{
    private readonly Lazy<Task<PlanResult>> _plan = new(() => Scenario.StackFileAsync("staging"));

    /// <summary>The plan.</summary>
    public Task<PlanResult> Plan => _plan.Value;
}

/// <summary>KEDA where the cloud does not run it: the chart in its own guarded namespace, scaling the sample model.</summary>
public class KedaPlacementTests(AwsStagingPlan staging) : IClassFixture<AwsStagingPlan>
{
    private static PlannedResource Policy(PlanResult plan, string ns, string name) =>
        plan.OfType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
            .Single(p => p.Inputs["metadata"]!["namespace"]!.GetValue<string>() == ns && p.Inputs["metadata"]!["name"]!.GetValue<string>() == name);

    [Fact]
    public async Task Keda_chart_runs_in_its_own_guarded_namespace_and_reaches_prometheus_only()
    {
        var plan = await staging.Plan;

        var release = plan.OfType("kubernetes:helm.sh/v3:Release").Single(r => r.Name == "keda");
        Assert.Equal("keda", release.Inputs["namespace"]!.GetValue<string>());
        Assert.Contains(plan.Get(PlatformNamespace.TypeToken, "keda").Urn, plan.Get("mlplatform:addons:Keda", "keda").DependsOn);
        var ns = plan.OfType("kubernetes:core/v1:Namespace").Single(n => n.Inputs["metadata"]!["name"]!.GetValue<string>() == "keda");
        Assert.Equal("restricted", ns.Inputs["metadata"]!["labels"]!["pod-security.kubernetes.io/enforce"]!.GetValue<string>());

        var egress = Policy(plan, "keda", "allow-to-prometheus").Inputs["spec"]!["egress"]![0]!;
        Assert.Equal("monitoring", egress["to"]![0]!["namespaceSelector"]!["matchLabels"]!["kubernetes.io/metadata.name"]!.GetValue<string>());
        Assert.Equal(9090, egress["ports"]![0]!["port"]!.AsInt());
        var ingress = Policy(plan, "monitoring", "allow-from-keda").Inputs["spec"]!["ingress"]![0]!;
        Assert.Equal("keda", ingress["from"]![0]!["namespaceSelector"]!["matchLabels"]!["kubernetes.io/metadata.name"]!.GetValue<string>());
        var webhooks = Policy(plan, "keda", "allow-webhooks").Inputs["spec"]!["ingress"]![0]!;
        Assert.Equal(new[] { 9443, 6443 }, webhooks["ports"]!.AsArray().Select(p => p!["port"]!.AsInt()));
    }

    [Fact]
    public async Task The_sample_model_is_scaled_by_kserve_through_keda_after_the_chart()
    {
        var plan = await staging.Plan;

        // No canary in staging: KServe's keda class renders the ScaledObject; the platform renders none itself.
        Assert.Empty(plan.OfType("kubernetes:keda.sh/v1alpha1:ScaledObject"));
        var service = plan.Get("kubernetes:serving.kserve.io/v1beta1:InferenceService", "sample-llm");
        Assert.Equal("keda", service.Inputs["metadata"]!["annotations"]!["serving.kserve.io/autoscalerClass"]!.GetValue<string>());
        Assert.Contains(plan.OfType("kubernetes:helm.sh/v3:Release").Single(r => r.Name == "keda").Urn, service.DependsOn);
        var metric = Assert.Single(service.Inputs["spec"]!["predictor"]!["autoScaling"]!["metrics"]!.AsArray())!;
        Assert.Contains("vllm:num_requests_waiting", metric["external"]!["metric"]!["query"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(3, service.Inputs["spec"]!["predictor"]!["maxReplicas"]!.AsInt());
        Assert.Equal("keda", plan.OfType("kubernetes:monitoring.coreos.com/v1:PodMonitor")
            .Single(m => m.Inputs["metadata"]!["name"]!.GetValue<string>() == "keda-operator").Inputs["spec"]!["namespaceSelector"]!["matchNames"]![0]!.GetValue<string>());
        Assert.Empty(CrdSchema.Problems("serving.kserve.io", "v1beta1", "InferenceService", service.Inputs));
    }

    [Fact]
    public void Production_autoscaled_models_keep_two_replicas_and_scaling_settings_are_checked()
    {
        static ConfigFixture Sample(object sample, string environment = "staging") =>
            ConfigFixture.Valid().Set("environment", environment).Set("nodePools", new[] { ConfigFixture.GpuPool(max: 4) }).Set("kserve", new { sampleModel = sample });

        var problem = Assert.Single(Sample(new { model = "Qwen/Qwen2.5-0.5B-Instruct", maxReplicas = 3 }, "production").Problems());
        Assert.Equal("mlplatform:kserve.sampleModel.replicas", problem.Key);
        Assert.Contains("at least 2 replicas", problem.Message, StringComparison.Ordinal);
        Assert.True(Sample(new { model = "Qwen/Qwen2.5-0.5B-Instruct", replicas = 2, maxReplicas = 3 }, "production").Read().Kserve.SampleModel!.Autoscaled);
        Assert.False(Sample(new { model = "Qwen/Qwen2.5-0.5B-Instruct" }, "production").Read().Kserve.SampleModel!.Autoscaled);

        var scaling = Sample(new { model = "Qwen/Qwen2.5-0.5B-Instruct", maxReplicas = 3, targetRequestsPerReplica = 4, scaleDownDelaySeconds = 900 }).Read().Kserve.SampleModel!.Scaling;
        Assert.Equal(4, scaling.TargetRequestsPerReplica);
        Assert.Equal(900, scaling.ScaleDownDelaySeconds);
        var autoscaling = ServedModels.Autoscaling(Sample(new { model = "Qwen/Qwen2.5-0.5B-Instruct", maxReplicas = 3, targetRequestsPerReplica = 4 }).Read().Models[0])!;
        Assert.Equal(4, autoscaling.TargetRequestsPerReplica);
        Assert.Equal(3, autoscaling.MaxReplicas);
        Assert.Equal("mlplatform:kserve.sampleModel.targetRequestsPerReplica", Assert.Single(Sample(new { model = "Qwen/Qwen2.5-0.5B-Instruct", targetRequestsPerReplica = 0 }).Problems()).Key);
        Assert.Equal("mlplatform:kserve.sampleModel.scaleDownDelaySeconds", Assert.Single(Sample(new { model = "Qwen/Qwen2.5-0.5B-Instruct", scaleDownDelaySeconds = -1 }).Problems()).Key);
    }

    [Fact]
    public async Task Without_keda_there_is_no_chart_namespace_or_scaled_object_and_replicas_stay_fixed()
    {
        var config = Scenario.Existing();
        config["addons"] = new Dictionary<string, object> { ["keda"] = false };
        config["nodePools"] = new[] { ConfigFixture.GpuPool() };
        config["kserve"] = new Dictionary<string, object> { ["sampleModel"] = new Dictionary<string, object> { ["model"] = "Qwen/Qwen2.5-0.5B-Instruct" } };
        var plan = await Scenario.RunAsync(config);

        Assert.Empty(plan.OfType("mlplatform:addons:Keda"));
        Assert.Empty(plan.OfType("kubernetes:keda.sh/v1alpha1:ScaledObject"));
        Assert.DoesNotContain(plan.OfType("kubernetes:core/v1:Namespace"), n => n.Inputs["metadata"]!["name"]!.GetValue<string>() == "keda");
        var service = Assert.Single(plan.OfType("kubernetes:serving.kserve.io/v1beta1:InferenceService")).Inputs;
        Assert.Null(service["metadata"]!["annotations"]!["serving.kserve.io/autoscalerClass"]);
        Assert.Equal(1, service["spec"]!["predictor"]!["maxReplicas"]!.AsInt());
    }

    [Fact]
    public void Scaling_bounds_must_fit_keda_and_the_pool()
    {
        static ConfigFixture Sample(object sample, object? addons = null)
        {
            var config = ConfigFixture.Valid().Set("nodePools", new[] { ConfigFixture.GpuPool(max: 2) }).Set("kserve", new { sampleModel = sample });
            return addons is null ? config : config.Set("addons", addons);
        }

        var fixedSize = Sample(new { model = "Qwen/Qwen2.5-0.5B-Instruct" }).Read().Kserve.SampleModel!;
        Assert.Equal(1, fixedSize.MaxReplicas);
        Assert.False(fixedSize.Autoscaled);
        var scaled = Sample(new { model = "Qwen/Qwen2.5-0.5B-Instruct", maxReplicas = 2 }).Read().Kserve.SampleModel!;
        Assert.True(scaled.Autoscaled);
        Assert.Equal(2, scaled.MaxReplicas);
        Assert.Contains("enable mlplatform:addons.keda", Assert.Single(Sample(new { model = "Qwen/Qwen2.5-0.5B-Instruct", maxReplicas = 2 }, new { keda = false }).Problems()).Message, StringComparison.Ordinal);
        Assert.Equal("mlplatform:kserve.sampleModel.maxReplicas", Assert.Single(Sample(new { model = "Qwen/Qwen2.5-0.5B-Instruct", replicas = 2, maxReplicas = 1 }).Problems()).Key);
        Assert.Contains("exceed the 2 GPUs pool", Assert.Single(Sample(new { model = "Qwen/Qwen2.5-0.5B-Instruct", maxReplicas = 3 }).Problems()).Message, StringComparison.Ordinal);
        Assert.Contains("and 1 canary", Assert.Single(Sample(new { model = "Qwen/Qwen2.5-0.5B-Instruct", maxReplicas = 2, canaryModel = "Qwen/Qwen2.5-1.5B-Instruct", canaryTrafficPercent = 10 }).Problems()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Allow_matrix_opens_prometheus_to_wherever_keda_runs()
    {
        var config = ConfigFixture.Valid().Read();

        var monitoring = AllowMatrix.RulesFor(config.FindNamespace(PlatformNamespaces.Monitoring)!, config, "kube-system");
        var fromKeda = Assert.Single(monitoring, r => r.Name == "from-keda");
        Assert.Equal("kube-system", fromKeda.Namespaces[0]["kubernetes.io/metadata.name"]);
        Assert.Equal(9090, Assert.Single(fromKeda.Ports).Port);
        Assert.DoesNotContain(AllowMatrix.RulesFor(config.FindNamespace(PlatformNamespaces.Monitoring)!, config), r => r.Name == "from-keda");

        var keda = AllowMatrix.RulesFor(config.FindNamespace(PlatformNamespaces.Keda)!, config, PlatformNamespaces.Keda);
        Assert.Equal("monitoring", Assert.Single(keda, r => r.Name == "to-prometheus").Namespaces[0]["kubernetes.io/metadata.name"]);
    }

    [Fact]
    public void Spot_tolerations_come_from_the_pools_and_the_cloud_not_from_the_cloud_name()
    {
        var config = ConfigFixture.Valid().Set("nodePools", new[] { ConfigFixture.GpuPool() }).Read();
        var spotPool = config.NodePools[0] with { Spot = true };
        var cloud = new CloudIntegration { SpotNodeTaints = [new TaintConfig("example.com/spot", "true", "NoSchedule")] };

        Assert.Equal(["example.com/spot", "nvidia.com/gpu"], NodePoolScheduling.NodeTaints(spotPool, cloud).Select(t => t.Key).Order(StringComparer.Ordinal));
        Assert.Equal(["nvidia.com/gpu"], NodePoolScheduling.NodeTaints(config.NodePools[0], cloud).Select(t => t.Key));
        Assert.Equal("example.com/spot", Assert.Single(NodePoolScheduling.PlacementOn(spotPool, cloud).PoolTolerations).Key);
        Assert.Empty(NodePoolScheduling.SpotTolerations(config, cloud));
        Assert.Equal("example.com/spot", Assert.Single(NodePoolScheduling.SpotTolerations(config with { NodePools = [spotPool] }, cloud)).Key);
        Assert.Empty(NodePoolScheduling.SpotTolerations(config with { NodePools = [spotPool] }, CloudIntegration.None));
    }
}
