using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlPlatform.Policies;

/// <summary>
/// Helm's value semantics over JSON, so that rules and tests reason about what a chart really renders: the
/// coalescing of a release's values with the chart's defaults (as <c>helm install</c> does it), dotted value paths,
/// and the truthiness and integer conversion of Go templates.
/// </summary>
public static class HelmValues
{
    /// <summary>
    /// The values a chart renders with: <paramref name="values"/> coalesced over <paramref name="defaults"/> the way
    /// Helm coalesces user values with a chart's values.yaml. Maps merge deeply; a null in
    /// <paramref name="values"/> deletes the key the defaults have; lists and scalars replace; a map never merges
    /// with a scalar (the given value wins); keys only in the defaults are copied. Neither argument is changed.
    /// </summary>
    /// <param name="values">The release's values (the user side).</param>
    /// <param name="defaults">The chart's defaults.</param>
    public static JsonObject Coalesce(JsonObject? values, JsonObject defaults) =>
        Coalesce(values?.DeepClone().AsObject() ?? [], defaults, merge: false);

    /// <summary>
    /// The values of a chart with subcharts, as Helm computes them: the release's values are coalesced with the
    /// parent's defaults (keeping nulls under subchart keys, Helm's merge mode), then every subchart's section with
    /// that subchart's defaults (where nulls delete), and the parent's <c>global</c> map is copied into each subchart's
    /// <c>global</c> (parent keys win).
    /// </summary>
    /// <param name="values">The release's values.</param>
    /// <param name="defaults">The parent chart's values.yaml.</param>
    /// <param name="subcharts">Each subchart's values.yaml, by the key its values live under in the parent.</param>
    public static JsonObject CoalesceChart(JsonObject? values, JsonObject defaults, IReadOnlyDictionary<string, JsonObject> subcharts)
    {
        var result = values?.DeepClone().AsObject() ?? [];
        foreach (var (key, fallback) in defaults)
        {
            CoalesceKey(result, key, fallback, merge: subcharts.ContainsKey(key));
        }

        var global = result["global"] as JsonObject;
        foreach (var (name, subDefaults) in subcharts)
        {
            var section = result[name] as JsonObject ?? [];
            var merged = Coalesce(section, subDefaults, merge: false);
            if (global is not null)
            {
                var subGlobal = merged["global"] as JsonObject ?? [];
                merged["global"] = Coalesce(global.DeepClone().AsObject(), subGlobal, merge: false);
            }

            result[name] = merged;
        }

        return result;
    }

    /// <summary>True when <paramref name="path"/> (keys joined by dots) is present in <paramref name="values"/>, even with a null value.</summary>
    public static bool Has(JsonObject values, string path) => TryGet(values, path, out _);

    /// <summary>The value at <paramref name="path"/>, or null when it is absent or null.</summary>
    public static JsonNode? Get(JsonObject values, string path) => TryGet(values, path, out var value) ? value : null;

    /// <summary>Looks <paramref name="path"/> up: false when a key on the way is missing or is not a map.</summary>
    public static bool TryGet(JsonObject values, string path, out JsonNode? value)
    {
        JsonNode? node = values;
        foreach (var key in Keys(path))
        {
            if (node is not JsonObject map || !map.TryGetPropertyValue(key, out var child))
            {
                value = null;
                return false;
            }

            node = child;
        }

        value = node;
        return true;
    }

    /// <summary>
    /// Sets <paramref name="path"/> in <paramref name="values"/>, creating the maps on the way; throws when a key on
    /// the way holds something other than a map.
    /// </summary>
    public static void Set(JsonObject values, string path, JsonNode? value)
    {
        var keys = Keys(path);
        var map = values;
        foreach (var key in keys[..^1])
        {
            if (!map.TryGetPropertyValue(key, out var child) || child is null)
            {
                child = new JsonObject();
                map[key] = child;
            }

            map = child as JsonObject ?? throw new InvalidOperationException($"'{path}': '{key}' is not a map.");
        }

        map[keys[^1]] = value?.DeepClone();
    }

    /// <summary>
    /// Go template truthiness (<c>if</c>, <c>with</c>, <c>default</c>): false, 0, the empty string, null, and empty
    /// maps and lists are false; everything else is true.
    /// </summary>
    public static bool IsTruthy(JsonNode? value) => value switch
    {
        null => false,
        JsonObject map => map.Count > 0,
        JsonArray list => list.Count > 0,
        _ => value.GetValueKind() switch
        {
            JsonValueKind.False or JsonValueKind.Null or JsonValueKind.Undefined => false,
            JsonValueKind.String => value.GetValue<string>().Length > 0,
            JsonValueKind.Number => Number(value) != 0,
            _ => true,
        },
    };

    /// <summary>
    /// The sprig <c>int</c> conversion: numbers truncated, numeric strings parsed, anything else (null, "50%",
    /// maps) 0.
    /// </summary>
    public static long ToInteger(JsonNode? value) => value?.GetValueKind() switch
    {
        JsonValueKind.Number => (long)Number(value),
        JsonValueKind.True => 1,
        JsonValueKind.String when long.TryParse(value.GetValue<string>().Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => 0,
    };

    /// <summary>The number a JSON number holds, whatever .NET type backs it.</summary>
    public static double Number(JsonNode value) => double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>The keys of a dotted path.</summary>
    public static ImmutableArray<string> Keys(string path) =>
        path.Length == 0 ? throw new ArgumentException("A value path names at least one key.", nameof(path)) : [.. path.Split('.')];

    // Helm's coalesceTablesFullKey: `result` is authoritative; `merge` keeps nulls (for subchart sections, whose
    // own pass deletes them later).
    private static JsonObject Coalesce(JsonObject result, JsonObject defaults, bool merge)
    {
        foreach (var (key, fallback) in defaults)
        {
            CoalesceKey(result, key, fallback, merge);
        }

        return result;
    }

    private static void CoalesceKey(JsonObject result, string key, JsonNode? fallback, bool merge)
    {
        if (!result.TryGetPropertyValue(key, out var given))
        {
            result[key] = fallback?.DeepClone();
        }
        else if (given is null)
        {
            if (!merge)
            {
                result.Remove(key);
            }
        }
        else if (given is JsonObject map && fallback is JsonObject fallbackMap)
        {
            Coalesce(map, fallbackMap, merge);
        }
    }
}
