using System.Collections.Immutable;
using System.Text.Json.Nodes;
using MlPlatform.Components.Addons;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Tests.Aws;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Addons;

/// <summary>The Kueue chart and its queueing objects: flavors, cohort queues, local queues and priority classes.</summary>
public class KueueTests
{
    private static readonly ChartReference Chart = VersionCatalog.Kueue;

    private static readonly KueueFlavor CpuFlavor = new("cpu-batch", ImmutableDictionary<string, string>.Empty.Add("mlplatform.io/workload", "batch"), [], [], 0);

    private static readonly KueueFlavor GpuFlavor = new(
        "gpu-training",
        ImmutableDictionary<string, string>.Empty.Add("mlplatform.io/workload", "training"),
        [new PodToleration("kubernetes.azure.com/scalesetpriority", "NoSchedule")],
        [new FlavorTaint("nvidia.com/gpu", "present", "NoSchedule")],
        8);

    private static readonly KueueTeamQueue Team = new("team-a", "100", "200Gi", 16) { BorrowingLimit = 4, LendingLimit = 20 };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_chart_value_exists_in_kueue_0_19_2(bool ha)
    {
        var values = Json.Of(Kueue.Values(new KueueArgs { Namespace = "kueue-system", HighAvailability = ha, PriorityClassName = "system-critical", ManagedNamespaces = ["team-a", "argo"] }));

        Assert.Empty(ChartValues.UnknownKeys(Chart.Name, Chart.Version, values));
        Assert.Equal("oci://registry.k8s.io/kueue/charts/kueue", Chart.Source);
        var manager = values["controllerManager"]!;
        Assert.Equal(ha ? 2 : 1, manager["replicas"]!.GetValue<int>());
        Assert.Equal("system-critical", manager["manager"]!["priorityClassName"]!.GetValue<string>());
        Assert.Equal("registry.k8s.io/kueue/kueue", manager["manager"]!["image"]!["repository"]!.GetValue<string>());
        Assert.Equal("v0.19.2", manager["manager"]!["image"]!["tag"]!.GetValue<string>());
        Assert.Equal(ha, manager["podDisruptionBudget"]?["enabled"]?.GetValue<bool>() ?? false);
    }

    [Fact]
    public void Manager_config_queues_only_labelled_jobs_and_pods_in_the_managed_namespaces()
    {
        var config = Kueue.ManagerConfig(["team-a", "argo"]);

        Assert.Contains("apiVersion: config.kueue.x-k8s.io/v1beta2", config, StringComparison.Ordinal);
        Assert.Contains("manageJobsWithoutQueueName: false", config, StringComparison.Ordinal);
        Assert.Contains("      operator: In\n      values:\n        - team-a\n        - argo\n", config.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("  frameworks:\n    - \"batch/job\"\n    - \"pod\"\n", config.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.DoesNotContain("deployment", config, StringComparison.Ordinal);
        Assert.Contains("operator: DoesNotExist", Kueue.ManagerConfig([]), StringComparison.Ordinal);
    }

    [Fact]
    public void Flavors_fit_the_real_crd_with_the_pools_labels_taints_and_tolerations()
    {
        var gpu = Json.Of(KueueQueues.FlavorSpec(GpuFlavor));
        Assert.Empty(CrdSchema.Problems("kueue.x-k8s.io", "v1beta2", "ResourceFlavor", Json.Object(KueueQueues.ApiVersion, "ResourceFlavor", "gpu-training", null, KueueQueues.FlavorSpec(GpuFlavor))));
        Assert.Empty(CrdSchema.Problems("kueue.x-k8s.io", "v1beta2", "ResourceFlavor", Json.Object(KueueQueues.ApiVersion, "ResourceFlavor", "cpu-batch", null, KueueQueues.FlavorSpec(CpuFlavor))));

        Assert.Equal("training", gpu["nodeLabels"]!["mlplatform.io/workload"]!.GetValue<string>());
        var taint = Assert.Single(gpu["nodeTaints"]!.AsArray())!;
        Assert.Equal("nvidia.com/gpu", taint["key"]!.GetValue<string>());
        Assert.Equal("NoSchedule", taint["effect"]!.GetValue<string>());
        var toleration = Assert.Single(gpu["tolerations"]!.AsArray())!;
        Assert.Equal("kubernetes.azure.com/scalesetpriority", toleration["key"]!.GetValue<string>());
        Assert.Null(Json.Of(KueueQueues.FlavorSpec(CpuFlavor))["nodeTaints"]);
    }

    [Fact]
    public void Cluster_queue_has_the_teams_quota_per_flavor_in_the_cohort_with_priority_preemption()
    {
        var specObject = KueueQueues.ClusterQueueSpec(Team, [CpuFlavor, GpuFlavor], "platform");
        Assert.Empty(CrdSchema.Problems("kueue.x-k8s.io", "v1beta2", "ClusterQueue", Json.Object(KueueQueues.ApiVersion, "ClusterQueue", "team-a", null, specObject)));
        var spec = Json.Of(specObject);

        Assert.Equal("platform", spec["cohortName"]!.GetValue<string>());
        Assert.Equal("team-a", spec["namespaceSelector"]!["matchLabels"]!["kubernetes.io/metadata.name"]!.GetValue<string>());
        Assert.Equal("Any", spec["preemption"]!["reclaimWithinCohort"]!.GetValue<string>());
        Assert.Equal("LowerPriority", spec["preemption"]!["borrowWithinCohort"]!["policy"]!.GetValue<string>());
        Assert.Equal("LowerPriority", spec["preemption"]!["withinClusterQueue"]!.GetValue<string>());

        var group = Assert.Single(spec["resourceGroups"]!.AsArray())!;
        Assert.Equal(["cpu", "memory", "nvidia.com/gpu"], group["coveredResources"]!.AsArray().Select(r => r!.GetValue<string>()));
        var flavors = group["flavors"]!.AsArray().ToDictionary(f => f!["name"]!.GetValue<string>(), f => f!["resources"]!.AsArray().ToDictionary(r => r!["name"]!.GetValue<string>(), r => r!));
        Assert.Equal(["cpu-batch", "gpu-training"], flavors.Keys);
        Assert.Equal("100", flavors["cpu-batch"]["cpu"]["nominalQuota"]!.GetValue<string>());
        Assert.Equal("200Gi", flavors["gpu-training"]["memory"]["nominalQuota"]!.GetValue<string>());
        Assert.Equal("0", flavors["cpu-batch"]["nvidia.com/gpu"]["nominalQuota"]!.GetValue<string>());
        Assert.Null(flavors["cpu-batch"]["nvidia.com/gpu"]["borrowingLimit"]);

        // The team's 16 GPUs, capped at the pool's 8; the lending limit capped at the nominal quota.
        var gpus = flavors["gpu-training"]["nvidia.com/gpu"];
        Assert.Equal("8", gpus["nominalQuota"]!.GetValue<string>());
        Assert.Equal("4", gpus["borrowingLimit"]!.GetValue<string>());
        Assert.Equal("8", gpus["lendingLimit"]!.GetValue<string>());
    }

    [Fact]
    public async Task Objects_are_registered_per_pool_team_and_priority_class_after_the_release()
    {
        var mocks = await ComponentTest.RunAsync(() =>
        {
            var release = new Kueue("kueue", new KueueArgs { Namespace = "kueue-system", ManagedNamespaces = ["team-a"] });
            _ = new KueueQueues("kueue-queues", new KueueQueuesArgs
            {
                Flavors = [CpuFlavor, GpuFlavor],
                Queues = [Team with { Labels = ImmutableDictionary<string, string>.Empty.Add(PlatformLabels.Team, "team-a") }, new KueueTeamQueue("argo", "64", "256Gi", 8)],
                Cohort = "platform",
                Ready = [release.Release],
            });
        });

        Assert.Equal(2, mocks.OfType("kubernetes:kueue.x-k8s.io/v1beta2:ResourceFlavor").Count);
        Assert.Equal(2, mocks.OfType("kubernetes:kueue.x-k8s.io/v1beta2:ClusterQueue").Count);
        var priorities = mocks.OfType("kubernetes:kueue.x-k8s.io/v1beta2:WorkloadPriorityClass");
        Assert.Equal(PriorityTier.Ladder.Length, priorities.Count);
        foreach (var tier in PriorityTier.Ladder)
        {
            var wpc = DependencyRecorder.Json(priorities.Single(p => p.Name == $"kueue-queues-priority-{tier.Name}"));
            Assert.Equal(tier.Name, wpc["metadata"]!["name"]!.GetValue<string>());
            Assert.Equal(tier.Value, wpc["value"]!.GetValue<int>());
            Assert.Empty(CrdSchema.Problems("kueue.x-k8s.io", "v1beta2", "WorkloadPriorityClass", wpc));
        }

        var local = mocks.Inputs("kubernetes:kueue.x-k8s.io/v1beta2:LocalQueue", "kueue-queues-lq-team-a");
        Assert.Empty(CrdSchema.Problems("kueue.x-k8s.io", "v1beta2", "LocalQueue", local));
        Assert.Equal(KueueQueues.LocalQueueName, local["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("team-a", local["metadata"]!["namespace"]!.GetValue<string>());
        Assert.Equal("team-a", local["metadata"]!["labels"]![PlatformLabels.Team]!.GetValue<string>());
        Assert.Equal("team-a", local["spec"]!["clusterQueue"]!.GetValue<string>());
    }
}
