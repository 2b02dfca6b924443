using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MlPlatform.Tests.Support;

/// <summary>
/// A small evaluator of the subset of Kyverno's rule language the platform's policies use, to test what a rule
/// admits and denies rather than that it exists:
/// <list type="bullet">
/// <item><c>match.any[].resources</c>: <c>kinds</c> (bare or <c>group/version/Kind</c>), <c>operations</c> (default
/// CREATE and UPDATE), <c>namespaceSelector.matchExpressions</c> with <c>In</c>, <c>selector.matchLabels</c>.</item>
/// <item><c>validate.pattern</c>: nested maps, string values with <c>?</c>/<c>*</c> wildcards and <c>|</c>
/// alternatives (Kyverno's pattern semantics: every key of the pattern must exist and match).</item>
/// <item><c>validate.deny.conditions</c> (<c>any</c>/<c>all</c>), operators Equals and NotEquals, with keys of the
/// forms <c>{{ PATH || '' }}</c> and <c>{{ regex_match('RE', PATH || '') }}</c>, PATH a dotted path from
/// <c>request.object</c> or <c>request.oldObject</c> whose segments may be quoted.</item>
/// </list>
/// Anything outside that subset throws, so a policy that drifts from it fails its tests instead of passing them.
/// </summary>
public static partial class KyvernoRuleEvaluator
{
    /// <summary>The outcome of one rule on one request.</summary>
    public enum Outcome
    {
        /// <summary>The rule does not match the request.</summary>
        Skipped,

        /// <summary>The rule matches and the request passes.</summary>
        Pass,

        /// <summary>The rule matches and the request violates it.</summary>
        Fail,
    }

    /// <summary>Evaluates a rule on an admission request.</summary>
    /// <param name="rule">The rule (an item of <c>spec.rules</c>).</param>
    /// <param name="operation">CREATE, UPDATE or DELETE.</param>
    /// <param name="obj">The new object (null on DELETE).</param>
    /// <param name="oldObj">The old object (on UPDATE and DELETE).</param>
    /// <param name="namespaceLabels">The labels of the object's namespace.</param>
    public static Outcome Evaluate(JsonNode rule, string operation, JsonNode? obj, JsonNode? oldObj, IReadOnlyDictionary<string, string> namespaceLabels)
    {
        var subject = obj ?? oldObj ?? throw new ArgumentException("a request needs an object");
        if (!Matches(rule["match"]!, operation, subject, namespaceLabels))
        {
            return Outcome.Skipped;
        }

        var validate = rule["validate"] ?? throw new NotSupportedException("only validate rules are evaluated");
        if (validate["pattern"] is { } pattern)
        {
            return obj is not null && PatternMatches(pattern, obj) ? Outcome.Pass : Outcome.Fail;
        }

        if (validate["deny"]?["conditions"] is JsonObject conditions)
        {
            var request = new JsonObject { ["object"] = obj?.DeepClone(), ["oldObject"] = oldObj?.DeepClone() };
            bool Holds(JsonNode c) => Condition(c, request);
            var denied = conditions["any"] is JsonArray any ? any.Any(c => Holds(c!))
                : conditions["all"] is JsonArray all ? all.All(c => Holds(c!))
                : throw new NotSupportedException("deny conditions need any or all");
            return denied ? Outcome.Fail : Outcome.Pass;
        }

        throw new NotSupportedException("validate needs a pattern or deny conditions");
    }

    private static bool Matches(JsonNode match, string operation, JsonNode subject, IReadOnlyDictionary<string, string> namespaceLabels)
    {
        var any = match["any"] as JsonArray ?? throw new NotSupportedException("only match.any is evaluated");
        return any.Any(filter =>
        {
            var resources = filter!["resources"]!;
            var kind = subject["kind"]!.GetValue<string>();
            var apiVersion = subject["apiVersion"]!.GetValue<string>();
            var kinds = resources["kinds"]!.AsArray().Select(k => k!.GetValue<string>());
            if (!kinds.Any(k => k == kind || k == $"{apiVersion}/{kind}"))
            {
                return false;
            }

            var operations = resources["operations"]?.AsArray().Select(o => o!.GetValue<string>()).ToList() ?? ["CREATE", "UPDATE"];
            if (!operations.Contains(operation))
            {
                return false;
            }

            foreach (var expression in resources["namespaceSelector"]?["matchExpressions"]?.AsArray() ?? [])
            {
                if (expression!["operator"]!.GetValue<string>() != "In")
                {
                    throw new NotSupportedException("only the In operator is evaluated");
                }

                var values = expression["values"]!.AsArray().Select(v => v!.GetValue<string>());
                if (!namespaceLabels.TryGetValue(expression["key"]!.GetValue<string>(), out var value) || !values.Contains(value))
                {
                    return false;
                }
            }

            foreach (var (key, value) in resources["selector"]?["matchLabels"]?.AsObject() ?? [])
            {
                if (subject["metadata"]?["labels"]?[key]?.GetValue<string>() != value!.GetValue<string>())
                {
                    return false;
                }
            }

            return true;
        });
    }

    private static bool PatternMatches(JsonNode pattern, JsonNode? value) => pattern switch
    {
        JsonObject map => value is JsonObject actual && map.All(p =>
            p.Key.Contains('(', StringComparison.Ordinal) ? throw new NotSupportedException($"anchor {p.Key} is not evaluated") : PatternMatches(p.Value!, actual[p.Key])),
        JsonValue leaf when leaf.TryGetValue<string>(out var text) => value is JsonValue v && v.TryGetValue<string>(out var actual)
            && text.Split('|').Select(a => a.Trim()).Any(alternative => Wildcard(alternative).IsMatch(actual)),
        _ => throw new NotSupportedException($"pattern {pattern.ToJsonString()} is not evaluated"),
    };

    private static Regex Wildcard(string pattern) =>
        new("\\A" + Regex.Escape(pattern).Replace("\\?", ".", StringComparison.Ordinal).Replace("\\*", ".*", StringComparison.Ordinal) + "\\z", RegexOptions.Singleline);

    private static bool Condition(JsonNode condition, JsonObject request)
    {
        var key = condition["key"]!.GetValue<string>();
        object actual;
        if (RegexMatchKey().Match(key) is { Success: true } regex)
        {
            // Go's RE2 and .NET agree on the anchors, groups, classes and quantifiers the policies use.
            actual = Regex.IsMatch(Resolve(regex.Groups["path"].Value, request), regex.Groups["re"].Value);
        }
        else if (PathKey().Match(key) is { Success: true } path)
        {
            actual = Resolve(path.Groups["path"].Value, request);
        }
        else
        {
            throw new NotSupportedException($"condition key {key} is not evaluated");
        }

        var expected = condition["value"]!;
        var equal = expected.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => actual is bool b && b == expected.GetValue<bool>(),
            System.Text.Json.JsonValueKind.String => actual is string s && s == expected.GetValue<string>(),
            _ => throw new NotSupportedException("only boolean and string values are evaluated"),
        };
        return condition["operator"]!.GetValue<string>() switch
        {
            "Equals" => equal,
            "NotEquals" => !equal,
            var other => throw new NotSupportedException($"operator {other} is not evaluated"),
        };
    }

    // PATH || '': a missing value is the empty string.
    private static string Resolve(string path, JsonObject request)
    {
        if (!path.StartsWith("request.", StringComparison.Ordinal))
        {
            throw new NotSupportedException($"path {path} is not evaluated");
        }

        JsonNode? node = request;
        foreach (Match segment in PathSegment().Matches(path["request.".Length..]))
        {
            var name = segment.Groups["quoted"].Success ? segment.Groups["quoted"].Value : segment.Groups["plain"].Value;
            node = node is JsonObject map ? map[name] : null;
        }

        return node is JsonValue value && value.TryGetValue<string>(out var text) ? text : "";
    }

    [GeneratedRegex(@"\A\{\{ regex_match\('(?<re>[^']*)', (?<path>[^|]+?) \|\| ''\) \}\}\z")]
    private static partial Regex RegexMatchKey();

    [GeneratedRegex(@"\A\{\{ (?<path>[^|]+?) \|\| '' \}\}\z")]
    private static partial Regex PathKey();

    [GeneratedRegex(@"""(?<quoted>[^""]+)""|(?<plain>[^.""]+)")]
    private static partial Regex PathSegment();
}
