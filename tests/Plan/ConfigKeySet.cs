using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MlPlatform.Infra.Plan;
using MlPlatform.Stacks.Configuration;
using MlPlatform.Tests.Support;

namespace MlPlatform.Tests.Plan;

/// <summary>
/// The keys <see cref="ConfigReader"/> reads, observed through <see cref="ConfigKeyTrace"/> while it reads every stack
/// file of the repository and a probe configuration built from the schema for each cloud; keys are normalised
/// (<c>mlplatform:nodePools[].taints[].key</c>) and carry the kind of value the reader asked for.
/// </summary>
public static partial class ConfigKeySet
{
    /// <summary>Normalised key to kind, and the unknown-key problems the reader raised on the probes.</summary>
    public static (IReadOnlyDictionary<string, string> Keys, IReadOnlyList<ConfigProblem> Unknown) Observe(JsonObject schema)
    {
        var keys = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var unknown = new List<ConfigProblem>();
        void Read(IReadOnlyDictionary<string, string> values)
        {
            using var _ = ConfigKeyTrace.Observe((key, kind) =>
            {
                var normal = ListIndex().Replace(key, "[]");
                // The most specific kind wins over "value" (a top-level read) and "any" (known, read elsewhere).
                if (!keys.TryGetValue(normal, out var known) || known is "value" or "any")
                {
                    keys[normal] = kind;
                }
            });
            try
            {
                ConfigReader.Read(k => values.GetValueOrDefault(ConfigReader.Key(k)), values.Keys, hasKubeconfigSecret: false);
            }
            catch (ConfigValidationException e)
            {
                unknown.AddRange(e.Problems.Where(p => p.Message.StartsWith("unknown key", StringComparison.Ordinal)));
            }
        }

        foreach (var stack in StackFiles.All)
        {
            var config = StackConfigFile.Load(RepositoryPaths.Root, stack);
            Read(config.Values);
        }

        var probe = StackSchema.Probe(schema);
        foreach (var cloud in Enum.GetNames<CloudKind>().Select(c => c.ToLowerInvariant()))
        {
            var values = probe.ToDictionary(p => p.Key, p => p.Value is JsonValue v && v.TryGetValue<string>(out var text) ? text : p.Value?.ToJsonString() ?? string.Empty);
            values[ConfigReader.Key("cloud")] = cloud;
            Read(values);
        }

        // A top-level read does not say the value's shape: the keys read below it do.
        foreach (var (key, kind) in keys.Where(k => k.Value is "value" or "any").ToList())
        {
            if (keys.Keys.Any(k => k.StartsWith(key + "[]", StringComparison.Ordinal)))
            {
                keys[key] = "object[]";
            }
            else if (keys.Keys.Any(k => k.StartsWith(key + ".", StringComparison.Ordinal)))
            {
                keys[key] = "object";
            }
        }

        return (keys, unknown);
    }

    /// <summary><c>mlplatform:nodePools[0].taints[1].key</c> → <c>mlplatform:nodePools[].taints[].key</c>.</summary>
    [GeneratedRegex(@"\[\d+\]")]
    private static partial Regex ListIndex();
}
