using System.Collections.Immutable;

namespace MlPlatform.Policies;

/// <summary>What the gate found in a plan.</summary>
/// <param name="Findings">Broken rules, errors and warnings, that no reviewed exception waives.</param>
/// <param name="NotEvaluated">Rules that could not decide at plan time, and why.</param>
/// <param name="Waived">Findings the reviewed exceptions waive, with the exception.</param>
public sealed record PolicyReport(
    ImmutableArray<PolicyViolation> Findings,
    ImmutableArray<PolicyViolation> NotEvaluated,
    ImmutableArray<(PolicyViolation Finding, PolicyException Exception)> Waived)
{
    /// <summary>The findings that fail the plan.</summary>
    public IEnumerable<PolicyViolation> Errors => Findings.Where(f => f.Severity == PolicySeverity.Error);

    /// <summary>The findings printed as warnings.</summary>
    public IEnumerable<PolicyViolation> Warnings => Findings.Where(f => f.Severity == PolicySeverity.Warning);
}
