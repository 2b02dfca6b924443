using System.Text.Json;

namespace MlPlatform.Stacks.Configuration;

/// <summary>
/// The keys of the whole stack configuration, as the engine hands it to the program. <see cref="Pulumi.Config"/>
/// answers only for names it is asked about; to tell which keys of the stack file the program does not know, the
/// program needs all of them.
/// </summary>
/// <remarks>
/// Under the Pulumi CLI the .NET language host (pulumi/pulumi-dotnet, <c>pulumi-language-dotnet/main.go</c>,
/// <c>constructEnv</c>) starts the program with the stack's whole configuration, JSON-serialised with keys
/// <c>namespace:key</c>, in the environment variable <c>PULUMI_CONFIG</c> (and the secret keys in
/// <c>PULUMI_CONFIG_SECRET_KEYS</c>); the SDK builds its configuration from that same variable
/// (<c>sdk/Pulumi/Deployment/Deployment_Config.cs</c>, <c>ParseConfig</c>), and so does its mock engine
/// (<c>Deployment.TestAsync</c>), which is how the offline plan and the tests pass configuration. Reading the
/// variable therefore sees exactly what <see cref="Pulumi.Config"/> sees, on every path.
/// </remarks>
public static class EngineConfiguration
{
    /// <summary>The environment variable holding the stack configuration.</summary>
    public const string Variable = "PULUMI_CONFIG";

    /// <summary>The environment variable listing the secret keys of the stack configuration (a JSON array).</summary>
    public const string SecretKeysVariable = "PULUMI_CONFIG_SECRET_KEYS";

    /// <summary>The full keys (<c>namespace:key</c>) the engine passed as secrets; empty when unset or not a JSON array.</summary>
    public static IReadOnlySet<string> SecretKeys() => SecretKeys(Environment.GetEnvironmentVariable(SecretKeysVariable));

    /// <summary>The full keys of a <c>PULUMI_CONFIG_SECRET_KEYS</c> value; empty when unset or not a JSON array of strings.</summary>
    public static IReadOnlySet<string> SecretKeys(string? secretKeysJson)
    {
        if (string.IsNullOrEmpty(secretKeysJson))
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }

        try
        {
            using var document = JsonDocument.Parse(secretKeysJson);
            return document.RootElement.ValueKind == JsonValueKind.Array
                ? document.RootElement.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => CleanKey(e.GetString()!)).ToHashSet(StringComparer.Ordinal)
                : new HashSet<string>(StringComparer.Ordinal);
        }
        catch (JsonException)
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }
    }

    /// <summary>The full keys (<c>namespace:key</c>) of the configuration the engine passed to this process.</summary>
    public static IReadOnlyList<string> Keys() => Keys(Environment.GetEnvironmentVariable(Variable));

    /// <summary>The full keys of a <c>PULUMI_CONFIG</c> value; empty when unset or not a JSON object.</summary>
    public static IReadOnlyList<string> Keys(string? pulumiConfigJson)
    {
        if (string.IsNullOrEmpty(pulumiConfigJson))
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(pulumiConfigJson);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? [.. document.RootElement.EnumerateObject().Select(p => CleanKey(p.Name))]
                : [];
        }
        catch (JsonException)
        {
            // The SDK itself fails on such a value before the program runs.
            return [];
        }
    }

    /// <summary>
    /// <c>project:config:key</c> → <c>project:key</c>: older language hosts still insert <c>:config:</c>, and the
    /// SDK removes it the same way.
    /// </summary>
    public static string CleanKey(string key)
    {
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && key.AsSpan(colon + 1).StartsWith("config:", StringComparison.Ordinal)
            ? string.Concat(key.AsSpan(0, colon + 1), key.AsSpan(colon + 1 + "config:".Length))
            : key;
    }
}
