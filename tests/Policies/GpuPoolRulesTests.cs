using MlPlatform.Policies;
using Xunit;
using static MlPlatform.Tests.Policies.PolicyTestItems;

namespace MlPlatform.Tests.Policies;

public class GpuPoolRulesTests
{
    [Fact]
    public void Gpu_pools_need_an_upper_bound_on_every_cloud()
    {
        List<PlanItem> plan =
        [
            Item("kubernetes:karpenter.sh/v1:NodePool", "gpu", """
                {"metadata":{"name":"gpu"},"spec":{"limits":{"cpu":"100"},"template":{"spec":{"taints":[{"key":"nvidia.com/gpu","effect":"NoSchedule"}]}}}}
                """),
            Item("kubernetes:karpenter.sh/v1:NodePool", "cpu", """{"metadata":{"name":"cpu"},"spec":{"template":{"spec":{}}}}"""),
            Item("azure-native:containerservice:AgentPool", "gpu", """{"vmSize":"Standard_NC24ads_A100_v4","enableAutoScaling":false,"count":2}"""),
            Item("azure-native:containerservice:AgentPool", "cpu", """{"vmSize":"Standard_D8ds_v5","enableAutoScaling":false,"count":2}"""),
            Item("gcp:container/nodePool:NodePool", "gpu", """{"nodeConfig":{"guestAccelerators":[{"type":"nvidia-l4","count":1}]}}"""),
            Item("gcp:container/cluster:Cluster", "gke", """{"clusterAutoscaling":{"enabled":true,"resourceLimits":[{"resourceType":"cpu","maximum":100}]}}"""),
        ];

        Assert.Equal(
            ["kubernetes:karpenter.sh/v1:NodePool gpu", "azure-native:containerservice:AgentPool gpu", "gcp:container/nodePool:NodePool gpu", "gcp:container/cluster:Cluster gke"],
            GpuPoolRules.Bounded(plan).Select(v => v.Resource).ToArray());
    }

    [Fact]
    public void A_gpu_pool_that_keeps_nodes_at_idle_is_a_warning_not_an_error()
    {
        var pool = Item("azure-native:containerservice:AgentPool", "gpu", """{"vmSize":"Standard_NC24ads_A100_v4","enableAutoScaling":true,"minCount":1,"maxCount":4,"nodeTaints":["nvidia.com/gpu=present:NoSchedule"]}""");

        var warning = Assert.Single(PlanRules.Evaluate([pool]).Warnings);

        Assert.Equal("gpu-pools-scale-to-zero", warning.Rule);
        Assert.Equal("keeps 1 GPU node(s) at idle: set the pool's minimum to 0 unless this warm capacity is intended", warning.Message);
        Assert.Empty(PlanRules.Check([pool]));
        Assert.Empty(GpuPoolRules.ScaleToZero([pool with { Inputs = System.Text.Json.Nodes.JsonNode.Parse("""{"vmSize":"Standard_NC24ads_A100_v4","minCount":0}""")!.AsObject() }]));
    }
}
