using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MlPlatform.Policies;

/// <summary>One reviewed exception of <c>policies/exceptions.json</c>.</summary>
/// <param name="Rule">The rule it waives.</param>
/// <param name="Namespace">Waives every finding of the rule in this namespace; null when <paramref name="Resource"/> names the resources.</param>
/// <param name="Resource">Waives the findings on resources whose <c>type name</c> matches (<c>*</c> matches any characters).</param>
/// <param name="Reason">Why the platform needs it.</param>
public sealed record PolicyException(string Rule, string? Namespace, string? Resource, string Reason)
{
    /// <summary>True when the exception waives <paramref name="finding"/>.</summary>
    public bool Waives(PolicyViolation finding) =>
        finding.Rule == Rule
        && ((Namespace is not null && finding.Namespace == Namespace)
            || (Resource is not null && Glob.Matches(Resource, finding.Resource)));
}

/// <summary>
/// The one reviewed list of exceptions to the policy gate, <c>policies/exceptions.json</c> (embedded in this assembly),
/// each with its reason. Changing it is a security review.
/// </summary>
public static class PolicyExceptions
{
    /// <summary>Every exception, in file order.</summary>
    public static ImmutableArray<PolicyException> All { get; } = Load();

    /// <summary>The exception that waives <paramref name="finding"/>, or null.</summary>
    public static PolicyException? Waiving(PolicyViolation finding) => All.FirstOrDefault(e => e.Waives(finding));

    private static ImmutableArray<PolicyException> Load()
    {
        using var stream = typeof(PolicyExceptions).Assembly.GetManifestResourceStream("MlPlatform.Policies.exceptions.json")
            ?? throw new InvalidOperationException("policies/exceptions.json is not embedded in MlPlatform.Policies");
        var file = JsonSerializer.Deserialize<ExceptionsFile>(stream, new JsonSerializerOptions { PropertyNameCaseInsensitive = false })
            ?? throw new InvalidOperationException("policies/exceptions.json is empty");
        var problems = new List<string>();
        foreach (var (entry, i) in file.Exceptions.Select((e, i) => (e, i)))
        {
            if (string.IsNullOrWhiteSpace(entry.Rule))
            {
                problems.Add($"exceptions[{i}].rule is missing");
            }

            if ((entry.Namespace is null) == (entry.Resource is null))
            {
                problems.Add($"exceptions[{i}] names neither or both of namespace and resource: name exactly one");
            }

            if (string.IsNullOrWhiteSpace(entry.Reason))
            {
                problems.Add($"exceptions[{i}].reason is missing: every exception says why");
            }
        }

        return problems.Count > 0
            ? throw new InvalidOperationException("policies/exceptions.json: " + string.Join("; ", problems))
            : [.. file.Exceptions.Select(e => new PolicyException(e.Rule!, e.Namespace, e.Resource, e.Reason!))];
    }

    private sealed record ExceptionsFile(
        [property: JsonPropertyName("description")] string? Description,
        [property: JsonPropertyName("exceptions")] ImmutableArray<ExceptionEntry> Exceptions);

    private sealed record ExceptionEntry(
        [property: JsonPropertyName("rule")] string? Rule,
        [property: JsonPropertyName("namespace")] string? Namespace,
        [property: JsonPropertyName("resource")] string? Resource,
        [property: JsonPropertyName("reason")] string? Reason);
}
