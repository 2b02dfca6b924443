using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace MlPlatform.Policies;

/// <summary>
/// A condition of a chart template over the coalesced values (an <c>if</c> of the template), for example whether a
/// component is rendered or whether its PodDisruptionBudget is.
/// </summary>
public abstract record ValueCondition
{
    /// <summary>Always true (the template renders unconditionally).</summary>
    public static ValueCondition Always { get; } = new AllOf([]);

    /// <summary>The value is true in Go template terms (see <see cref="HelmValues.IsTruthy"/>).</summary>
    public static ValueCondition Truthy(ChartValue value) => new TruthyValue(value);

    /// <summary>The value is false in Go template terms.</summary>
    public static ValueCondition Falsy(ChartValue value) => new Not(new TruthyValue(value));

    /// <summary>The value converted with <c>int</c> is at least <paramref name="minimum"/> (e.g. <c>ge (int .minAvailable) 1</c>).</summary>
    public static ValueCondition IntegerAtLeast(ChartValue value, long minimum) => new IntegerValueAtLeast(value, minimum);

    /// <summary>The component runs more than <paramref name="count"/> replicas (e.g. <c>gt (int .replicas) 1</c>).</summary>
    public static ValueCondition ReplicasAbove(int count) => new MoreReplicasThan(count);

    /// <summary>At least one condition holds.</summary>
    public static ValueCondition Any(params ValueCondition[] conditions) => new AnyOf([.. conditions]);

    /// <summary>Every condition holds.</summary>
    public static ValueCondition All(params ValueCondition[] conditions) => new AllOf([.. conditions]);

    /// <summary>Whether the condition holds for the coalesced values and the component's replica count.</summary>
    public abstract bool Holds(JsonObject values, int replicas);

    /// <summary>The value paths the condition reads.</summary>
    public abstract IEnumerable<ChartValue> Values();

    private sealed record TruthyValue(ChartValue Value) : ValueCondition
    {
        public override bool Holds(JsonObject values, int replicas) => HelmValues.IsTruthy(HelmValues.Get(values, Value.Path));

        public override IEnumerable<ChartValue> Values() => [Value];

        public override string ToString() => Value.Path;
    }

    private sealed record IntegerValueAtLeast(ChartValue Value, long Minimum) : ValueCondition
    {
        public override bool Holds(JsonObject values, int replicas) => HelmValues.ToInteger(HelmValues.Get(values, Value.Path)) >= Minimum;

        public override IEnumerable<ChartValue> Values() => [Value];

        public override string ToString() => $"{Value.Path} >= {Minimum}";
    }

    private sealed record MoreReplicasThan(int Count) : ValueCondition
    {
        public override bool Holds(JsonObject values, int replicas) => replicas > Count;

        public override IEnumerable<ChartValue> Values() => [];

        public override string ToString() => $"replicas > {Count}";
    }

    private sealed record Not(ValueCondition Condition) : ValueCondition
    {
        public override bool Holds(JsonObject values, int replicas) => !Condition.Holds(values, replicas);

        public override IEnumerable<ChartValue> Values() => Condition.Values();

        public override string ToString() => $"not {Condition}";
    }

    private sealed record AnyOf(ImmutableArray<ValueCondition> Conditions) : ValueCondition
    {
        public override bool Holds(JsonObject values, int replicas) => Conditions.Any(c => c.Holds(values, replicas));

        public override IEnumerable<ChartValue> Values() => Conditions.SelectMany(c => c.Values());

        public override string ToString() => string.Join(" or ", Conditions);
    }

    private sealed record AllOf(ImmutableArray<ValueCondition> Conditions) : ValueCondition
    {
        public override bool Holds(JsonObject values, int replicas) => Conditions.All(c => c.Holds(values, replicas));

        public override IEnumerable<ChartValue> Values() => Conditions.SelectMany(c => c.Values());

        public override string ToString() => Conditions.IsEmpty ? "always" : string.Join(" and ", Conditions);
    }
}
