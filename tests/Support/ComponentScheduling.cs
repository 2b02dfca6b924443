using System.Collections.Immutable;
using System.Text.Json.Nodes;
using MlPlatform.Policies;

namespace MlPlatform.Tests.Support;

/// <summary>How a chart component's pods are spread and prioritised under a release's coalesced values.</summary>
/// <param name="TopologyKeys">The topology keys its spread constraints and pod anti-affinity count replicas over.</param>
/// <param name="Problems">Constraints that would count the wrong pods: a selector that misses the component's own, or none where the chart fills none in.</param>
/// <param name="PriorityClass">The rendered <c>priorityClassName</c>, or null.</param>
public sealed record ComponentScheduling(ImmutableHashSet<string> TopologyKeys, ImmutableArray<string> Problems, string? PriorityClass)
{
    /// <summary>Reads the scheduling of <paramref name="component"/> from the coalesced values of release <paramref name="release"/>.</summary>
    public static ComponentScheduling Of(ChartComponent component, JsonObject values, string release)
    {
        var template = component.Scheduling;
        var pods = template.PodLabelsOf(release);
        var keys = ImmutableHashSet.CreateBuilder<string>();
        var problems = ImmutableArray.CreateBuilder<string>();

        foreach (var constraint in FirstTruthy(values, template.Spread) as JsonArray ?? [])
        {
            var key = constraint?["topologyKey"]?.ToString() ?? "";
            keys.Add(key);
            Check($"spread over {key}", constraint?["labelSelector"], template.SpreadSelectorDefaulted, pods, problems);
        }

        var antiAffinity = (FirstTruthy(values, template.Affinity) as JsonObject)?["podAntiAffinity"];
        var terms = (antiAffinity?["requiredDuringSchedulingIgnoredDuringExecution"] as JsonArray ?? [])
            .Concat((antiAffinity?["preferredDuringSchedulingIgnoredDuringExecution"] as JsonArray ?? []).Select(p => p?["podAffinityTerm"]));
        foreach (var term in terms)
        {
            var key = term?["topologyKey"]?.ToString() ?? "";
            keys.Add(key);
            Check($"anti-affinity over {key}", term?["labelSelector"], template.AffinitySelectorDefaulted, pods, problems);
        }

        var replicas = component.ReplicaCount(values);
        foreach (var preset in template.Presets)
        {
            keys.UnionWith(preset.KeysFor(values, replicas));
        }

        var priority = FirstTruthy(values, template.PriorityClass)?.ToString();
        return new ComponentScheduling(keys.ToImmutable(), problems.ToImmutable(), priority);
    }

    private static JsonNode? FirstTruthy(JsonObject values, ImmutableArray<ChartValue> paths) =>
        paths.Select(p => HelmValues.Get(values, p.Path)).FirstOrDefault(HelmValues.IsTruthy);

    private static void Check(string what, JsonNode? selector, bool defaulted, IReadOnlyDictionary<string, string> pods, ImmutableArray<string>.Builder problems)
    {
        if (selector is null)
        {
            if (!defaulted)
            {
                problems.Add($"{what} has no labelSelector and the chart fills none in: it counts no pods");
            }
        }
        else if (!DisruptionBudgetRule.Selects(selector, pods))
        {
            problems.Add($"{what} selects {selector.ToJsonString()}, not the component's pods");
        }
    }
}
