using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

namespace MlPlatform.Stacks.Configuration;

/// <summary>
/// Reads one JSON object of structured configuration, reporting every type error and every unknown key to a
/// shared problem list instead of throwing, so that all problems of a stack are reported together.
/// </summary>
internal sealed class JsonConfigNode
{
    private readonly JsonElement _element;
    private readonly List<ConfigProblem> _problems;
    private readonly HashSet<string> _read = [];

    public JsonConfigNode(JsonElement element, string key, List<ConfigProblem> problems)
    {
        _element = element;
        Key = key;
        _problems = problems;
    }

    /// <summary>The full configuration key of this object.</summary>
    public string Key { get; }

    public string Child(string name) => $"{Key}.{name}";

    public void Problem(string name, string message) => _problems.Add(new ConfigProblem(Child(name), message));

    public string? String(string name)
    {
        ConfigKeyTrace.Record(Child(name), "string");
        if (!TryGet(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => Wrong(name, "a string"),
        };
    }

    /// <summary>A string property's value, without marking the key as read or reporting anything (for lookups).</summary>
    public string? PeekString(string name) =>
        _element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public int? Int(string name)
    {
        ConfigKeyTrace.Record(Child(name), "integer");
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number))
        {
            return number;
        }

        if (value.ValueKind == JsonValueKind.String
            && int.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number))
        {
            return number;
        }

        Problem(name, $"'{Describe(value)}' is not a whole number");
        return null;
    }

    /// <summary>A number (a price, a ratio); a string holding one is accepted, as the CLI may pass it.</summary>
    public double? Number(string name)
    {
        ConfigKeyTrace.Record(Child(name), "number");
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number))
        {
            return number;
        }

        if (value.ValueKind == JsonValueKind.String
            && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out number))
        {
            return number;
        }

        Problem(name, $"'{Describe(value)}' is not a number");
        return null;
    }

    public bool? Bool(string name)
    {
        ConfigKeyTrace.Record(Child(name), "boolean");
        if (!TryGet(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            // Exactly true or false: bool.TryParse would also take " true\n".
            JsonValueKind.String when value.GetString() is { } text && string.Equals(text, "true", StringComparison.OrdinalIgnoreCase) => true,
            JsonValueKind.String when value.GetString() is { } text && string.Equals(text, "false", StringComparison.OrdinalIgnoreCase) => false,
            _ => Wrong<bool?>(name, "true or false"),
        };
    }

    public ImmutableArray<string>? StringList(string name)
    {
        ConfigKeyTrace.Record(Child(name), "string[]");
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            return Wrong<ImmutableArray<string>?>(name, "a list of strings");
        }

        var items = ImmutableArray.CreateBuilder<string>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                items.Add(item.GetString()!);
            }
            else
            {
                _problems.Add(new ConfigProblem($"{Child(name)}[{index}]", "must be a string"));
            }

            index++;
        }

        return items.ToImmutable();
    }

    public ImmutableDictionary<string, string>? StringMap(string name)
    {
        ConfigKeyTrace.Record(Child(name), "map");
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            return Wrong<ImmutableDictionary<string, string>?>(name, "a map of strings");
        }

        var map = ImmutableDictionary.CreateBuilder<string, string>();
        foreach (var property in value.EnumerateObject())
        {
            if (map.ContainsKey(property.Name))
            {
                _problems.Add(new ConfigProblem($"{Child(name)}.{property.Name}", "duplicate key: given more than once"));
            }
            else if (property.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
            {
                map[property.Name] = property.Value.ValueKind == JsonValueKind.String
                    ? property.Value.GetString()!
                    : property.Value.GetRawText();
            }
            else
            {
                _problems.Add(new ConfigProblem($"{Child(name)}.{property.Name}", "must be a string"));
            }
        }

        return map.ToImmutable();
    }

    public JsonConfigNode? Object(string name)
    {
        ConfigKeyTrace.Record(Child(name), "object");
        if (!TryGet(name, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Object
            ? new JsonConfigNode(value, Child(name), _problems)
            : Wrong<JsonConfigNode?>(name, "an object");
    }

    public IReadOnlyList<JsonConfigNode>? ObjectList(string name)
    {
        ConfigKeyTrace.Record(Child(name), "object[]");
        if (!TryGet(name, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Array
            ? List(value, Child(name), _problems)
            : Wrong<IReadOnlyList<JsonConfigNode>?>(name, "a list of objects");
    }

    /// <summary>The objects of a JSON list, keyed <c>KEY[i]</c>; any item that is not an object is a problem.</summary>
    public static IReadOnlyList<JsonConfigNode> List(JsonElement array, string key, List<ConfigProblem> problems)
    {
        var nodes = new List<JsonConfigNode>();
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var itemKey = $"{key}[{index++}]";
            if (item.ValueKind == JsonValueKind.Object)
            {
                nodes.Add(new JsonConfigNode(item, itemKey, problems));
            }
            else
            {
                problems.Add(new ConfigProblem(itemKey, "must be an object"));
            }
        }

        return nodes;
    }

    /// <summary>The names of the object's properties (for maps keyed by name).</summary>
    public IEnumerable<string> PropertyNames() => _element.EnumerateObject().Select(p => p.Name);

    /// <summary>
    /// Reports every key of this object that no reader asked for (almost always a typo, reported with the nearest
    /// known key), and every key given twice (JSON allows it; which one wins would be an accident).
    /// </summary>
    public void RejectUnknownKeys()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in _element.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                _problems.Add(new ConfigProblem(Child(property.Name), "duplicate key: given more than once"));
            }
            else if (!_read.Contains(property.Name))
            {
                var known = string.Join(", ", _read.Order(StringComparer.Ordinal));
                _problems.Add(new ConfigProblem(Child(property.Name), ConfigKeys.Suggest(property.Name, _read) is { } suggestion
                    ? $"unknown key; did you mean '{suggestion}'? known keys here: {known}"
                    : $"unknown key; known keys here: {known}"));
            }
        }
    }

    /// <summary>Marks keys as known without reading them (read elsewhere, e.g. by a cloud stack).</summary>
    public void Allow(params string[] names)
    {
        _read.UnionWith(names);
        foreach (var name in names)
        {
            ConfigKeyTrace.Record(Child(name), "any");
        }
    }

    private bool TryGet(string name, out JsonElement value)
    {
        _read.Add(name);
        return _element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
    }

    private string? Wrong(string name, string expected) => Wrong<string?>(name, expected);

    private T Wrong<T>(string name, string expected)
    {
        Problem(name, $"must be {expected}");
        return default!;
    }

    private static string Describe(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
}
