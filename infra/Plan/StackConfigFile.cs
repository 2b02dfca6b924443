using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace MlPlatform.Infra.Plan;

/// <summary>
/// The configuration of one stack as the Pulumi CLI would hand it to the program: <c>Pulumi.yaml</c>'s project
/// name and declared defaults, overlaid with <c>Pulumi.&lt;stack&gt;.yaml</c>. Structured values become JSON
/// strings and encrypted (<c>secure:</c>) values, which cannot be decrypted offline, become <c>[secret]</c>.
/// </summary>
public sealed record StackConfigFile(string ProjectName, string StackName, ImmutableDictionary<string, string> Values, ImmutableHashSet<string> SecretKeys)
{
    /// <summary>What an encrypted value reads as in the offline plan.</summary>
    public const string SecretPlaceholder = "[secret]";

    /// <summary>Loads the configuration of <paramref name="stack"/> from the project in <paramref name="projectDirectory"/>.</summary>
    /// <exception cref="FileNotFoundException">When Pulumi.yaml or the stack file is missing.</exception>
    /// <exception cref="InvalidDataException">When a file is not valid YAML (e.g. a key given twice).</exception>
    public static StackConfigFile Load(string projectDirectory, string stack)
    {
        var projectFile = Path.Combine(projectDirectory, "Pulumi.yaml");
        var stackFile = Path.Combine(projectDirectory, $"Pulumi.{stack}.yaml");
        if (!File.Exists(projectFile))
        {
            throw new FileNotFoundException($"No Pulumi.yaml in {projectDirectory}.", projectFile);
        }

        if (!File.Exists(stackFile))
        {
            var known = Directory.GetFiles(projectDirectory, "Pulumi.*.yaml")
                .Select(f => Path.GetFileName(f)["Pulumi.".Length..^".yaml".Length])
                .Order(StringComparer.Ordinal);
            throw new FileNotFoundException($"No stack file Pulumi.{stack}.yaml; stacks here: {string.Join(", ", known)}.", stackFile);
        }

        var project = ReadYaml(projectFile);
        var projectName = ((YamlScalarNode)project.Children[new YamlScalarNode("name")]).Value!;
        var values = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        var secrets = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);

        if (project.Children.TryGetValue(new YamlScalarNode("config"), out var declared) && declared is YamlMappingNode declarations)
        {
            foreach (var (keyNode, declaration) in declarations.Children)
            {
                YamlNode? defaultValue = declaration;
                if (declaration is YamlMappingNode typed)
                {
                    typed.Children.TryGetValue(new YamlScalarNode("default"), out defaultValue);
                }

                if (defaultValue is not null)
                {
                    values[FullKey(projectName, ((YamlScalarNode)keyNode).Value!)] = ToConfigString(defaultValue);
                }
            }
        }

        var stackYaml = ReadYaml(stackFile);
        if (stackYaml.Children.TryGetValue(new YamlScalarNode("config"), out var config) && config is YamlMappingNode entries)
        {
            foreach (var (keyNode, value) in entries.Children)
            {
                var key = FullKey(projectName, ((YamlScalarNode)keyNode).Value!);
                if (value is YamlMappingNode map && map.Children.ContainsKey(new YamlScalarNode("secure")))
                {
                    values[key] = SecretPlaceholder;
                    secrets.Add(key);
                }
                else
                {
                    values[key] = ToConfigString(value);
                }
            }
        }

        return new StackConfigFile(projectName, stack, values.ToImmutable(), secrets.ToImmutable());
    }

    /// <summary>The value of <c>PULUMI_CONFIG</c> for this configuration.</summary>
    public string ToPulumiConfigJson() => JsonSerializer.Serialize(Values);

    /// <summary>The value of <c>PULUMI_CONFIG_SECRET_KEYS</c> for this configuration.</summary>
    public string ToSecretKeysJson() => JsonSerializer.Serialize(SecretKeys.Order(StringComparer.Ordinal));

    /// <summary>
    /// A stack or project file as JSON, scalars typed as YAML types them (for checking the file against the stack-file
    /// schema, <c>schemas/stack.schema.json</c>).
    /// </summary>
    /// <exception cref="InvalidDataException">When the file is not valid YAML.</exception>
    public static JsonObject ReadDocument(string path) => (JsonObject)ToJson(ReadYaml(path))!;

    private static string FullKey(string project, string key) => key.Contains(':', StringComparison.Ordinal) ? key : $"{project}:{key}";

    private static YamlMappingNode ReadYaml(string path)
    {
        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        try
        {
            stream.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            // A duplicate key or broken indentation: the Pulumi CLI refuses the file too.
            throw new InvalidDataException($"{Path.GetFileName(path)}: line {e.Start.Line}, column {e.Start.Column}: {e.InnerException?.Message ?? e.Message}", e);
        }

        return stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root ? root : new YamlMappingNode();
    }

    /// <summary>Scalars as they are; maps and lists as JSON, as the Pulumi CLI passes structured config.</summary>
    private static string ToConfigString(YamlNode node) =>
        node is YamlScalarNode scalar ? scalar.Value ?? string.Empty : ToJson(node)!.ToJsonString();

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c =>
            KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(ToJson)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value;
        if (scalar.Style is YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted)
        {
            return JsonValue.Create(text);
        }

        return text switch
        {
            null or "~" or "null" => null,
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            _ when long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var whole) => JsonValue.Create(whole),
            _ when double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
            _ => JsonValue.Create(text),
        };
    }
}
