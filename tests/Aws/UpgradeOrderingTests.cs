using MlPlatform.Infra.Plan;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Aws;

/// <summary>
/// Bumping <c>kubernetesVersion</c> by one minor: what changes, and in which dependency order the engine applies it
/// (control plane, then the system node group, then the add-ons that run on nodes, then Karpenter's objects).
/// </summary>
public class UpgradeOrderingTests
{
    private static readonly Lazy<Task<PlanResult>> Before = new(() => Plan("1.33"));
    private static readonly Lazy<Task<PlanResult>> After = new(() => Plan("1.34"));

    private static Task<PlanResult> Plan(string kubernetesVersion) => Scenario.RunAsync(new Dictionary<string, object>
    {
        ["cloud"] = "aws",
        ["environment"] = "production",
        ["region"] = "us-east-1",
        ["kubernetesVersion"] = kubernetesVersion,
        ["aws"] = new Dictionary<string, object> { ["adminRoleArns"] = new[] { "arn:aws:iam::123456789012:role/admin" } },
        ["nodePools"] = new object[]
        {
            new Dictionary<string, object> { ["name"] = "cpu-batch", ["role"] = "cpu", ["min"] = 0, ["max"] = 4 },
        },
    }, stack: "upgrade");

    private static string Input(PlanResult plan, string type, string name, string key) => plan.Get(type, name).Inputs[key]!.GetValue<string>();

    [Fact]
    public async Task One_minor_bump_moves_the_control_plane_nodes_and_addon_versions()
    {
        var (before, after) = (await Before.Value, await After.Value);

        Assert.Equal(("1.33", "1.34"), (Input(before, "aws:eks/cluster:Cluster", "eks", "version"), Input(after, "aws:eks/cluster:Cluster", "eks", "version")));
        // The node group takes the control plane's version as an output: it cannot move before the control plane.
        Assert.Equal(("1.33", "1.34"), (Input(before, "aws:eks/nodeGroup:NodeGroup", "eks-system", "version"), Input(after, "aws:eks/nodeGroup:NodeGroup", "eks-system", "version")));
        Assert.Equal(("v1.33.5-eksbuild.2", "v1.34.1-eksbuild.2"),
            (Input(before, "aws:eks/addon:Addon", "eks-kube-proxy", "addonVersion"), Input(after, "aws:eks/addon:Addon", "eks-kube-proxy", "addonVersion")));
        var changed = after.OfType("aws:eks/addon:Addon")
            .Where(a => Input(before, a.Type, a.Name, "addonVersion") != a.Inputs["addonVersion"]!.GetValue<string>())
            .Select(a => a.Inputs["addonName"]!.GetValue<string>()).Order(StringComparer.Ordinal);
        Assert.Equal(new[] { "aws-ebs-csi-driver", "kube-proxy", "vpc-cni" }, changed);
    }

    [Fact]
    public async Task The_engine_applies_it_control_plane_then_nodes_then_addons_then_karpenter()
    {
        var plan = await After.Value;
        var cluster = plan.Get("aws:eks/cluster:Cluster", "eks").Urn;
        var nodeGroup = plan.Get("aws:eks/nodeGroup:NodeGroup", "eks-system");

        // 1. The control plane first (the node group depends on it, explicitly and through its version).
        Assert.Contains(cluster, nodeGroup.DependsOn);
        // The two add-ons a node needs to join come before the nodes (and so move right after the control plane).
        foreach (var bootstrap in new[] { "eks-vpc-cni", "eks-kube-proxy" })
        {
            var addon = plan.Get("aws:eks/addon:Addon", bootstrap);
            Assert.Contains(cluster, addon.DependsOn);
            Assert.Contains(addon.Urn, nodeGroup.DependsOn);
        }

        // 2. then the system node group, 3. then the add-ons that run on nodes.
        var nodeAddons = new[] { "eks-coredns", "eks-aws-ebs-csi-driver", "eks-eks-pod-identity-agent" }.Select(n => plan.Get("aws:eks/addon:Addon", n)).ToList();
        Assert.All(nodeAddons, a => Assert.Contains(nodeGroup.Urn, a.DependsOn));

        // 4. then Karpenter's objects: its CRD and controller releases wait for every add-on, its node classes for the controller.
        var karpenter = plan.Get("mlplatform:aws:Karpenter", "karpenter").Urn;
        foreach (var release in plan.ChildrenOf(karpenter).Where(r => r.Type == "kubernetes:helm.sh/v3:Release"))
        {
            Assert.Contains(nodeGroup.Urn, release.DependsOn);
            Assert.All(nodeAddons, a => Assert.Contains(a.Urn, release.DependsOn));
        }

        var controller = plan.ChildrenOf(karpenter).Single(r => r.Type == "kubernetes:helm.sh/v3:Release" && r.Name == "karpenter").Urn;
        var nodeClass = Assert.Single(plan.OfType("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"));
        Assert.Contains(controller, nodeClass.DependsOn);
    }
}
