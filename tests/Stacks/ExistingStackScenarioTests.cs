using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Stacks;

public class ExistingStackScenarioTests
{
    [Fact]
    public async Task Local_plan_guards_every_namespace()
    {
        var plan = await Scenario.StackFileAsync("local");

        var namespaces = plan.OfType("kubernetes:core/v1:Namespace").Select(n => n.Inputs["metadata"]!["name"]!.ToString()).ToList();
        Assert.Contains("serving", namespaces);
        foreach (var ns in namespaces)
        {
            Assert.Single(plan.OfType("kubernetes:core/v1:ResourceQuota"), q => q.Inputs["metadata"]!["namespace"]!.ToString() == ns);
            Assert.Single(plan.OfType("kubernetes:core/v1:LimitRange"), q => q.Inputs["metadata"]!["namespace"]!.ToString() == ns);
            Assert.Single(plan.OfType("kubernetes:networking.k8s.io/v1:NetworkPolicy"),
                p => p.Inputs["metadata"]!["namespace"]!.ToString() == ns && p.Inputs["metadata"]!["name"]!.ToString() == "default-deny");
        }
    }
}
