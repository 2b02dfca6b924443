using System.Collections.Immutable;

namespace MlPlatform.Stacks.Configuration;

/// <summary>
/// Kueue, the job queueing controller (<c>mlplatform:kueue</c>): a ResourceFlavor per node pool, a ClusterQueue per
/// queueing namespace (every team, and Argo Workflows' pipelines) in one cohort, and a LocalQueue in each.
/// </summary>
public sealed record KueueConfig
{
    /// <summary>The cohort every ClusterQueue joins when none is configured.</summary>
    public const string DefaultCohort = "platform";

    /// <summary>Kueue is installed; on by default where a GPU pool exists (<c>mlplatform:kueue.enabled</c>).</summary>
    public bool Enabled { get; init; }

    /// <summary>The cohort the ClusterQueues share, so that idle quota is borrowed and reclaimed (<c>mlplatform:kueue.cohort</c>).</summary>
    public string Cohort { get; init; } = DefaultCohort;

    /// <summary>Per-namespace GPU borrowing and lending limits (<c>mlplatform:kueue.teams</c>), by namespace name.</summary>
    public ImmutableDictionary<string, KueueTeamLimits> Teams { get; init; } = ImmutableDictionary<string, KueueTeamLimits>.Empty;

    /// <summary>The limits of one namespace's ClusterQueue: the configured ones, or none (borrow and lend freely).</summary>
    public KueueTeamLimits LimitsFor(string @namespace) => Teams.GetValueOrDefault(@namespace) ?? KueueTeamLimits.None;
}

/// <summary>How many GPUs (per GPU flavor) one namespace's ClusterQueue may borrow from, and lend to, its cohort.</summary>
/// <param name="BorrowingLimit">GPUs above its nominal quota the queue may borrow; null for no limit.</param>
/// <param name="LendingLimit">GPUs of its nominal quota the queue lends when idle; null lends all of it.</param>
public sealed record KueueTeamLimits(int? BorrowingLimit, int? LendingLimit)
{
    /// <summary>No limits: borrow any idle quota, lend all of one's own.</summary>
    public static KueueTeamLimits None { get; } = new(null, null);
}
