using System.Text.Json.Nodes;
using MlPlatform.Components.Addons;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Infra.Plan;
using MlPlatform.Stacks.Configuration;
using MlPlatform.Stacks.Shared;
using MlPlatform.Tests.Aws;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Stacks;

/// <summary>
/// Kueue in every stack file that has a GPU pool, whatever its cloud: a flavor per pool, a queue per team (and the
/// pipelines) in one cohort with the namespace's quota per flavor, priority classes mirrored, the webhook reachable,
/// and the pipeline's pods queued.
/// </summary>
public class KueueStackTests
{
    private const string Group = "kubernetes:kueue.x-k8s.io/v1beta2:";

    public static TheoryData<string> Stacks => StackFiles.Names;

    private static PlatformConfig ConfigOf(string stack)
    {
        var file = StackConfigFile.Load(RepositoryPaths.Root, stack);
        return ConfigReader.Read(name => file.Values.GetValueOrDefault(ConfigReader.Key(name)), file.SecretKeys.Contains(ConfigReader.Key(ConfigReader.KubeconfigName)));
    }

    private static string Name(PlannedResource resource) => resource.Inputs["metadata"]!["name"]!.GetValue<string>();

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Every_stack_with_a_gpu_pool_queues_its_teams_on_kueue_with_their_quota_per_flavor(string stack)
    {
        var config = ConfigOf(stack);
        var plan = await StackPlans.Of(stack);
        var flavors = plan.OfType(Group + "ResourceFlavor").ToList();
        if (!config.NodePools.Any(p => p.IsGpu))
        {
            Assert.Equal(config.Kueue.Enabled, flavors.Count > 0);
            return;
        }

        Assert.True(config.Kueue.Enabled, $"{stack} has a GPU pool: Kueue is on by default");
        var release = plan.OfType("kubernetes:helm.sh/v3:Release").Single(r => r.Name == Kueue.ReleaseName);
        Assert.Equal(PlatformNamespaces.Kueue, release.Inputs["namespace"]!.GetValue<string>());
        Assert.Equal(VersionCatalog.Kueue.Version, release.Inputs["version"]!.GetValue<string>());

        // A flavor per pool, with the labels that select its nodes.
        Assert.Equal(config.NodePools.Select(p => p.Name).Order(StringComparer.Ordinal), flavors.Select(Name).Order(StringComparer.Ordinal));
        foreach (var flavor in flavors)
        {
            Assert.Empty(CrdSchema.Problems("kueue.x-k8s.io", "v1beta2", "ResourceFlavor", flavor.Inputs));
            var pool = config.NodePools.Single(p => p.Name == Name(flavor));
            Assert.Equal(pool.IsGpu, flavor.Inputs["spec"]!["nodeTaints"]?.AsArray().Any(t => t!["key"]!.GetValue<string>() == "nvidia.com/gpu") ?? false);
            Assert.Equal(!pool.Labels.IsEmpty, flavor.Inputs["spec"]!["nodeLabels"] is JsonObject { Count: > 0 });
        }

        // A queue per team and for the pipelines, in one cohort, with the namespace's quota per flavor.
        var queueing = config.Namespaces.Where(ConfigReader.IsKueueNamespace).ToList();
        var clusterQueues = plan.OfType(Group + "ClusterQueue").ToList();
        Assert.Equal(queueing.Select(n => n.Name).Order(StringComparer.Ordinal), clusterQueues.Select(Name).Order(StringComparer.Ordinal));
        Assert.Contains(queueing, n => n.IsTeam);
        foreach (var queue in clusterQueues)
        {
            Assert.Empty(CrdSchema.Problems("kueue.x-k8s.io", "v1beta2", "ClusterQueue", queue.Inputs));
            var ns = config.FindNamespace(Name(queue))!;
            var spec = queue.Inputs["spec"]!;
            Assert.Equal(config.Kueue.Cohort, spec["cohortName"]!.GetValue<string>());
            var group = Assert.Single(spec["resourceGroups"]!.AsArray())!;
            Assert.Equal(config.NodePools.Length, group["flavors"]!.AsArray().Count);
            foreach (var flavor in group["flavors"]!.AsArray())
            {
                var pool = config.NodePools.Single(p => p.Name == flavor!["name"]!.GetValue<string>());
                var resources = flavor!["resources"]!.AsArray().ToDictionary(r => r!["name"]!.GetValue<string>(), r => r!["nominalQuota"]!.GetValue<string>());
                Assert.Equal(ns.Quota.RequestsCpu, resources["cpu"]);
                Assert.Equal(ns.Quota.RequestsMemory, resources["memory"]);
                var expected = pool.IsGpu ? Math.Min((int)Quantities.Value(ns.Quota.Gpus)!.Value, KueuePlan.AdvertisedGpus(pool)) : 0;
                Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), resources["nvidia.com/gpu"]);
            }

            var local = plan.OfType(Group + "LocalQueue").Single(l => l.Inputs["metadata"]!["namespace"]!.GetValue<string>() == ns.Name);
            Assert.Empty(CrdSchema.Problems("kueue.x-k8s.io", "v1beta2", "LocalQueue", local.Inputs));
            Assert.Equal(ns.Name, local.Inputs["spec"]!["clusterQueue"]!.GetValue<string>());
        }

        // The API server reaches Kueue's webhook and visibility API.
        var webhooks = plan.OfType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
            .Single(p => p.Inputs["metadata"]!["namespace"]!.GetValue<string>() == PlatformNamespaces.Kueue && Name(p) == "allow-webhooks");
        var ports = webhooks.Inputs["spec"]!["ingress"]![0]!["ports"]!.AsArray().Select(p => p!["port"]!.AsInt()).ToList();
        Assert.Contains(9443, ports);
        Assert.Contains(8082, ports);

        // The pipeline's pods go through the pipelines' LocalQueue.
        if (config.Addons.ArgoWorkflows)
        {
            var template = plan.OfType("kubernetes:argoproj.io/v1alpha1:WorkflowTemplate").Single(t => t.Inputs["metadata"]!["namespace"]!.GetValue<string>() == PlatformNamespaces.ArgoWorkflows);
            Assert.Equal(KueueQueues.LocalQueueName, template.Inputs["spec"]!["podMetadata"]!["labels"]![Kueue.QueueNameLabel]!.GetValue<string>());
        }
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Workload_priority_classes_mirror_the_priority_classes(string stack)
    {
        var plan = await StackPlans.Of(stack);
        var workloadClasses = plan.OfType(Group + "WorkloadPriorityClass").ToDictionary(Name, w => w.Inputs["value"]!.AsInt());
        if (workloadClasses.Count == 0)
        {
            Assert.Empty(plan.OfType(Group + "ClusterQueue"));
            return;
        }

        var classes = plan.OfType("kubernetes:scheduling.k8s.io/v1:PriorityClass").ToDictionary(Name, p => p.Inputs["value"]!.AsInt());
        Assert.Equal(classes.Count, workloadClasses.Count);
        Assert.Equal(classes.OrderBy(c => c.Key, StringComparer.Ordinal), workloadClasses.OrderBy(c => c.Key, StringComparer.Ordinal));
    }
}
