using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MlPlatform.Policies;

/// <summary>
/// The gate's secrets rule: no plaintext secret in any input the plan sends (ConfigMaps, env literals, Helm values,
/// cloud resource arguments). A value the program marked secret reads <c>[secret]</c> in the plan; anything else
/// under a secret-like key, in a secret-like environment variable, or as the password of a connection string is a
/// secret in the clear: in the state file, the plan and the cluster.
/// </summary>
public static partial class SecretRules
{
    /// <summary>The rule's id.</summary>
    public const string Rule = "no-plaintext-secrets";

    /// <summary>How the plan writes a secret value.</summary>
    public const string SecretPlaceholder = "[secret]";

    /// <summary>
    /// Key endings (lower case, without <c>-</c>, <c>_</c> and <c>.</c>) whose values are secrets. Not <c>secretKey</c>:
    /// external-secrets and Kubernetes use it for the name of a key inside a Secret.
    /// </summary>
    private static readonly string[] SecretKeyEndings =
    [
        "password", "passwd", "passphrase", "token", "apikey", "privatekey", "clientsecret", "secretaccesskey",
        "connectionstring", "routingkey", "servicekey", "webhooksecret", "sharedkey",
    ];

    /// <summary>Runs the rule over every custom resource's inputs.</summary>
    public static IEnumerable<PolicyViolation> NoPlaintextSecrets(IReadOnlyList<PlanItem> plan)
    {
        foreach (var item in plan)
        {
            foreach (var (path, problem) in Find(item.Inputs, string.Empty))
            {
                yield return PolicyViolation.Of(Rule, item, $"{path}: {problem}; make it a Pulumi secret, or read it from a Secret (secretKeyRef, an ExternalSecret)");
            }
        }
    }

    /// <summary>True when a key names a secret value (not a reference to one, such as <c>existingSecret</c>).</summary>
    public static bool IsSecretKey(string key)
    {
        var normalized = key.Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal)
            .Replace(".", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
        return SecretKeyEndings.Any(e => normalized.EndsWith(e, StringComparison.Ordinal));
    }

    private static IEnumerable<(string Path, string Problem)> Find(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    var at = path.Length == 0 ? key : $"{path}.{key}";
                    if (value is JsonValue && IsSecretKey(key) && Plaintext(value) is { } text)
                    {
                        yield return (at, $"the secret-like key '{key}' holds a plaintext value ({text.Length} characters)");
                        continue;
                    }

                    foreach (var found in Find(value, at))
                    {
                        yield return found;
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var at = $"{path}[{i}]";
                    if (array[i] is JsonObject env && env["name"] is JsonValue name && name.TryGetValue<string>(out var variable)
                        && IsSecretKey(variable) && env["value"] is JsonValue && Plaintext(env["value"]) is not null && env["valueFrom"] is null)
                    {
                        yield return (at, $"the environment variable {variable} is a literal; use valueFrom.secretKeyRef");
                        continue;
                    }

                    foreach (var found in Find(array[i], at))
                    {
                        yield return found;
                    }
                }

                break;
            case JsonValue value when value.TryGetValue<string>(out var text) && ConnectionPassword(text) is { } password:
                yield return (path, $"a connection string carries a plaintext password ({password.Length} characters)");
                break;
        }
    }

    /// <summary>The value when it is a plaintext secret: a non-empty string that is not the secret placeholder or a reference to be filled in elsewhere.</summary>
    private static string? Plaintext(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 && !IsPlaceholder(text) ? text : null;

    private static bool IsPlaceholder(string text) =>
        text.Contains(SecretPlaceholder, StringComparison.Ordinal)
        || text.Contains("{{", StringComparison.Ordinal) || text.StartsWith("$(", StringComparison.Ordinal) || text.StartsWith("${", StringComparison.Ordinal)
        || text.StartsWith("/", StringComparison.Ordinal) || text.StartsWith("file://", StringComparison.Ordinal);

    private static string? ConnectionPassword(string text)
    {
        var match = UrlPassword().Match(text);
        if (!match.Success)
        {
            match = KeywordPassword().Match(text);
        }

        return match.Success && !IsPlaceholder(match.Groups["password"].Value) ? match.Groups["password"].Value : null;
    }

    [GeneratedRegex(@"[a-z][a-z0-9+.\-]*://[^/\s:@]+:(?<password>[^@/\s]+)@", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UrlPassword();

    [GeneratedRegex(@"(?:^|;)\s*(?:password|pwd)\s*=\s*(?<password>[^;]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex KeywordPassword();
}
