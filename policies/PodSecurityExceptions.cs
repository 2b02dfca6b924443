using System.Collections.Immutable;

namespace MlPlatform.Policies;

/// <summary>
/// The namespaces that may run at the Pod Security level <c>privileged</c>, each with the reason: the
/// <c>pod-security</c> entries of the reviewed exceptions file (<see cref="PolicyExceptions"/>). Nothing else may be
/// privileged: configuration validation rejects any other privileged namespace, the gate's <c>pod-security</c> rule
/// checks every planned namespace against this list, and its <c>host-access</c> rule allows host namespaces and
/// host paths only here.
/// </summary>
public static class PodSecurityExceptions
{
    /// <summary>The rule whose exceptions make a namespace privileged.</summary>
    public const string Rule = "pod-security";

    /// <summary>Namespace name to the reason it needs host access.</summary>
    public static ImmutableDictionary<string, string> Privileged { get; } = PolicyExceptions.All
        .Where(e => e.Rule == Rule && e.Namespace is not null)
        .ToImmutableDictionary(e => e.Namespace!, e => e.Reason, StringComparer.Ordinal);

    /// <summary>True when the namespace may be privileged; <paramref name="reason"/> says why.</summary>
    public static bool IsAllowed(string @namespace, out string reason)
    {
        if (Privileged.TryGetValue(@namespace, out var found))
        {
            reason = found;
            return true;
        }

        reason = string.Empty;
        return false;
    }
}
