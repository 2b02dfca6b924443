using System.Collections.Immutable;
using MlPlatform.Policies;

namespace MlPlatform.Stacks.Configuration;

/// <summary>Reading and validation of <c>mlplatform:kueue</c>.</summary>
public static partial class ConfigReader
{
    /// <summary>Whether Kueue is on (<c>mlplatform:kueue.enabled</c>, by default when a GPU pool exists), read before the namespaces so that its namespace is planned.</summary>
    private static bool ReadKueueEnabled(JsonConfigNode? node, ImmutableArray<NodePoolConfig> pools, List<ConfigProblem> problems)
    {
        var enabled = node?.Bool("enabled") ?? pools.Any(p => p.IsGpu);
        if (enabled && pools.IsEmpty)
        {
            problems.Add(new(Key("kueue.enabled"), $"Kueue needs at least one node pool in {Key("nodePools")} (a ResourceFlavor per pool)"));
        }

        return enabled;
    }

    private static KueueConfig ReadKueue(JsonConfigNode? node, bool enabled, ImmutableArray<NamespaceConfig> namespaces)
    {
        if (node is null)
        {
            return new KueueConfig { Enabled = enabled };
        }

        var cohort = node.String("cohort") ?? KueueConfig.DefaultCohort;
        if (!KubernetesNames.IsDns1123Label(cohort))
        {
            node.Problem("cohort", $"'{cohort}' is not a DNS-1123 label (lower-case letters, digits and '-', at most 63)");
        }

        var queueing = namespaces.Where(IsKueueNamespace).Select(n => n.Name).ToList();
        var teams = ImmutableDictionary.CreateBuilder<string, KueueTeamLimits>(StringComparer.Ordinal);
        foreach (var team in node.ObjectList("teams") ?? [])
        {
            var name = team.String("name");
            if (name is null)
            {
                team.Problem("name", "required");
            }
            else if (!queueing.Contains(name))
            {
                team.Problem("name", $"'{name}' has no queue: Kueue queues the team namespaces and '{PlatformNamespaces.ArgoWorkflows}' ({string.Join(", ", queueing)})");
            }
            else if (teams.ContainsKey(name))
            {
                team.Problem("name", $"duplicate team '{name}'");
            }

            var borrowing = team.Int("borrowingLimit");
            var lending = team.Int("lendingLimit");
            if (borrowing < 0)
            {
                team.Problem("borrowingLimit", $"must not be negative, not {borrowing}");
            }

            if (lending < 0)
            {
                team.Problem("lendingLimit", $"must not be negative, not {lending}");
            }

            team.RejectUnknownKeys();
            if (name is not null && !teams.ContainsKey(name))
            {
                teams[name] = new KueueTeamLimits(borrowing, lending);
            }
        }

        node.RejectUnknownKeys();
        if (!enabled && teams.Count > 0)
        {
            node.Problem("teams", "Kueue is off on this stack (enabled: false, or no GPU pool): its limits would not apply");
        }

        return new KueueConfig { Enabled = enabled, Cohort = cohort, Teams = teams.ToImmutable() };
    }

    /// <summary>True for a namespace whose batch work Kueue queues: every team, and Argo Workflows' namespace (the pipelines).</summary>
    public static bool IsKueueNamespace(NamespaceConfig ns) => ns.IsTeam || ns.Name == PlatformNamespaces.ArgoWorkflows;
}
