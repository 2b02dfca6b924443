using System.Globalization;
using System.Text.Json.Nodes;

namespace MlPlatform.Policies;

/// <summary>Reading plan inputs: a rule asks whether a field is literally true, false or a number.</summary>
internal static class JsonFacts
{
    /// <summary>True when the node is the boolean true.</summary>
    public static bool IsTrue(JsonNode? node) => node is JsonValue value && value.TryGetValue<bool>(out var b) && b;

    /// <summary>True when the node is the boolean false.</summary>
    public static bool IsFalse(JsonNode? node) => node is JsonValue value && value.TryGetValue<bool>(out var b) && !b;

    /// <summary>The node as a number (also a numeric string), or null.</summary>
    public static double? Number(JsonNode? node) =>
        node is JsonValue value && double.TryParse(value.TryGetValue<string>(out var text) ? text : value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
            ? n : null;
}
