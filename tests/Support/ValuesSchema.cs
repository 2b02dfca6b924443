using System.Text.Json.Nodes;

namespace MlPlatform.Tests.Support;

/// <summary>
/// Checks Helm values against a chart's values.schema.json (the JSON Schema Helm itself enforces on install), for
/// the charts that ship one: unknown keys where the schema closes an object, wrong types and values outside an enum.
/// Supports the subset the charts use: <c>$ref</c> to <c>$defs</c>, properties, additionalProperties, type (one or
/// several), enum, items, anyOf / oneOf / allOf.
/// </summary>
public static class ValuesSchema
{
    /// <summary>True when the chart version ships a values.schema.json.</summary>
    public static bool Exists(string chart, string version) => File.Exists(SchemaPath(chart, version));

    /// <summary>The problems of <paramref name="values"/> against the chart's schema.</summary>
    public static IReadOnlyList<string> Problems(string chart, string version, JsonNode values)
    {
        var root = JsonNode.Parse(File.ReadAllText(SchemaPath(chart, version)))!;
        var problems = new List<string>();
        Check(root, root, values, "", problems);
        return problems;
    }

    private static string SchemaPath(string chart, string version) =>
        Path.Combine(Path.GetDirectoryName(RepositoryPaths.ChartValues(chart, version))!, "values.schema.json");

    private static JsonNode Resolve(JsonNode root, JsonNode schema)
    {
        while (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            JsonNode? target = root;
            foreach (var part in reference.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                target = target?[part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)];
            }

            schema = target ?? throw new InvalidOperationException($"Unresolved $ref {reference}");
        }

        return schema;
    }

    private static void Check(JsonNode root, JsonNode schema, JsonNode? value, string path, List<string> problems)
    {
        schema = Resolve(root, schema);
        if (schema is JsonValue)
        {
            return; // `true`: anything goes.
        }

        foreach (var keyword in new[] { "anyOf", "oneOf" })
        {
            if (schema[keyword] is JsonArray options)
            {
                var results = options.Select(o =>
                {
                    var p = new List<string>();
                    Check(root, o!, value, path, p);
                    return p;
                }).ToList();
                if (results.All(r => r.Count > 0))
                {
                    problems.AddRange(results[0]);
                }
            }
        }

        foreach (var part in schema["allOf"] as JsonArray ?? [])
        {
            Check(root, part!, value, path, problems);
        }

        var types = schema["type"] switch
        {
            JsonArray many => many.Select(t => t!.GetValue<string>()).ToList(),
            JsonValue one => [one.GetValue<string>()],
            _ => new List<string>(),
        };
        if (types.Count > 0 && !types.Any(t => HasType(value, t)))
        {
            problems.Add($"{path}: must be {string.Join(" or ", types)}");
            return;
        }

        if (schema["enum"] is JsonArray allowed && allowed.All(a => !JsonNode.DeepEquals(a, value)))
        {
            problems.Add($"{path}: {value?.ToJsonString()} is not one of {allowed.ToJsonString()}");
        }

        if (value is JsonObject obj)
        {
            var properties = schema["properties"] as JsonObject;
            var additional = schema["additionalProperties"];
            foreach (var (key, child) in obj)
            {
                var childPath = path.Length == 0 ? key : $"{path}.{key}";
                if (properties?[key] is { } propertySchema)
                {
                    Check(root, propertySchema, child, childPath, problems);
                }
                else if (additional is JsonValue closed && !closed.GetValue<bool>())
                {
                    problems.Add($"{childPath}: not allowed by the chart's values.schema.json");
                }
                else if (additional is JsonObject additionalSchema)
                {
                    Check(root, additionalSchema, child, childPath, problems);
                }
            }
        }
        else if (value is JsonArray array && schema["items"] is JsonObject items)
        {
            for (var i = 0; i < array.Count; i++)
            {
                Check(root, items, array[i], $"{path}[{i}]", problems);
            }
        }
    }

    private static bool HasType(JsonNode? value, string type) => type switch
    {
        "null" => value is null,
        "object" => value is JsonObject,
        "array" => value is JsonArray,
        "string" => value is JsonValue s && s.TryGetValue<string>(out _),
        "boolean" => value is JsonValue b && b.TryGetValue<bool>(out _),
        "integer" => value is JsonValue i && (i.TryGetValue<long>(out _) || (i.TryGetValue<double>(out var d) && d == Math.Floor(d))),
        "number" => value is JsonValue n && (n.TryGetValue<double>(out _) || n.TryGetValue<long>(out _)),
        _ => true,
    };
}
