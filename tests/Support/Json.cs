using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlPlatform.Tests.Support;

/// <summary>Turns the values and specs the components build (and mock inputs) into JSON for the schema checks.</summary>
public static class Json
{
    /// <summary>The JSON form of a values map or spec built from dictionaries, lists and scalars.</summary>
    public static JsonNode Of(object value) => JsonSerializer.SerializeToNode(Normalise(value))!;

    /// <summary>A whole Kubernetes object: apiVersion, kind, metadata (name, optional namespace) and spec.</summary>
    public static JsonObject Object(string apiVersion, string kind, string name, string? @namespace, object spec)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (@namespace is not null)
        {
            metadata["namespace"] = @namespace;
        }

        return new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind, ["metadata"] = metadata, ["spec"] = Of(spec) };
    }

    private static object? Normalise(object? value) => value switch
    {
        null => null,
        string or bool => value,
        double d when d == Math.Floor(d) && Math.Abs(d) < 1e15 => (long)d,
        int or long or double => value,
        IDictionary map => map.Keys.Cast<object>().ToDictionary(k => k.ToString()!, k => Normalise(map[k])),
        IEnumerable list => list.Cast<object?>().Select(Normalise).ToList(),
        _ => value.ToString(),
    };
}
