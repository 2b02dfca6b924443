using System.Collections.Immutable;

namespace MlPlatform.Components.Addons;

/// <summary>
/// How the platform spreads the replicas of a component so that one node or one zone going away never takes them
/// all: at most one replica more on any node than on another (a hard rule: <c>DoNotSchedule</c>, counting only nodes
/// the pods may run on, so that cordoned nodes and tainted GPU pools never hold a replica back), and zones balanced
/// as far as capacity allows (<c>ScheduleAnyway</c>: a zone short of system capacity, or a volume bound to a zone,
/// must not leave a replica pending). The PodDisruptionBudget, not the spread, is what keeps a replica running while
/// a node drains.
/// </summary>
public static class TopologySpread
{
    /// <summary>The zone topology key.</summary>
    public const string ZoneKey = "topology.kubernetes.io/zone";

    /// <summary>The node topology key.</summary>
    public const string HostKey = "kubernetes.io/hostname";

    /// <summary>
    /// <c>topologySpreadConstraints</c> over hosts and zones for pods labelled <paramref name="matchLabels"/>; null
    /// leaves the selector out, for charts whose templates fill in the component's own selector.
    /// </summary>
    /// <param name="matchLabels">The pods' labels the constraints count.</param>
    /// <param name="matchLabelKeys">Pod label keys whose values narrow what is counted to pods like the incoming one.</param>
    public static object[] Constraints(IReadOnlyDictionary<string, string>? matchLabels = null, IReadOnlyList<string>? matchLabelKeys = null) =>
    [
        Constraint(HostKey, "DoNotSchedule", matchLabels, matchLabelKeys),
        Constraint(ZoneKey, "ScheduleAnyway", matchLabels, matchLabelKeys),
    ];

    /// <summary>
    /// The same intent as pod anti-affinity, for charts that take only an <c>affinity</c>: never two replicas on
    /// one node, and replicas in different zones where possible.
    /// </summary>
    /// <param name="matchLabels">The pods' labels.</param>
    public static Dictionary<string, object> AntiAffinity(IReadOnlyDictionary<string, string> matchLabels) => new()
    {
        ["podAntiAffinity"] = new Dictionary<string, object>
        {
            ["requiredDuringSchedulingIgnoredDuringExecution"] = new object[] { Term(HostKey, matchLabels) },
            ["preferredDuringSchedulingIgnoredDuringExecution"] = new object[]
            {
                new Dictionary<string, object> { ["weight"] = 100, ["podAffinityTerm"] = Term(ZoneKey, matchLabels) },
            },
        },
    };

    private static Dictionary<string, object> Constraint(
        string topologyKey, string whenUnsatisfiable, IReadOnlyDictionary<string, string>? matchLabels, IReadOnlyList<string>? matchLabelKeys)
    {
        var constraint = new Dictionary<string, object>
        {
            ["maxSkew"] = 1,
            ["topologyKey"] = topologyKey,
            ["whenUnsatisfiable"] = whenUnsatisfiable,
        };
        if (whenUnsatisfiable == "DoNotSchedule")
        {
            constraint["nodeTaintsPolicy"] = "Honor";
        }

        if (matchLabels is not null)
        {
            constraint["labelSelector"] = Selector(matchLabels);
        }

        if (matchLabelKeys is { Count: > 0 })
        {
            constraint["matchLabelKeys"] = matchLabelKeys.ToArray();
        }

        return constraint;
    }

    private static Dictionary<string, object> Term(string topologyKey, IReadOnlyDictionary<string, string> matchLabels) => new()
    {
        ["topologyKey"] = topologyKey,
        ["labelSelector"] = Selector(matchLabels),
    };

    private static Dictionary<string, object> Selector(IReadOnlyDictionary<string, string> matchLabels) => new()
    {
        ["matchLabels"] = matchLabels.OrderBy(l => l.Key, StringComparer.Ordinal).ToDictionary(l => l.Key, l => (object)l.Value),
    };

    /// <summary>Labels as an immutable map, for the pod labels of a chart.</summary>
    internal static ImmutableDictionary<string, string> Labels(params (string Key, string Value)[] labels) =>
        labels.ToImmutableDictionary(l => l.Key, l => l.Value);
}
