using MlPlatform.Components.Kubernetes;
using MlPlatform.Stacks.Configuration;
using Xunit;

namespace MlPlatform.Tests.Configuration;

public class ConfigReaderTests
{
    [Fact]
    public void Minimal_existing_stack_gets_the_documented_defaults()
    {
        var config = ConfigFixture.Valid().Read();

        Assert.Equal(CloudKind.Existing, config.Cloud);
        Assert.Equal(DeploymentEnvironment.Staging, config.Environment);
        Assert.Equal(ConfigReader.DefaultKubernetesVersion, config.KubernetesVersion);
        Assert.Equal(new SystemNodePoolConfig(null, 2, 4, 2), config.SystemNodePool);
        Assert.Empty(config.NodePools);
        Assert.True(config.Addons.All.All(a => a.Enabled));
        Assert.Null(config.Region);
        Assert.Equal(new ExistingClusterConfig(null, false), config.Existing);
        Assert.Equal(["0.0.0.0/0"], config.Network.ApiServerCidrs.ToArray());
    }

    [Fact]
    public void Production_system_pool_defaults_to_three_nodes()
    {
        var config = ConfigFixture.Valid(environment: "production").Read();

        Assert.True(config.IsProduction);
        Assert.Equal(new SystemNodePoolConfig(null, 3, 6, 3), config.SystemNodePool);
    }

    [Fact]
    public void Platform_namespaces_follow_the_enabled_addons()
    {
        var all = ConfigFixture.Valid().Read();
        var withoutArgo = ConfigFixture.Valid().Set("addons", new { argoWorkflows = false, argoCd = false }).Read();

        Assert.Contains(all.Namespaces, n => n.Name == PlatformNamespaces.ArgoWorkflows);
        Assert.DoesNotContain(withoutArgo.Namespaces, n => n.Name is PlatformNamespaces.ArgoWorkflows or PlatformNamespaces.ArgoCd);
        Assert.DoesNotContain(all.Namespaces, n => n.Name == PlatformNamespaces.Karpenter);
        Assert.All(all.Namespaces, n => Assert.False(n.IsTeam));
    }

    [Fact]
    public void Pod_security_levels_follow_what_each_namespace_needs()
    {
        var config = ConfigFixture.Valid().Read();

        Assert.Equal(PodSecurityLevel.Restricted, config.FindNamespace("serving")!.PodSecurity);
        Assert.Equal(PodSecurityLevel.Restricted, config.FindNamespace("mlflow")!.PodSecurity);
        Assert.Equal(PodSecurityLevel.Restricted, config.FindNamespace("kserve")!.PodSecurity);
        Assert.Equal(PodSecurityLevel.Baseline, config.FindNamespace("argo")!.PodSecurity);
        Assert.Equal(
            ["chaos-mesh", "gpu-operator", "log-collector", "monitoring", "tetragon"],
            config.Namespaces.Where(n => n.PodSecurity == PodSecurityLevel.Privileged).Select(n => n.Name).Order().ToArray());
        Assert.All(
            config.Namespaces.Where(n => n.PodSecurity == PodSecurityLevel.Privileged),
            n => Assert.False(string.IsNullOrWhiteSpace(n.PrivilegedReason)));
    }

    [Fact]
    public void Teams_get_the_default_quota_unless_overridden()
    {
        var config = ConfigFixture.Valid()
            .Set("teams", new object[] { new { name = "team-a" }, new { name = "team-b", quota = new { gpus = 4, requestsMemory = "64Gi" } } })
            .Read();

        var teamA = config.FindNamespace("team-a")!;
        Assert.True(teamA.IsTeam);
        Assert.Equal(NamespaceRole.GpuWorkloads, teamA.Role);
        Assert.Equal(PodSecurityLevel.Baseline, teamA.PodSecurity);
        Assert.Equal(new NamespaceQuota("100", "100", "200", "200Gi", "400Gi", "16", "1Ti"), teamA.Quota);
        Assert.Equal(NamespaceQuota.TeamDefault with { Gpus = "4", RequestsMemory = "64Gi" }, config.FindNamespace("team-b")!.Quota);
    }

    [Fact]
    public void Node_pools_are_read_with_their_taints_and_limits()
    {
        var pool = ConfigFixture.GpuPool(max: 3);
        pool["gpusPerNode"] = 4;
        pool["spot"] = true;
        pool["onDemandFallback"] = true;
        pool["labels"] = new Dictionary<string, string> { ["mlplatform.io/workload"] = "inference" };
        var config = ConfigFixture.Valid().Set("nodePools", new[] { pool }).Read();

        var read = Assert.Single(config.NodePools);
        Assert.Equal("gpu-inference", read.Name);
        Assert.Equal(NodeRole.Gpu, read.Role);
        Assert.Equal(Accelerator.L4, read.Accelerator);
        Assert.True(read.Spot && read.OnDemandFallback);
        Assert.Equal(12, read.EffectiveGpuLimit);
        Assert.Equal(new TaintConfig("nvidia.com/gpu", "present", "NoSchedule"), Assert.Single(read.Taints));
        Assert.Equal("inference", read.Labels["mlplatform.io/workload"]);
    }

    [Fact]
    public void Platform_namespace_overrides_apply_to_quota_and_level()
    {
        var config = ConfigFixture.Valid()
            .Set("namespaces", new Dictionary<string, object> { ["serving"] = new { quota = new { gpus = "48" } }, ["argo"] = new { podSecurity = "restricted" } })
            .Read();

        Assert.Equal("48", config.FindNamespace("serving")!.Quota.Gpus);
        Assert.Equal(PodSecurityLevel.Restricted, config.FindNamespace("argo")!.PodSecurity);
    }

    [Fact]
    public void Kube_context_and_kubeconfig_are_kept_for_existing_clusters()
    {
        var config = ConfigFixture.Valid().Set("kubeContext", "kind-mlplatform").Read(hasKubeconfigSecret: true);

        Assert.Equal(new ExistingClusterConfig("kind-mlplatform", true), config.Existing);
    }

    [Theory]
    [InlineData("10.0.0.0/16", true)]
    [InlineData("0.0.0.0/0", true)]
    [InlineData("10.0.0.0/33", false)]
    [InlineData("10.0.0/16", false)]
    [InlineData("fd00::/8", false)]
    [InlineData("10.0.0.0", false)]
    public void Cidrs_are_ipv4_blocks(string value, bool valid) => Assert.Equal(valid, ConfigReader.IsCidr(value));
}
