using MlPlatform.Components.Kubernetes;
using MlPlatform.Tests.Support;
using Xunit;
using static MlPlatform.Tests.Kubernetes.PlatformNamespaceTests;

namespace MlPlatform.Tests.Kubernetes;

public class PriorityClassesTests
{
    [Fact]
    public async Task Ladder_has_the_exact_classes_and_one_global_default()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new PriorityClasses("priority-classes", new PriorityClassesArgs()));

        var classes = mocks.OfType("kubernetes:scheduling.k8s.io/v1:PriorityClass")
            .ToDictionary(p => (string)Map(p.Inputs["metadata"])["name"], p => p.Inputs);
        Assert.Equal(
            new Dictionary<string, double>
            {
                ["system-critical"] = 1_000_000,
                ["interactive"] = 100_000,
                ["high-priority-batch"] = 50_000,
                ["medium-priority-batch"] = 10_000,
                ["low-priority-batch"] = 1_000,
                ["maintenance"] = 100,
                ["preemptible"] = 0,
            },
            classes.ToDictionary(c => c.Key, c => (double)c.Value["value"]));
        Assert.Equal("medium-priority-batch", Assert.Single(classes, c => (bool)c.Value["globalDefault"]).Key);
        Assert.Equal("Never", classes["preemptible"]["preemptionPolicy"]);
        Assert.Equal("PreemptLowerPriority", classes["interactive"]["preemptionPolicy"]);
        Assert.All(classes.Values, c => Assert.False(string.IsNullOrEmpty((string)c["description"])));
    }

    [Fact]
    public async Task Two_global_defaults_are_refused()
    {
        var tiers = PriorityTier.Ladder.Select(t => t with { GlobalDefault = true }).ToArray();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => ComponentTest.RunAsync(
            () => _ = new PriorityClasses("priority-classes", new PriorityClassesArgs { Tiers = [.. tiers] })));
        Assert.Contains("At most one PriorityClass may be the global default", error.ToString(), StringComparison.Ordinal);
    }
}
