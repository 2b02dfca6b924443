using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MlPlatform.Policies;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MlPlatform.Tests.Support;

/// <summary>
/// A chart version's real defaults (the values.yaml fixtures, with their subcharts under <c>charts/</c>) as JSON,
/// and the values a release renders with: the platform's values coalesced with them the way Helm does it
/// (<see cref="HelmValues.CoalesceChart"/>, the one implementation the plan gate uses too).
/// </summary>
public static partial class ChartDefaults
{
    private static readonly ConcurrentDictionary<string, JsonObject> Cache = new();

    /// <summary>The chart's own values.yaml as JSON (a fresh copy).</summary>
    public static JsonObject Values(string chart, string version) =>
        Load(RepositoryPaths.ChartValues(chart, version)).DeepClone().AsObject();

    /// <summary>The values.yaml of each subchart stored with the chart, by its directory name under <c>charts/</c>.</summary>
    public static IReadOnlyDictionary<string, JsonObject> Subcharts(string chart, string version)
    {
        var directory = Path.Combine(Path.GetDirectoryName(RepositoryPaths.ChartValues(chart, version))!, "charts");
        return !Directory.Exists(directory)
            ? new Dictionary<string, JsonObject>()
            : Directory.GetDirectories(directory)
                .Where(d => File.Exists(Path.Combine(d, "values.yaml")))
                .ToDictionary(d => Path.GetFileName(d), d => Load(Path.Combine(d, "values.yaml")).DeepClone().AsObject());
    }

    /// <summary>The values the chart renders with when a release sets <paramref name="values"/> (null: none).</summary>
    public static JsonObject Coalesced(string chart, string version, JsonNode? values) =>
        HelmValues.CoalesceChart(values as JsonObject, Values(chart, version), Subcharts(chart, version));

    /// <summary>
    /// A YAML document as JSON, with YAML 1.2 core schema types for plain scalars (null, booleans, integers in
    /// decimal, octal or hex, floats); quoted and block scalars are strings.
    /// </summary>
    public static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? "", ToJson(c.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(ToJson)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new NotSupportedException($"YAML node {node.NodeType} is not supported."),
    };

    private static JsonObject Load(string path) => Cache.GetOrAdd(path, p =>
    {
        if (!File.Exists(p))
        {
            throw new FileNotFoundException($"No chart defaults at {p}: add the chart's values.yaml to the fixtures.", p);
        }

        using var reader = new StreamReader(p);
        var stream = new YamlStream();
        stream.Load(reader);
        return stream.Documents.Count > 0 && ToJson(stream.Documents[0].RootNode) is JsonObject root ? root : [];
    });

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is not ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            return JsonValue.Create(text.Equals("true", StringComparison.OrdinalIgnoreCase));
        }

        if (DecimalInteger().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (text.StartsWith("0x", StringComparison.Ordinal) && long.TryParse(text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
        {
            return JsonValue.Create(hex);
        }

        if (text.StartsWith("0o", StringComparison.Ordinal) && text.Length > 2 && text[2..].All(c => c is >= '0' and <= '7'))
        {
            return JsonValue.Create(Convert.ToInt64(text[2..], 8));
        }

        return Float().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? JsonValue.Create(number)
            : JsonValue.Create(text);
    }

    [GeneratedRegex(@"\A[-+]?[0-9]+\z")]
    private static partial Regex DecimalInteger();

    [GeneratedRegex(@"\A[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\z")]
    private static partial Regex Float();
}
