using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MlPlatform.Tests.Support;

namespace MlPlatform.Tests.Plan;

/// <summary>
/// The JSON Schema of stack files (<c>schemas/stack.schema.json</c>) as the agreement test walks it: the schema of a
/// configuration key, the keys it declares, and a probe configuration that sets every declared key.
/// </summary>
public static partial class StackSchema
{
    /// <summary>The schema's path, relative to the repository root (what the stack files reference).</summary>
    public const string RelativePath = "schemas/stack.schema.json";

    /// <summary>The environment variable that makes the agreement test add skeleton entries for missing keys.</summary>
    public const string UpdateVariable = "MLPLATFORM_UPDATE_SCHEMA";

    /// <summary>The schema's full path.</summary>
    public static string FullPath => Path.Combine(RepositoryPaths.Root, RelativePath);

    /// <summary>The schema, parsed.</summary>
    public static JsonObject Load() => (JsonObject)JsonNode.Parse(File.ReadAllText(FullPath))!;

    /// <summary>Writes the schema back, indented by two spaces.</summary>
    public static void Save(JsonObject schema) =>
        File.WriteAllText(FullPath, schema.ToJsonString(new JsonSerializerOptions { WriteIndented = true, IndentSize = 2, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");

    /// <summary>The schema of the stack file's <c>config</c> map.</summary>
    public static JsonObject Config(JsonObject schema) => (JsonObject)schema["properties"]!["config"]!;

    /// <summary>
    /// The segments of a normalised key: <c>mlplatform:nodePools[].taints[].key</c> → <c>mlplatform:nodePools</c>,
    /// <c>[]</c>, <c>taints</c>, <c>[]</c>, <c>key</c>.
    /// </summary>
    public static IReadOnlyList<string> Segments(string key)
    {
        var first = Segment().Match(key);
        var top = key[..(first.Success ? first.Index : key.Length)];
        return [top, .. Segment().Matches(key).Select(m => m.Value == "[]" ? "[]" : m.Value[1..])];
    }

    /// <summary>
    /// The schema of a key, or null; <paramref name="parent"/> is the deepest object schema reached and
    /// <paramref name="missing"/> the first segment it does not declare.
    /// </summary>
    public static JsonObject? Resolve(JsonObject schema, string key, out string parent, out string? missing)
    {
        var segments = Segments(key);
        JsonObject? node = Config(schema);
        parent = "/properties/config";
        missing = null;
        var pointer = parent;
        foreach (var segment in segments)
        {
            node = Deref(schema, node!, ref pointer);
            parent = pointer;
            JsonObject? next;
            if (segment == "[]")
            {
                next = node["items"] as JsonObject;
                pointer += "/items";
            }
            else if (node["properties"]?[segment] is JsonObject property)
            {
                next = property;
                pointer += $"/properties/{segment}";
            }
            else if ((node["patternProperties"] as JsonObject ?? []).FirstOrDefault(p => Regex.IsMatch(segment, p.Key)).Value is JsonObject pattern)
            {
                next = pattern;
                pointer += "/patternProperties";
            }
            else if (node["additionalProperties"] is JsonObject additional)
            {
                next = additional;
                pointer += "/additionalProperties";
            }
            else
            {
                next = null;
            }

            if (next is null)
            {
                missing = segment;
                return null;
            }

            node = next;
        }

        return Deref(schema, node!, ref pointer);
    }

    /// <summary>Every key the schema declares (normalised), with the property names a probe uses for maps.</summary>
    public static IReadOnlyList<string> Declared(JsonObject schema)
    {
        var keys = new List<string>();
        void Walk(JsonObject node, string key, int depth)
        {
            var pointer = string.Empty;
            node = Deref(schema, node, ref pointer);
            if (depth > 12)
            {
                return;
            }

            foreach (var (name, property) in node["properties"] as JsonObject ?? [])
            {
                var child = key.Length == 0 ? name : $"{key}.{name}";
                keys.Add(child);
                Walk((JsonObject)property!, child, depth + 1);
            }

            if (node["additionalProperties"] is JsonObject additional && ProbeName(node) is { } probeName)
            {
                Walk(additional, $"{key}.{probeName}", depth + 1);
            }

            if (node["items"] is JsonObject items)
            {
                Walk(items, key + "[]", depth + 1);
            }
        }

        foreach (var (name, property) in Config(schema)["properties"] as JsonObject ?? [])
        {
            keys.Add(name);
            Walk((JsonObject)property!, name, 1);
        }

        return keys;
    }

    /// <summary>
    /// A value for every key the schema declares (its first example, else its default, first enum value, or a
    /// plain value of its type), keyed by full configuration key: what the agreement test feeds the reader to see
    /// that it reads every declared key.
    /// </summary>
    public static IReadOnlyDictionary<string, JsonNode?> Probe(JsonObject schema) =>
        (Config(schema)["properties"] as JsonObject ?? []).ToDictionary(p => p.Key, p => Sample(schema, (JsonObject)p.Value!, 0), StringComparer.Ordinal);

    private static JsonNode? Sample(JsonObject schema, JsonObject node, int depth)
    {
        var pointer = string.Empty;
        node = Deref(schema, node, ref pointer);
        if (node["examples"] is JsonArray { Count: > 0 } examples)
        {
            return examples[0]!.DeepClone();
        }

        if (node["default"] is { } defaultValue)
        {
            return defaultValue.DeepClone();
        }

        if (node["enum"] is JsonArray { Count: > 0 } values)
        {
            return values[0]!.DeepClone();
        }

        var type = node["type"] is JsonArray types ? types[0]!.GetValue<string>() : node["type"]?.GetValue<string>();
        switch (type)
        {
            case "object" when depth < 12:
                var result = new JsonObject();
                foreach (var (name, property) in node["properties"] as JsonObject ?? [])
                {
                    result[name] = Sample(schema, (JsonObject)property!, depth + 1);
                }

                if (node["additionalProperties"] is JsonObject additional && ProbeName(node) is { } probeName)
                {
                    result[probeName] = Sample(schema, additional, depth + 1);
                }

                return result;
            case "array" when depth < 12:
                return node["items"] is JsonObject items ? new JsonArray(Sample(schema, items, depth + 1)) : new JsonArray();
            case "integer" or "number":
                return node["minimum"]?.DeepClone() ?? JsonValue.Create(1);
            case "boolean":
                return JsonValue.Create(true);
            case "string":
                return JsonValue.Create("example");
            default:
                return null;
        }
    }

    /// <summary>The property name a probe gives a map's entry: the first of <c>propertyNames.enum</c>, else <c>example</c>.</summary>
    private static string? ProbeName(JsonObject node) =>
        node["propertyNames"]?["enum"] is JsonArray { Count: > 0 } names ? names[0]!.GetValue<string>() : "example";

    private static JsonObject Deref(JsonObject schema, JsonObject node, ref string pointer)
    {
        for (var hops = 0; node["$ref"]?.GetValue<string>() is { } reference && hops < 8; hops++)
        {
            if (!reference.StartsWith("#/$defs/", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{RelativePath}: only local #/$defs references are supported, not '{reference}'");
            }

            var name = reference["#/$defs/".Length..];
            node = schema["$defs"]?[name] as JsonObject ?? throw new InvalidOperationException($"{RelativePath}: no $defs/{name} for '{reference}'");
            pointer = $"/$defs/{name}";
        }

        return node;
    }

    /// <summary>A skeleton schema for a kind the reader asks for (what the update mode adds, and the failure message suggests).</summary>
    public static JsonObject Skeleton(string kind) => kind switch
    {
        "string" or "value" => new JsonObject { ["type"] = "string", ["description"] = "TODO" },
        "integer" => new JsonObject { ["type"] = "integer", ["description"] = "TODO" },
        "boolean" => new JsonObject { ["type"] = "boolean", ["description"] = "TODO" },
        "string[]" => new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" }, ["description"] = "TODO" },
        "map" => new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = new JsonArray("string", "number", "boolean") }, ["description"] = "TODO" },
        "object" => new JsonObject { ["type"] = "object", ["additionalProperties"] = false, ["properties"] = new JsonObject(), ["description"] = "TODO" },
        "object[]" => new JsonObject
        {
            ["type"] = "array",
            ["items"] = new JsonObject { ["type"] = "object", ["additionalProperties"] = false, ["properties"] = new JsonObject() },
            ["description"] = "TODO",
        },
        _ => new JsonObject { ["description"] = "TODO" },
    };

    /// <summary>Adds a skeleton for each key whose parent the schema declares (parents first: call until nothing is added).</summary>
    public static int AddMissing(JsonObject schema, IReadOnlyDictionary<string, string> keys)
    {
        var added = 0;
        foreach (var (key, kind) in keys)
        {
            if (Resolve(schema, key, out var parent, out var missing) is null && missing is not null && missing != "[]"
                && Segments(key)[^1] == missing && At(schema, parent) is { } parentNode)
            {
                var properties = parentNode["properties"] as JsonObject ?? (JsonObject)(parentNode["properties"] = new JsonObject());
                properties[missing] = Skeleton(kind);
                added++;
            }
        }

        return added;
    }

    /// <summary>The node at a JSON pointer of the schema.</summary>
    public static JsonObject? At(JsonObject schema, string pointer)
    {
        JsonNode? node = schema;
        foreach (var part in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node?[part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)];
        }

        return node as JsonObject;
    }

    [GeneratedRegex(@"\.[^.\[]+|\[\]")]
    private static partial Regex Segment();
}
