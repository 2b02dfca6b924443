using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlPlatform.Policies;

/// <summary>What a component's PodDisruptionBudget does for its replicas.</summary>
public enum BudgetVerdict
{
    /// <summary>The chart does not render the component.</summary>
    Disabled,

    /// <summary>One replica: nothing to keep available, and no budget that would block a drain.</summary>
    SingleReplica,

    /// <summary>Two or more replicas and a budget that keeps at least one running while allowing at least one eviction.</summary>
    Protected,

    /// <summary>Two or more replicas and the platform must create the budget itself (the chart has no template for it).</summary>
    NeedsPlatformBudget,

    /// <summary>Two or more replicas and no budget, or one that lets every replica go at once.</summary>
    Unprotected,

    /// <summary>A budget that allows no eviction at all: node drains and consolidation hang.</summary>
    BlocksEvictions,

    /// <summary>A budget the chart fails to render or the API rejects (both bounds, a bound rendered twice, a bad value).</summary>
    Invalid,
}

/// <summary>A chart component's availability under a release's coalesced values.</summary>
/// <param name="Chart">The chart.</param>
/// <param name="Component">The component.</param>
/// <param name="Replicas">Its replica count.</param>
/// <param name="Budget">The budget the chart renders, or null.</param>
/// <param name="Verdict">What the budget does.</param>
/// <param name="Problem">What is wrong and which values to change; null when nothing is.</param>
public sealed record ComponentAvailability(
    string Chart, ChartComponent Component, int Replicas, RenderedBudget? Budget, BudgetVerdict Verdict, string? Problem)
{
    /// <summary>Evaluates one component of a chart for a release's coalesced values.</summary>
    public static ComponentAvailability Of(string chart, ChartComponent component, JsonObject values)
    {
        if (!component.IsEnabled(values))
        {
            return new(chart, component, 0, null, BudgetVerdict.Disabled, null);
        }

        var replicas = component.ReplicaCount(values);
        var where = $"{chart} component '{component.Name}' ({replicas} replica{(replicas == 1 ? "" : "s")}, {component.ReplicaSource})";
        switch (component.Budget)
        {
            case NoBudget none:
                return replicas < 2
                    ? new(chart, component, replicas, null, BudgetVerdict.SingleReplica, null)
                    : new(chart, component, replicas, null, BudgetVerdict.Unprotected, $"{where}: the chart renders no PodDisruptionBudget for it ({none.Reason}); run one replica");
            case PlatformBudget:
                return new(chart, component, replicas, null, replicas < 2 ? BudgetVerdict.SingleReplica : BudgetVerdict.NeedsPlatformBudget, null);
        }

        var template = (ChartBudget)component.Budget;
        var budget = template.Render(values, replicas);
        var fix = Suggestion(template, values);
        if (budget is null)
        {
            return replicas < 2
                ? new(chart, component, replicas, null, BudgetVerdict.SingleReplica, null)
                : new(chart, component, replicas, null, BudgetVerdict.Unprotected, $"{where}: its PodDisruptionBudget is not rendered ({template.Switch} is false); {fix}");
        }

        if (budget.RenderError is { } error)
        {
            return new(chart, component, replicas, budget, BudgetVerdict.Invalid, $"{where}: {error}");
        }

        var (verdict, problem) = Judge(budget, replicas);
        return new(chart, component, replicas, budget, verdict, problem is null ? null : $"{where}: its PodDisruptionBudget {problem}; {fix}");
    }

    /// <summary>
    /// The verdict of a rendered budget over <paramref name="replicas"/> pods and, when it is not
    /// <see cref="BudgetVerdict.Protected"/> or <see cref="BudgetVerdict.SingleReplica"/>, what is wrong with it.
    /// </summary>
    public static (BudgetVerdict Verdict, string? Problem) Judge(RenderedBudget budget, int replicas)
    {
        var rendered = Describe(budget);
        if (budget.MinAvailable is not null && budget.MaxUnavailable is not null)
        {
            return (BudgetVerdict.Invalid, $"sets both bounds ({rendered}), which the API rejects");
        }

        if (budget.MinAvailable is null && budget.MaxUnavailable is null)
        {
            return replicas < 2
                ? (BudgetVerdict.SingleReplica, null)
                : (BudgetVerdict.Unprotected, "renders no bound, which protects nothing");
        }

        var allowed = AllowedDisruptions(budget, replicas);
        if (allowed is null)
        {
            return (BudgetVerdict.Invalid, $"has a bound that is neither a count nor a percentage ({rendered})");
        }

        if (allowed < 1)
        {
            return (BudgetVerdict.BlocksEvictions, $"renders {rendered}, which allows no eviction of its {replicas} pod{(replicas == 1 ? "" : "s")}: drains and consolidation hang");
        }

        if (replicas < 2)
        {
            return (BudgetVerdict.SingleReplica, null);
        }

        return allowed >= replicas
            ? (BudgetVerdict.Unprotected, $"renders {rendered}, which lets all {replicas} pods be evicted at once")
            : (BudgetVerdict.Protected, null);
    }

    /// <summary>
    /// How many of <paramref name="replicas"/> healthy pods the budget lets be evicted at once (percentages rounded
    /// up, as the disruption controller does); null when a bound is neither a count nor a percentage.
    /// </summary>
    public static int? AllowedDisruptions(RenderedBudget budget, int replicas)
    {
        if (budget.MaxUnavailable is { } max)
        {
            return Scaled(max, replicas) is { } unavailable ? Math.Min(unavailable, replicas) : null;
        }

        return budget.MinAvailable is { } min && Scaled(min, replicas) is { } available ? Math.Max(0, replicas - available) : null;
    }

    /// <summary>The rendered bounds as <c>key: value</c>, for messages.</summary>
    public static string Describe(RenderedBudget budget) => string.Join(", ",
        new[] { ("minAvailable", budget.MinAvailable), ("maxUnavailable", budget.MaxUnavailable) }
            .Where(b => b.Item2 is not null)
            .Select(b => $"{b.Item1}: {b.Item2!.ToJsonString()}"));

    private static int? Scaled(JsonNode bound, int replicas)
    {
        switch (bound.GetValueKind())
        {
            case JsonValueKind.Number:
                return (int)HelmValues.Number(bound);
            case JsonValueKind.String:
                var text = bound.GetValue<string>().Trim();
                if (text.EndsWith('%') && int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var percent))
                {
                    return (int)Math.Ceiling(replicas * percent / 100.0);
                }

                // Templates that print the value unquoted turn "2" into the number 2.
                return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : null;
            default:
                return null;
        }
    }

    private static string Suggestion(ChartBudget template, JsonObject values)
    {
        var switches = template.Switch.Values()
            .Where(v => !template.Candidates.Any(c => c.Value == v) && v.Default is JsonValue flag && flag.GetValueKind() is JsonValueKind.False or JsonValueKind.True)
            .Where(v => !HelmValues.IsTruthy(HelmValues.Get(values, v.Path)))
            .Select(v => $"{v.Path}: true");

        // A bound whose chart default already keeps one pod (kube-prometheus-stack's minAvailable: 1) only needs the switch.
        var kept = template.Candidates.FirstOrDefault(c => c.Value.InDefaults && HelmValues.ToInteger(c.Value.Default) >= 1);
        var bound = kept is not null
            ? $"(the chart's default {ChartBudget.Name(kept.Bound)}: {kept.Value.Default!.ToJsonString()} then applies)"
            : (template.Candidates.FirstOrDefault(c => c.Bound == BudgetBound.MaxUnavailable) ?? template.Candidates.FirstOrDefault()) is { } candidate
                ? $"{candidate.Value.Path}: 1"
                : "a bound";
        var settings = string.Join(", ", switches);
        return kept is not null
            ? $"set {(settings.Length == 0 ? "its switch" : settings)} {bound}"
            : $"set {(settings.Length == 0 ? bound : $"{settings}, {bound}")} so that one pod at a time may be evicted";
    }
}
