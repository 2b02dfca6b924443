using MlPlatform.Components.Kubernetes;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Stacks;

/// <summary>
/// Kyverno's <c>require-platform-labels</c> policy (enforced in production) refuses pods without the team label in
/// team namespaces: every pod template the program renders there must carry the namespace's team.
/// </summary>
public class TeamLabelScenarioTests
{
    private static readonly string[] PodOwners = ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet"];

    [Theory]
    [MemberData(nameof(StackFiles.Names), MemberType = typeof(StackFiles))]
    public async Task Pods_in_team_namespaces_carry_the_namespace_team(string stack)
    {
        var plan = await StackPlans.Of(stack);
        var teams = plan.OfType("kubernetes:core/v1:Namespace")
            .Select(n => n.Inputs["metadata"]!)
            .Where(m => m["labels"]?[PlatformLabels.Team] is not null)
            .ToDictionary(m => m["name"]!.GetValue<string>(), m => m["labels"]![PlatformLabels.Team]!.GetValue<string>());

        foreach (var owner in PodOwners.SelectMany(plan.OfType))
        {
            var ns = owner.Inputs["metadata"]!["namespace"]!.GetValue<string>();
            if (teams.TryGetValue(ns, out var team))
            {
                var labels = owner.Inputs["spec"]!["template"]!["metadata"]!["labels"];
                Assert.True(labels?[PlatformLabels.Team]?.GetValue<string>() == team,
                    $"{owner.Name} in team namespace {ns} renders pods without {PlatformLabels.Team}: {team}");
            }
        }
    }
}
