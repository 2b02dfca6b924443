using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace MlPlatform.Policies;

/// <summary>
/// One workload of a chart (a Deployment or StatefulSet, or pods an operator creates from the chart's custom
/// resource) as the chart's templates render it at one version: where its replica count, PodDisruptionBudget,
/// scheduling and priority come from.
/// </summary>
public sealed record ChartComponent
{
    /// <summary>The component's name, e.g. <c>server</c>.</summary>
    public required string Name { get; init; }

    /// <summary>When the chart renders the component at all; <see cref="ValueCondition.Always"/> by default.</summary>
    public ValueCondition EnabledWhen { get; init; } = ValueCondition.Always;

    /// <summary>The replica count value; null when the template fixes it (<see cref="FixedReplicas"/>).</summary>
    public ChartValue? Replicas { get; init; }

    /// <summary>The replica count when <see cref="Replicas"/> is null, or when the value is null (Kubernetes' default).</summary>
    public int FixedReplicas { get; init; } = 1;

    /// <summary>When a HorizontalPodAutoscaler owns the count instead (its minimum then counts).</summary>
    public ValueCondition? AutoscalingWhen { get; init; }

    /// <summary>The autoscaler's minimum replica count.</summary>
    public ChartValue? AutoscalingMinimum { get; init; }

    /// <summary>How the component's PodDisruptionBudget is rendered.</summary>
    public required DisruptionBudgetTemplate Budget { get; init; }

    /// <summary>Where its topology spread, anti-affinity, priority class and pod labels come from.</summary>
    public required SchedulingTemplate Scheduling { get; init; }

    /// <summary>Every value path the component reads.</summary>
    public IEnumerable<ChartValue> Values() =>
        new[] { Replicas, AutoscalingMinimum }.OfType<ChartValue>()
            .Concat(EnabledWhen.Values())
            .Concat(AutoscalingWhen?.Values() ?? [])
            .Concat(Budget.Values())
            .Concat(Scheduling.Values());

    /// <summary>True when the chart renders the component for the coalesced values.</summary>
    public bool IsEnabled(JsonObject values) => EnabledWhen.Holds(values, FixedReplicas);

    /// <summary>The replicas the component runs with the coalesced values (an autoscaler's minimum when one owns the count).</summary>
    public int ReplicaCount(JsonObject values)
    {
        if (AutoscalingWhen is { } autoscaling && AutoscalingMinimum is { } minimum && autoscaling.Holds(values, FixedReplicas))
        {
            return Count(HelmValues.Get(values, minimum.Path));
        }

        return Replicas is null ? FixedReplicas : Count(HelmValues.Get(values, Replicas.Path));
    }

    /// <summary>The value paths whose change would raise the replica count, for messages.</summary>
    public string ReplicaSource => Replicas?.Path ?? $"fixed at {FixedReplicas} by the chart";

    private int Count(JsonNode? value) => value is null ? FixedReplicas : (int)HelmValues.ToInteger(value);
}

/// <summary>Where a component's scheduling constraints, priority class and pod labels come from in its chart.</summary>
public sealed record SchedulingTemplate
{
    /// <summary>The <c>topologySpreadConstraints</c> lists the template reads, in order: the first true one is rendered.</summary>
    public ImmutableArray<ChartValue> Spread { get; init; } = [];

    /// <summary>True when the template gives constraints without a <c>labelSelector</c> the component's own selector.</summary>
    public bool SpreadSelectorDefaulted { get; init; }

    /// <summary>The raw <c>affinity</c> maps the template reads, in order: the first true one is rendered.</summary>
    public ImmutableArray<ChartValue> Affinity { get; init; } = [];

    /// <summary>True when the template gives anti-affinity terms without a <c>labelSelector</c> the component's own selector.</summary>
    public bool AffinitySelectorDefaulted { get; init; }

    /// <summary>Spread or anti-affinity the chart renders itself from a switch.</summary>
    public ImmutableArray<SchedulingPreset> Presets { get; init; } = [];

    /// <summary>The <c>priorityClassName</c> values the template reads, in order: the first true one is rendered.</summary>
    public ImmutableArray<ChartValue> PriorityClass { get; init; } = [];

    /// <summary>Labels the chart puts on the component's pods (<c>{release}</c> stands for the release name).</summary>
    public ImmutableDictionary<string, string> PodLabels { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Every value path these read.</summary>
    public IEnumerable<ChartValue> Values() =>
        Spread.Concat(Affinity).Concat(PriorityClass).Concat(Presets.SelectMany(p => p.Values()));

    /// <summary>The pod labels of a release.</summary>
    public ImmutableDictionary<string, string> PodLabelsOf(string release) =>
        PodLabels.ToImmutableDictionary(l => l.Key, l => l.Value.Replace("{release}", release, StringComparison.Ordinal));
}

/// <summary>
/// Spreading the chart renders itself when <see cref="When"/> holds: anti-affinity or spread constraints over
/// <see cref="TopologyKey"/>'s value, or over <see cref="TopologyKeys"/> when that value is empty or not given.
/// </summary>
/// <param name="When">When the chart renders it.</param>
/// <param name="TopologyKeys">The topology keys it spreads over by default.</param>
/// <param name="TopologyKey">A value that names the topology key instead, when set.</param>
public sealed record SchedulingPreset(ValueCondition When, ImmutableArray<string> TopologyKeys, ChartValue? TopologyKey = null)
{
    /// <summary>The value paths it reads.</summary>
    public IEnumerable<ChartValue> Values() => When.Values().Concat(TopologyKey is null ? [] : [TopologyKey]);

    /// <summary>The topology keys it spreads over for the coalesced values; empty when it is off.</summary>
    public IEnumerable<string> KeysFor(JsonObject values, int replicas)
    {
        if (!When.Holds(values, replicas))
        {
            return [];
        }

        return TopologyKey is not null && HelmValues.Get(values, TopologyKey.Path) is { } key && HelmValues.IsTruthy(key)
            ? [key.ToString()]
            : TopologyKeys;
    }
}
