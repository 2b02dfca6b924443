using System.Collections.Concurrent;
using MlPlatform.Infra.Plan;

namespace MlPlatform.Tests.Support;

/// <summary>
/// One plan per stack file for the whole test run, shared by the stack-invariant tests (a plan is a few hundred
/// milliseconds; the invariants are many). Tests must not modify the shared plan's JSON.
/// </summary>
public static class StackPlans
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<PlanResult>>> Plans = new(StringComparer.Ordinal);

    /// <summary>The plan of <c>Pulumi.&lt;stack&gt;.yaml</c>, planned once.</summary>
    public static Task<PlanResult> Of(string stack) =>
        Plans.GetOrAdd(stack, name => new Lazy<Task<PlanResult>>(() => Scenario.StackFileAsync(name))).Value;
}
