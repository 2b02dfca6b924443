namespace MlPlatform.Policies;

/// <summary>How a broken rule affects the gate.</summary>
public enum PolicySeverity
{
    /// <summary>The plan fails: <c>plan</c> exits non-zero and lists the violation.</summary>
    Error,

    /// <summary>Printed with the plan, which still passes: a practice the platform recommends but cannot require everywhere.</summary>
    Warning,
}

/// <summary>One rule of the policy gate: a pure function over the plan.</summary>
/// <param name="Id">The rule's id, as printed in violations and named in <c>policies/exceptions.json</c>.</param>
/// <param name="Severity">Whether a violation fails the plan.</param>
/// <param name="Summary">What the rule requires, one sentence (the README's table of rules).</param>
/// <param name="Evaluate">
/// The rule: its violations and, where a precondition cannot be evaluated at plan time, a
/// <see cref="PolicyViolation.NotEvaluated"/> finding saying so, instead of passing silently.
/// </param>
public sealed record PolicyRule(string Id, PolicySeverity Severity, string Summary, Func<IReadOnlyList<PlanItem>, IEnumerable<PolicyViolation>> Evaluate);
