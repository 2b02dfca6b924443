using System.Text.Json.Nodes;

namespace MlPlatform.Policies;

/// <summary>
/// A value path a chart's templates read, with its default in that chart version's values.yaml (a test checks every
/// one against the real values.yaml, so the table cannot drift from the chart).
/// </summary>
/// <param name="Path">The dotted path, e.g. <c>server.pdb.enabled</c>.</param>
/// <param name="Default">The default value (a JSON null for a key present with no value).</param>
/// <param name="InDefaults">False when values.yaml leaves the key out (commented out): the templates then see it absent.</param>
public sealed record ChartValue(string Path, JsonNode? Default, bool InDefaults = true)
{
    /// <summary>A key values.yaml sets to <paramref name="value"/> (null for a key with no value, <c>~</c>).</summary>
    public static ChartValue Of(string path, object? value) => new(path, ToNode(value));

    /// <summary>A key values.yaml leaves out or comments out.</summary>
    public static ChartValue Absent(string path) => new(path, null, InDefaults: false);

    /// <inheritdoc />
    public override string ToString() => Path;

    private static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        JsonNode node => node,
        string text => JsonValue.Create(text),
        bool flag => JsonValue.Create(flag),
        int number => JsonValue.Create(number),
        long number => JsonValue.Create(number),
        _ => throw new ArgumentException($"Unsupported default of type {value.GetType().Name}: use a JsonNode.", nameof(value)),
    };
}
