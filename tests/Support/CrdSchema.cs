using System.Text.Json.Nodes;

namespace MlPlatform.Tests.Support;

/// <summary>
/// Checks a rendered custom resource against the real CRD's openAPIV3Schema (tests/Fixtures/schemas/crds):
/// unknown fields, missing required fields, wrong types and values outside an enum are reported with their path.
/// </summary>
public static class CrdSchema
{
    /// <summary>The problems of <paramref name="obj"/> (a whole object: apiVersion, kind, metadata, spec) against the CRD.</summary>
    public static IReadOnlyList<string> Problems(string group, string version, string kind, JsonNode obj)
    {
        var path = RepositoryPaths.Crd(group, version, kind);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No CRD schema at {path}: add it to the fixtures.", path);
        }

        var schema = JsonNode.Parse(File.ReadAllText(path))!;
        var problems = new List<string>();
        Check(schema, obj, "", problems);
        return problems;
    }

    private static void Check(JsonNode schema, JsonNode? value, string path, List<string> problems)
    {
        if (value is null)
        {
            if (schema["nullable"]?.GetValue<bool>() != true)
            {
                problems.Add($"{path}: null is not allowed");
            }

            return;
        }

        if (schema["x-kubernetes-int-or-string"]?.GetValue<bool>() == true)
        {
            if (value is not JsonValue scalar || !(IsInteger(scalar) || scalar.TryGetValue<string>(out _)))
            {
                problems.Add($"{path}: must be an integer or a string");
            }

            return;
        }

        if (schema["anyOf"] is JsonArray anyOf && schema["type"] is null)
        {
            var options = anyOf.Select(option =>
            {
                var optionProblems = new List<string>();
                Check(option!, value, path, optionProblems);
                return optionProblems;
            }).ToList();
            if (options.All(o => o.Count > 0))
            {
                problems.AddRange(options[0]);
            }

            return;
        }

        var type = schema["type"]?.GetValue<string>();
        switch (type)
        {
            case "object":
                CheckObject(schema, value, path, problems);
                break;
            case "array":
                if (value is not JsonArray array)
                {
                    problems.Add($"{path}: must be an array");
                    return;
                }

                if (schema["items"] is { } items)
                {
                    for (var i = 0; i < array.Count; i++)
                    {
                        Check(items, array[i], $"{path}[{i}]", problems);
                    }
                }

                break;
            case "string":
                if (value is not JsonValue s || !s.TryGetValue<string>(out var text))
                {
                    problems.Add($"{path}: must be a string");
                    return;
                }

                if (schema["enum"] is JsonArray allowed && allowed.All(a => a?.ToString() != text))
                {
                    problems.Add($"{path}: '{text}' is not one of {string.Join(", ", allowed)}");
                }

                break;
            case "integer":
                if (value is not JsonValue integer || !IsInteger(integer))
                {
                    problems.Add($"{path}: must be an integer");
                }

                break;
            case "number":
                if (value is not JsonValue number || !(number.TryGetValue<double>(out _) || IsInteger(number)))
                {
                    problems.Add($"{path}: must be a number");
                }

                break;
            case "boolean":
                if (value is not JsonValue boolean || !boolean.TryGetValue<bool>(out _))
                {
                    problems.Add($"{path}: must be a boolean");
                }

                break;
            case null when schema["properties"] is not null:
                CheckObject(schema, value, path, problems);
                break;
        }
    }

    private static void CheckObject(JsonNode schema, JsonNode value, string path, List<string> problems)
    {
        if (value is not JsonObject obj)
        {
            problems.Add($"{path}: must be an object");
            return;
        }

        foreach (var required in schema["required"]?.AsArray() ?? [])
        {
            if (!obj.ContainsKey(required!.ToString()))
            {
                problems.Add($"{path}.{required}: required");
            }
        }

        var properties = schema["properties"] as JsonObject;
        var additional = schema["additionalProperties"];
        var preserveUnknown = schema["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true;
        foreach (var (key, child) in obj)
        {
            var childPath = path.Length == 0 ? key : $"{path}.{key}";
            if (properties?[key] is { } propertySchema)
            {
                Check(propertySchema, child, childPath, problems);
            }
            else if (additional is JsonObject additionalSchema)
            {
                Check(additionalSchema, child, childPath, problems);
            }
            else if (!preserveUnknown && additional?.GetValue<bool>() != true && properties is not null)
            {
                problems.Add($"{childPath}: unknown field");
            }
        }
    }

    private static bool IsInteger(JsonValue value) =>
        value.TryGetValue<long>(out _) || value.TryGetValue<int>(out _)
        || (value.TryGetValue<double>(out var d) && d == Math.Floor(d));
}
