using System.Collections.Immutable;

namespace MlPlatform.Components.Kubernetes;

/// <summary>One PriorityClass of the platform's scheduling ladder.</summary>
/// <param name="Name">The PriorityClass name that pods reference in <c>priorityClassName</c>.</param>
/// <param name="Value">Priority; higher preempts lower.</param>
/// <param name="GlobalDefault">True for the one class given to pods that name none.</param>
/// <param name="PreemptLowerPriority">False for classes whose pods wait rather than evict others.</param>
/// <param name="Description">What the class is for.</param>
public sealed record PriorityTier(string Name, int Value, bool GlobalDefault, bool PreemptLowerPriority, string Description)
{
    /// <summary>The platform's ladder, from platform-critical to preemptible.</summary>
    public static ImmutableArray<PriorityTier> Ladder { get; } =
    [
        new("system-critical", 1_000_000, false, true, "Platform controllers the cluster cannot run without."),
        new("interactive", 100_000, false, true, "Online inference and interactive notebooks: user-facing latency."),
        new("high-priority-batch", 50_000, false, true, "Urgent training and batch jobs."),
        new("medium-priority-batch", 10_000, true, true, "Default for pods that name no class: ordinary batch and training."),
        new("low-priority-batch", 1_000, false, true, "Backfill work that may wait."),
        new("maintenance", 100, false, false, "Housekeeping: waits for capacity and never preempts."),
        new("preemptible", 0, false, false, "Opportunistic work that anything may preempt."),
    ];
}
