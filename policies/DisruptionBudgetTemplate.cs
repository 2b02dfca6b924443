using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace MlPlatform.Policies;

/// <summary>One of the two bounds of a PodDisruptionBudget.</summary>
public enum BudgetBound
{
    /// <summary><c>spec.minAvailable</c>.</summary>
    MinAvailable,

    /// <summary><c>spec.maxUnavailable</c>.</summary>
    MaxUnavailable,
}

/// <summary>How a template decides that a bound's value is rendered.</summary>
public enum BoundQualifier
{
    /// <summary><c>if .x</c> / <c>with .x</c>: the value is rendered when it is true in Go template terms.</summary>
    Truthy,

    /// <summary><c>hasKey</c> or <c>toYaml</c> of the map: the key is rendered when present (a null renders as unset).</summary>
    Present,
}

/// <summary>Whether a template renders the first qualifying bound only (an if/else chain) or every qualifying one.</summary>
public enum BoundSelection
{
    /// <summary><c>if a … else if b …</c>: the first qualifying candidate wins.</summary>
    First,

    /// <summary>Independent <c>if</c>s (or a <c>toYaml</c> of the map): every qualifying candidate is rendered.</summary>
    Every,
}

/// <summary>A value a template may render as a bound.</summary>
/// <param name="Bound">The bound it becomes.</param>
/// <param name="Value">The value path.</param>
public sealed record BoundCandidate(BudgetBound Bound, ChartValue Value);

/// <summary>A bound a template renders whatever the values say (e.g. argo's <c>minAvailable: 0</c> when none is set).</summary>
/// <param name="Bound">The bound.</param>
/// <param name="Value">Its value.</param>
public sealed record FixedBound(BudgetBound Bound, int Value);

/// <summary>A PodDisruptionBudget as rendered: its bounds (null when unset).</summary>
/// <param name="MinAvailable">The rendered <c>minAvailable</c> (a number or a percentage), or null.</param>
/// <param name="MaxUnavailable">The rendered <c>maxUnavailable</c>, or null.</param>
/// <param name="Sources">Where each rendered bound came from (value paths or a template default), for messages.</param>
/// <param name="RenderError">Why the template cannot render the budget (it fails, or renders a bound twice); null when it renders.</param>
public sealed record RenderedBudget(JsonNode? MinAvailable, JsonNode? MaxUnavailable, ImmutableArray<string> Sources, string? RenderError = null);

/// <summary>How a chart component's PodDisruptionBudget comes to exist.</summary>
public abstract record DisruptionBudgetTemplate
{
    /// <summary>The value paths the template reads.</summary>
    public abstract IEnumerable<ChartValue> Values();
}

/// <summary>
/// The chart renders the budget itself: when <see cref="Switch"/> holds, with the bounds its template picks from the
/// candidates.
/// </summary>
public sealed record ChartBudget : DisruptionBudgetTemplate
{
    /// <summary>When the template renders the PodDisruptionBudget.</summary>
    public required ValueCondition Switch { get; init; }

    /// <summary>The values the template may render as bounds, in the template's order.</summary>
    public required ImmutableArray<BoundCandidate> Candidates { get; init; }

    /// <summary>How a candidate qualifies.</summary>
    public BoundQualifier Qualifier { get; init; } = BoundQualifier.Truthy;

    /// <summary>First qualifying candidate, or every one.</summary>
    public BoundSelection Selection { get; init; } = BoundSelection.Every;

    /// <summary>What the template renders when no candidate qualifies; null renders no bound at all.</summary>
    public FixedBound? Fallback { get; init; }

    /// <summary>True when the template fails (<c>fail</c>) rather than render both bounds.</summary>
    public bool FailsOnBothBounds { get; init; }

    /// <inheritdoc />
    public override IEnumerable<ChartValue> Values() => Switch.Values().Concat(Candidates.Select(c => c.Value));

    /// <summary>The budget the template renders for the coalesced values, or null when it renders none.</summary>
    public RenderedBudget? Render(JsonObject values, int replicas)
    {
        if (!Switch.Holds(values, replicas))
        {
            return null;
        }

        var qualifying = Candidates.Where(c => Qualifies(values, c.Value)).ToList();
        if (Selection == BoundSelection.First && qualifying.Count > 1)
        {
            qualifying = qualifying[..1];
        }

        JsonNode? min = null, max = null;
        string? error = null;
        var sources = ImmutableArray.CreateBuilder<string>();
        foreach (var candidate in qualifying)
        {
            var value = HelmValues.Get(values, candidate.Value.Path)?.DeepClone();
            sources.Add(candidate.Value.Path);
            ref var bound = ref candidate.Bound == BudgetBound.MinAvailable ? ref min : ref max;
            if (bound is not null && value is not null)
            {
                // The key appears twice in the manifest: which one wins is up to the YAML parser.
                error = $"{Name(candidate.Bound)} is rendered twice ({string.Join(", ", sources)})";
            }

            bound ??= value;
        }

        if (FailsOnBothBounds && qualifying.Select(c => c.Bound).Distinct().Count() > 1)
        {
            error = $"the template fails when both bounds are set ({string.Join(", ", sources)})";
        }

        if (qualifying.Count == 0 && Fallback is { } fallback)
        {
            sources.Add($"the template's default {Name(fallback.Bound)}: {fallback.Value}");
            if (fallback.Bound == BudgetBound.MinAvailable)
            {
                min = fallback.Value;
            }
            else
            {
                max = fallback.Value;
            }
        }

        return new RenderedBudget(min, max, sources.ToImmutable(), error);
    }

    /// <summary>The bound's name in a PodDisruptionBudget spec.</summary>
    public static string Name(BudgetBound bound) => bound == BudgetBound.MinAvailable ? "minAvailable" : "maxUnavailable";

    private bool Qualifies(JsonObject values, ChartValue value) => Qualifier == BoundQualifier.Present
        ? HelmValues.Has(values, value.Path)
        : HelmValues.IsTruthy(HelmValues.Get(values, value.Path));
}

/// <summary>
/// The chart has no PodDisruptionBudget template: the platform creates one itself next to the release, selecting the
/// chart's pods by <see cref="PodLabels"/>.
/// </summary>
/// <param name="PodLabels">The labels the chart puts on the component's pods (<c>{release}</c> stands for the release name).</param>
public sealed record PlatformBudget(ImmutableDictionary<string, string> PodLabels) : DisruptionBudgetTemplate
{
    /// <inheritdoc />
    public override IEnumerable<ChartValue> Values() => [];
}

/// <summary>The chart can render no PodDisruptionBudget for the component and runs it as a single replica.</summary>
/// <param name="Reason">Why, from the chart's templates.</param>
public sealed record NoBudget(string Reason) : DisruptionBudgetTemplate
{
    /// <inheritdoc />
    public override IEnumerable<ChartValue> Values() => [];
}
