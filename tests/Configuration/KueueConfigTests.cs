using MlPlatform.Stacks.Configuration;
using Xunit;

namespace MlPlatform.Tests.Configuration;

/// <summary>Reading and validation of <c>mlplatform:kueue</c>.</summary>
public class KueueConfigTests
{
    private static ConfigFixture WithGpuPool() => ConfigFixture.Valid()
        .Set("nodePools", new[] { ConfigFixture.GpuPool() })
        .Set("teams", new[] { new Dictionary<string, object> { ["name"] = "team-a" } });

    [Fact]
    public void Kueue_is_on_by_default_where_a_gpu_pool_exists_with_its_namespace()
    {
        var config = WithGpuPool().Read();

        Assert.True(config.Kueue.Enabled);
        Assert.True(config.Addons.Kueue);
        Assert.Equal(KueueConfig.DefaultCohort, config.Kueue.Cohort);
        var ns = Assert.Single(config.Namespaces, n => n.Name == PlatformNamespaces.Kueue);
        Assert.Equal(new[] { 9443, 8082 }, ns.WebhookPorts.ToArray());
    }

    [Fact]
    public void Kueue_is_off_by_default_without_a_gpu_pool()
    {
        var config = ConfigFixture.Valid().Read();

        Assert.False(config.Kueue.Enabled);
        Assert.DoesNotContain(config.Namespaces, n => n.Name == PlatformNamespaces.Kueue);
    }

    [Fact]
    public void Team_limits_are_read_per_namespace()
    {
        var config = WithGpuPool().Set("kueue", new Dictionary<string, object>
        {
            ["cohort"] = "gpus",
            ["teams"] = new[] { new Dictionary<string, object> { ["name"] = "team-a", ["borrowingLimit"] = 4, ["lendingLimit"] = 2 } },
        }).Read();

        Assert.Equal("gpus", config.Kueue.Cohort);
        Assert.Equal(new KueueTeamLimits(4, 2), config.Kueue.LimitsFor("team-a"));
        Assert.Equal(KueueTeamLimits.None, config.Kueue.LimitsFor("argo"));
    }

    [Fact]
    public void Every_kueue_problem_is_reported_with_its_key()
    {
        var problems = WithGpuPool().Set("kueue", new Dictionary<string, object>
        {
            ["cohort"] = "Not_A_Label",
            ["teams"] = new object[]
            {
                new Dictionary<string, object> { ["name"] = "nobody", ["borrowingLimit"] = -1 },
                new Dictionary<string, object> { ["name"] = "team-a", ["lendingLimit"] = -2, ["borowingLimit"] = 1 },
                new Dictionary<string, object> { ["name"] = "team-a" },
            },
        }).Problems().Select(p => p.Key).ToList();

        Assert.Contains("mlplatform:kueue.cohort", problems);
        Assert.Contains("mlplatform:kueue.teams[0].name", problems);
        Assert.Contains("mlplatform:kueue.teams[0].borrowingLimit", problems);
        Assert.Contains("mlplatform:kueue.teams[1].lendingLimit", problems);
        Assert.Contains("mlplatform:kueue.teams[1].borowingLimit", problems);
        Assert.Contains("mlplatform:kueue.teams[2].name", problems);
    }

    [Fact]
    public void Kueue_needs_a_node_pool_and_limits_need_kueue()
    {
        var enabled = ConfigFixture.Valid().Set("kueue", new Dictionary<string, object> { ["enabled"] = true }).Problems();
        Assert.Contains(enabled, p => p.Key == "mlplatform:kueue.enabled");

        var off = WithGpuPool().Set("kueue", new Dictionary<string, object>
        {
            ["enabled"] = false,
            ["teams"] = new[] { new Dictionary<string, object> { ["name"] = "team-a", ["borrowingLimit"] = 1 } },
        }).Problems();
        Assert.Contains(off, p => p.Key == "mlplatform:kueue.teams");
    }
}
