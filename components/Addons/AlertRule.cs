using System.Collections.Immutable;

namespace MlPlatform.Components.Addons;

/// <summary>
/// One Prometheus alerting rule as typed data: the threshold and windows are values of their own, so tests can
/// assert them, and the PromQL is built from them.
/// </summary>
/// <param name="Name">Alert name.</param>
/// <param name="Severity"><c>critical</c>, <c>warning</c> or <c>info</c>.</param>
/// <param name="Threshold">The threshold the expression compares against, in the unit of the expression.</param>
/// <param name="For">How long the condition must hold before the alert fires (Prometheus duration); null fires at once.</param>
/// <param name="Expression">The PromQL expression, including the comparison with <paramref name="Threshold"/>.</param>
/// <param name="Summary">One-line summary (may use <c>$labels</c>).</param>
/// <param name="Description">What it means and what to look at.</param>
public sealed record AlertRule(string Name, string Severity, double Threshold, string? For, string Expression, string Summary, string Description)
{
    /// <summary>The rule as a PrometheusRule <c>rules[]</c> item.</summary>
    public Dictionary<string, object> ToRule()
    {
        var rule = new Dictionary<string, object>
        {
            ["alert"] = Name,
            ["expr"] = Expression,
            ["labels"] = new Dictionary<string, object> { ["severity"] = Severity },
            ["annotations"] = new Dictionary<string, object> { ["summary"] = Summary, ["description"] = Description },
        };
        if (For is not null)
        {
            rule["for"] = For;
        }

        return rule;
    }
}

/// <summary>A named group of alerting rules, rendered as one PrometheusRule object.</summary>
/// <param name="Name">Group and object name.</param>
/// <param name="Rules">The rules.</param>
public sealed record AlertGroup(string Name, ImmutableArray<AlertRule> Rules);
