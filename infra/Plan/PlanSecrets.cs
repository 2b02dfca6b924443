using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection;
using System.Text.Json.Nodes;
using Pulumi;
using Pulumi.Utilities;

namespace MlPlatform.Infra.Plan;

/// <summary>
/// What is secret in a plan, and its redaction: secret inputs are written <c>[secret]</c> at their place, and every
/// known secret value is written <c>[secret]</c> wherever else it appears.
/// </summary>
/// <remarks>
/// The mock engine hands inputs to <see cref="Pulumi.Testing.IMocks"/> with secrets unwrapped, and does not apply a
/// resource's <c>AdditionalSecretOutputs</c> (a <c>RandomPassword</c>'s result is not secret under mocks). So the plan
/// looks at what the program registered instead: the arguments and options each resource passes through the stack's
/// legacy resource transformation (which the real SDK runs under mocks too), and each resource's outputs.
/// <list type="bullet">
/// <item>Secret inputs: every <see cref="Input{T}"/> or <see cref="Output{T}"/> of a resource's arguments whose
/// <see cref="Output.IsSecretAsync{T}"/> is true (from <c>Config.GetSecret</c>, <c>Output.CreateSecret</c>, or a
/// provider's secret input, whose generated setter wraps the value with <c>Output.CreateSecret</c>), found by
/// walking the <c>[Input]</c> members by their wire names, nested arguments, maps and lists.</item>
/// <item>Secret outputs: the outputs a resource names in <c>AdditionalSecretOutputs</c> (declared by providers, e.g.
/// <c>RandomPassword.result</c>, a Kubernetes Secret's <c>data</c>/<c>stringData</c>) and any output that is a
/// secret; the inputs of the same names are secret too.</item>
/// <item>Values: the stack's secret configuration values, the values of secret inputs and the values of secret
/// outputs the program did not give itself (the mocks' generated password, say) are redacted by value wherever
/// they appear, whole or inside a longer string: a secret that lost its flag on the way (an <c>Apply</c> over a
/// value the mock engine did not mark) still does not reach the plan.</item>
/// </list>
/// Values shorter than <see cref="MinimumValueLength"/> characters are redacted only at their place, and parts of a
/// structured secret (a secret map) by value only from <see cref="MinimumContainedLength"/> characters: redacting
/// <c>"1"</c> or <c>"admin"</c> everywhere would blank the plan.
/// </remarks>
internal sealed class PlanSecrets
{
    /// <summary>What a secret reads as in the plan.</summary>
    public const string Placeholder = StackConfigFile.SecretPlaceholder;

    /// <summary>The shortest secret value redacted wherever it appears as a whole string.</summary>
    public const int MinimumValueLength = 4;

    /// <summary>The shortest secret value redacted inside longer strings, and the shortest part of a structured secret redacted by value.</summary>
    public const int MinimumContainedLength = 8;

    private const int MaxDepth = 64;

    private static readonly ConcurrentDictionary<Type, ImmutableArray<InputMember>> InputMembers = new();
    private static readonly ConcurrentDictionary<Type, ImmutableArray<(string Name, PropertyInfo Property)>> OutputMembers = new();

    private readonly HashSet<string> _values = new(StringComparer.Ordinal);

    /// <summary>Starts with the secret values of the stack configuration.</summary>
    public PlanSecrets(IEnumerable<string> configSecretValues)
    {
        foreach (var value in configSecretValues)
        {
            AddText(value, part: false);
        }
    }

    /// <summary>The secret values known so far.</summary>
    public IReadOnlyCollection<string> Values => _values;

    /// <summary>
    /// The JSON paths (wire names, map keys and list indexes) of the secret inputs of one resource, recording their
    /// values; <paramref name="secretOutputs"/> are the <c>AdditionalSecretOutputs</c>, whose inputs are secret too.
    /// </summary>
    public async Task<IReadOnlyList<ImmutableArray<object>>> InputsOfAsync(object? args, IEnumerable<string> secretOutputs)
    {
        var paths = new List<ImmutableArray<object>>();
        await WalkAsync(args, [], paths, depth: 0).ConfigureAwait(false);
        paths.AddRange(secretOutputs.Select(name => ImmutableArray.Create<object>(name)));
        return paths;
    }

    /// <summary>
    /// Records the values of a resource's secret outputs (those named in <paramref name="secretOutputs"/> and those
    /// flagged secret), except parts that are in the resource's own inputs in clear (a Kubernetes Secret's
    /// <c>stringData</c> echoes its inputs; a generated password is new).
    /// </summary>
    public async Task OutputsOfAsync(Resource resource, IReadOnlySet<string> secretOutputs, JsonObject inputs)
    {
        var clear = new HashSet<string>(StringComparer.Ordinal);
        CollectStrings(inputs, clear);
        foreach (var (name, property) in OutputMembers.GetOrAdd(resource.GetType(), FindOutputMembers))
        {
            if (property.GetValue(resource) is not { } output)
            {
                continue;
            }

            var (isSecret, value) = await ResolveAsync(output).ConfigureAwait(false);
            if (isSecret || secretOutputs.Contains(name))
            {
                foreach (var text in Strings(value).Where(t => !clear.Contains(t)))
                {
                    AddText(text, part: value is not string);
                }
            }
        }
    }

    /// <summary>Records the value of a secret (a stack output flagged secret, say): a string whole, a structure by its longer strings.</summary>
    public void AddValue(object? value)
    {
        foreach (var text in Strings(value))
        {
            AddText(text, part: value is not string);
        }
    }

    /// <summary>Writes <see cref="Placeholder"/> at each path (or at the scalar a path runs into, e.g. a JSON-encoded input).</summary>
    public static void RedactPaths(JsonObject inputs, IEnumerable<ImmutableArray<object>> paths)
    {
        foreach (var path in paths)
        {
            JsonNode? parent = inputs;
            for (var i = 0; i < path.Length && parent is not null; i++)
            {
                var last = i == path.Length - 1;
                switch (parent, path[i])
                {
                    case (JsonObject map, string key) when map.ContainsKey(key):
                        if (last || map[key] is not (JsonObject or JsonArray))
                        {
                            map[key] = Placeholder;
                            parent = null;
                        }
                        else
                        {
                            parent = map[key];
                        }

                        break;
                    case (JsonArray list, int index) when index < list.Count:
                        if (last || list[index] is not (JsonObject or JsonArray))
                        {
                            list[index] = Placeholder;
                            parent = null;
                        }
                        else
                        {
                            parent = list[index];
                        }

                        break;
                    default:
                        // Not in the inputs (unknown or null values are left out by the engine).
                        parent = null;
                        break;
                }
            }
        }
    }

    /// <summary>Replaces, in place, every string of <paramref name="node"/> that is or contains a known secret value with <see cref="Placeholder"/>.</summary>
    public void RedactValues(JsonNode? node)
    {
        if (_values.Count == 0)
        {
            return;
        }

        switch (node)
        {
            case JsonObject map:
                foreach (var key in map.Select(p => p.Key).ToList())
                {
                    if (IsSecretScalar(map[key]))
                    {
                        map[key] = Placeholder;
                    }
                    else
                    {
                        RedactValues(map[key]);
                    }
                }

                break;
            case JsonArray list:
                for (var i = 0; i < list.Count; i++)
                {
                    if (IsSecretScalar(list[i]))
                    {
                        list[i] = Placeholder;
                    }
                    else
                    {
                        RedactValues(list[i]);
                    }
                }

                break;
        }
    }

    private bool IsSecretScalar(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) && IsSecretText(text);

    /// <summary>The text with every known secret value in it replaced by <see cref="Placeholder"/> (for messages).</summary>
    public string RedactText(string text) =>
        _values.OrderByDescending(v => v.Length).Aggregate(text, (current, secret) => current.Replace(secret, Placeholder, StringComparison.Ordinal));

    private bool IsSecretText(string text) =>
        text != Placeholder && (_values.Contains(text)
            || _values.Any(secret => secret.Length >= MinimumContainedLength && text.Contains(secret, StringComparison.Ordinal)));

    private void AddText(string text, bool part)
    {
        if (text != Placeholder && text.Length >= (part ? MinimumContainedLength : MinimumValueLength))
        {
            _values.Add(text);
        }
    }

    private static IEnumerable<string> Strings(object? value) => value switch
    {
        null => [],
        _ when IsDefaultArray(value) => [],
        string text => [text],
        IDictionary map => map.Values.Cast<object?>().SelectMany(Strings),
        IEnumerable list => list.Cast<object?>().SelectMany(Strings),
        _ => [],
    };

    private static void CollectStrings(JsonNode? node, HashSet<string> into)
    {
        switch (node)
        {
            case JsonObject map:
                foreach (var (_, value) in map)
                {
                    CollectStrings(value, into);
                }

                break;
            case JsonArray list:
                foreach (var item in list)
                {
                    CollectStrings(item, into);
                }

                break;
            case JsonValue value when value.TryGetValue<string>(out var text):
                into.Add(text);
                break;
        }
    }

    private async Task WalkAsync(object? value, ImmutableArray<object> path, List<ImmutableArray<object>> found, int depth)
    {
        if (value is null or string or Resource || depth > MaxDepth || value.GetType().IsPrimitive || value is Enum || IsDefaultArray(value))
        {
            return;
        }

        if (AsOutput(value) is { } output)
        {
            var (isSecret, inner) = await ResolveAsync(output).ConfigureAwait(false);
            if (isSecret)
            {
                found.Add(path);
                AddValue(inner);
                return;
            }

            await WalkAsync(inner, path, found, depth + 1).ConfigureAwait(false);
            return;
        }

        switch (value)
        {
            case InputArgs args:
                foreach (var member in InputMembers.GetOrAdd(args.GetType(), FindInputMembers))
                {
                    await WalkAsync(member.GetValue(args), path.Add(member.Name), found, depth + 1).ConfigureAwait(false);
                }

                break;
            case IDictionary map:
                foreach (DictionaryEntry entry in map)
                {
                    await WalkAsync(entry.Value, path.Add(entry.Key.ToString()!), found, depth + 1).ConfigureAwait(false);
                }

                break;
            case IEnumerable list:
                var index = 0;
                foreach (var item in list)
                {
                    await WalkAsync(item, path.Add(index++), found, depth + 1).ConfigureAwait(false);
                }

                break;
        }
    }

    /// <summary>True for a default (uninitialised) <see cref="ImmutableArray{T}"/>, which cannot be enumerated (an unset list output).</summary>
    private static bool IsDefaultArray(object value) =>
        value.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(ImmutableArray<>)
        && type.GetProperty(nameof(ImmutableArray<int>.IsDefault))!.GetValue(value) is true;

    /// <summary>An <see cref="Output{T}"/> of the value: itself, or the output of an <see cref="Input{T}"/> (also <see cref="InputList{T}"/>, <see cref="InputMap{V}"/>).</summary>
    private static object? AsOutput(object value)
    {
        for (var type = value.GetType(); type is not null; type = type.BaseType)
        {
            if (!type.IsGenericType)
            {
                continue;
            }

            var definition = type.GetGenericTypeDefinition();
            if (definition == typeof(Output<>))
            {
                return value;
            }

            if (definition == typeof(Input<>))
            {
                return ToOutput.MakeGenericMethod(type.GetGenericArguments()[0]).Invoke(null, [value]);
            }
        }

        return null;
    }

    private static async Task<(bool IsSecret, object? Value)> ResolveAsync(object output)
    {
        var valueType = output.GetType().GetGenericArguments()[0];
        var isSecret = await PlanRunner.InvokeGeneric<bool>(typeof(Output), nameof(Output.IsSecretAsync), valueType, output).ConfigureAwait(false);
        var value = await PlanRunner.InvokeGeneric<object?>(typeof(OutputUtilities), nameof(OutputUtilities.GetValueAsync), valueType, output).ConfigureAwait(false);
        return (isSecret, value);
    }

    private static readonly MethodInfo ToOutput = typeof(InputExtensions).GetMethods(BindingFlags.Public | BindingFlags.Static)
        .Single(m => m.Name == nameof(InputExtensions.ToOutput) && m.IsGenericMethodDefinition && m.GetParameters().Length == 1);

    /// <summary>
    /// The <c>[Input("wire name")]</c> fields and properties of an arguments type, as the SDK serialises them. The
    /// attribute's name is read from its constructor argument: its <c>Name</c> property is internal to the SDK.
    /// </summary>
    private static ImmutableArray<InputMember> FindInputMembers(Type type)
    {
        const BindingFlags Instance = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance;
        static string? WireName(MemberInfo member) => member.GetCustomAttributesData()
            .FirstOrDefault(a => a.AttributeType == typeof(InputAttribute))?.ConstructorArguments.FirstOrDefault().Value as string;

        var members = ImmutableArray.CreateBuilder<InputMember>();
        for (var current = type; current is not null && current != typeof(object); current = current.BaseType)
        {
            foreach (var field in current.GetFields(Instance | BindingFlags.DeclaredOnly))
            {
                if (WireName(field) is { } name)
                {
                    members.Add(new InputMember(name, field.GetValue));
                }
            }

            foreach (var property in current.GetProperties(Instance | BindingFlags.DeclaredOnly))
            {
                if (WireName(property) is { } name && property.GetIndexParameters().Length == 0)
                {
                    members.Add(new InputMember(name, property.GetValue));
                }
            }
        }

        return members.ToImmutable();
    }

    private static ImmutableArray<(string Name, PropertyInfo Property)> FindOutputMembers(Type type) =>
    [
        .. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(Output<>))
            .Select(p => (Name: p.GetCustomAttribute<OutputAttribute>()?.Name, Property: p))
            .Where(p => p.Name is not null and not "urn" and not "id")
            .Select(p => (p.Name!, p.Property)),
    ];

    private sealed record InputMember(string Name, Func<object, object?> GetValue);
}
