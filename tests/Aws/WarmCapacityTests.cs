using MlPlatform.Components.Addons;
using MlPlatform.Stacks.Aws;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Aws;

/// <summary>Karpenter has no minimum: a pool's configured minimum is kept by low-priority placeholders.</summary>
public class WarmCapacityTests
{
    [Fact]
    public async Task A_pool_with_min_1_gets_one_preemptible_placeholder_on_its_nodes()
    {
        var plan = await AwsPlans.Production;

        var deployment = Assert.Single(plan.OfType("kubernetes:apps/v1:Deployment"), d => d.Inputs["metadata"]!["name"]!.GetValue<string>().StartsWith("warm-", StringComparison.Ordinal));
        Assert.Equal(WarmCapacity.DeploymentName("gpu-inference"), deployment.Inputs["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("karpenter", deployment.Inputs["metadata"]!["namespace"]!.GetValue<string>());
        var spec = deployment.Inputs["spec"]!;
        Assert.Equal(1, spec["replicas"]!.AsInt());
        var pod = spec["template"]!["spec"]!;
        Assert.Equal("preemptible", pod["priorityClassName"]!.GetValue<string>());
        Assert.Equal("gpu-inference", pod["nodeSelector"]![AwsNodePools.PoolLabel]!.GetValue<string>());
        Assert.Contains(pod["tolerations"]!.AsArray(), t => t!["key"]!.GetValue<string>() == "nvidia.com/gpu");
        Assert.Equal("kubernetes.io/hostname", pod["affinity"]!["podAntiAffinity"]!["requiredDuringSchedulingIgnoredDuringExecution"]![0]!["topologyKey"]!.GetValue<string>());
        var container = Assert.Single(pod["containers"]!.AsArray())!;
        Assert.Equal(ImageCatalog.Pause.Reference, container["image"]!.GetValue<string>());

        // It holds a node, not a GPU: real GPU pods schedule next to it.
        Assert.Null(container["resources"]!["requests"]!["nvidia.com/gpu"]);

        // Staging's pools all start at zero: no placeholder.
        Assert.DoesNotContain((await AwsPlans.Staging).OfType("kubernetes:apps/v1:Deployment"), d => d.Inputs["metadata"]!["name"]!.GetValue<string>().StartsWith("warm-", StringComparison.Ordinal));
    }
}
