using System.Globalization;
using System.Text.Json;
using CsCheck;
using MlPlatform.Infra.Plan;
using MlPlatform.Policies;
using MlPlatform.Stacks.Configuration;
using MlPlatform.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace MlPlatform.Tests.Configuration;

/// <summary>
/// Property tests of <see cref="ConfigReader"/> over generated configurations (<see cref="ConfigGenerators"/>):
/// whatever the input, the reader ends in a valid configuration or in a <see cref="ConfigValidationException"/> whose
/// every problem names a real key, never in another exception; and valid configurations plan with the gate passing.
/// </summary>
/// <remarks>
/// CI runs <see cref="DefaultIterations"/> cases from a fixed seed, so a failure reproduces. More cases, or another
/// seed: <c>MLPLATFORM_FUZZ_ITERATIONS=200000 MLPLATFORM_FUZZ_SEED=&lt;seed&gt; dotnet test Infra.sln --filter
/// FullyQualifiedName~ConfigReaderPropertyTests</c> (a failure prints its seed).
/// </remarks>
public class ConfigReaderPropertyTests(ITestOutputHelper output)
{
    /// <summary>The cases CI runs.</summary>
    public const int DefaultIterations = 3000;

    /// <summary>The fixed seed of CI (a CsCheck PCG seed).</summary>
    public static readonly string DefaultSeed = new PCG(14, 20260514).ToString();

    private static int Iterations =>
        int.TryParse(Environment.GetEnvironmentVariable("MLPLATFORM_FUZZ_ITERATIONS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : DefaultIterations;

    private static string Seed => Environment.GetEnvironmentVariable("MLPLATFORM_FUZZ_SEED") is { Length: > 0 } seed ? seed : DefaultSeed;

    /// <summary>The names the README's configuration reference documents (every back-quoted word of the section).</summary>
    private static readonly HashSet<string> Documented = DocumentedNames();

    private static HashSet<string> DocumentedNames()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        var start = readme.IndexOf("## Configuration reference", StringComparison.Ordinal);
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = readme[start..end];
        var names = new HashSet<string>(StringComparer.Ordinal);
        var parts = section.Split('`');
        for (var i = 1; i < parts.Length; i += 2)
        {
            foreach (var word in parts[i].Split(['.', ' ', ':', '{', '}', ',', '[', ']']))
            {
                if (word.Length > 0 && word.All(char.IsAsciiLetterOrDigit))
                {
                    names.Add(word);
                }
            }
        }

        return names;
    }

    /// <summary>Reads a generated configuration: a config, or the problems; any other exception escapes.</summary>
    private static IReadOnlyList<ConfigProblem> Read(GeneratedConfig config)
    {
        try
        {
            ConfigReader.Read(config.Values.GetValueOrDefault, config.Values.Keys.Select(ConfigReader.Key), config.HasKubeconfigSecret);
            return [];
        }
        catch (ConfigValidationException e)
        {
            Assert.NotEmpty(e.Problems);
            return e.Problems;
        }
    }

    /// <summary>
    /// True when <paramref name="key"/> is a real key: as far as it goes into the input it follows the input
    /// (properties, including map keys with dots, and list indexes that exist), and every segment past that is a name
    /// the README documents (a setting that is required or defaulted is named even when absent).
    /// </summary>
    public static bool IsRealKey(string key, GeneratedConfig config, HashSet<string> documented) =>
        IsRealKey(key, config, documented, []);

    private static bool IsRealKey(string key, GeneratedConfig config, HashSet<string> documented, Dictionary<string, JsonElement?> parsed)
    {
        if (!key.StartsWith(ConfigReader.Namespace + ":", StringComparison.Ordinal))
        {
            return false;
        }

        var path = key[(ConfigReader.Namespace.Length + 1)..];
        var topEnd = path.IndexOfAny(['.', '[']);
        var top = topEnd < 0 ? path : path[..topEnd];
        var rest = topEnd < 0 ? "" : path[topEnd..];
        if (!config.Values.TryGetValue(top, out var raw))
        {
            return (documented.Contains(top) || top == ConfigReader.KubeconfigName) && DocumentedRest(rest, documented);
        }

        if (!parsed.TryGetValue(top, out var node))
        {
            try
            {
                using var document = JsonDocument.Parse(raw, new JsonDocumentOptions { MaxDepth = 4096 });
                node = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                node = null;
            }

            parsed[top] = node;
        }

        while (rest.Length > 0 && node is { } current)
        {
            if (rest[0] == '[')
            {
                var close = rest.IndexOf(']', StringComparison.Ordinal);
                if (close < 0 || current.ValueKind != JsonValueKind.Array
                    || !int.TryParse(rest[1..close], NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= current.GetArrayLength())
                {
                    return false;
                }

                node = current[index];
                rest = rest[(close + 1)..];
                continue;
            }

            // ".name": the longest property of the object that the rest starts with.
            var remainder = rest[1..];
            var property = current.ValueKind == JsonValueKind.Object
                ? current.EnumerateObject().Select(p => p.Name)
                    .Where(name => remainder.StartsWith(name, StringComparison.Ordinal)
                        && (remainder.Length == name.Length || remainder[name.Length] is '.' or '['))
                    .OrderByDescending(name => name.Length)
                    .FirstOrDefault()
                : null;
            if (property is null)
            {
                return DocumentedRest(rest, documented);
            }

            node = current.GetProperty(property);
            rest = remainder[property.Length..];
        }

        return rest.Length == 0 || DocumentedRest(rest, documented);
    }

    private static bool DocumentedRest(string rest, HashSet<string> documented) =>
        rest.Length == 0 || (rest[0] == '.' && !rest.Contains('[', StringComparison.Ordinal) && rest[1..].Split('.').All(documented.Contains));

    [Fact]
    public void Every_generated_configuration_is_read_or_refused_with_real_keys()
    {
        var (valid, invalid) = (0, 0);
        ConfigGenerators.Configurations.Sample(config =>
        {
            var problems = Read(config);
            var parsed = new Dictionary<string, JsonElement?>(StringComparer.Ordinal);
            foreach (var problem in problems)
            {
                Assert.True(IsRealKey(problem.Key, config, Documented, parsed), $"'{problem.Key}' ({problem.Message}) is not a key of the input or of the documentation");
                Assert.False(string.IsNullOrWhiteSpace(problem.Message), $"'{problem.Key}' has no message");
            }

            if (problems.Count == 0)
            {
                Interlocked.Increment(ref valid);
            }
            else
            {
                Interlocked.Increment(ref invalid);
            }
        }, seed: Seed, iter: Iterations, print: c => c.ToString());

        output.WriteLine($"{Iterations} configurations from seed {Seed}: {valid} valid, {invalid} refused");
        // The generator must exercise both outcomes, or the property says little.
        Assert.True(valid > Iterations / 20, $"only {valid} valid configurations");
        Assert.True(invalid > Iterations / 4, $"only {invalid} refused configurations");
    }

    [Fact]
    public void The_real_key_check_accepts_input_paths_and_documented_names_only()
    {
        var config = new GeneratedConfig(
            System.Collections.Immutable.ImmutableSortedDictionary<string, string>.Empty
                .Add("nodePools", """[{"name":"a","labels":{"mlplatform.io/workload":"x"}}]""")
                .Add("cloud", "aws"),
            false, []);

        Assert.True(IsRealKey("mlplatform:nodePools[0].labels.mlplatform.io/workload", config, Documented));
        Assert.True(IsRealKey("mlplatform:nodePools[0].max", config, Documented));
        Assert.True(IsRealKey("mlplatform:aws.adminRoleArns", config, Documented));
        Assert.True(IsRealKey("mlplatform:cloud", config, Documented));
        Assert.False(IsRealKey("mlplatform:nodePools[1].max", config, Documented));
        Assert.False(IsRealKey("mlplatform:nodePools[0].maxNodes", config, Documented));
        Assert.False(IsRealKey("mlplatform:aws.adminRoles", config, Documented));
        Assert.False(IsRealKey("nodePools[0].max", config, Documented));
    }

    [Fact]
    public async Task Valid_generated_configurations_plan_with_the_gate_passing()
    {
        // A handful only: a plan takes a few hundred milliseconds. The clouds that have a stack today.
        var sample = ConfigGenerators.Shaped
            .Select(shaped => ConfigGenerators.Mutate(shaped, [], kubeconfig: false))
            .Where(c => c.Values["cloud"] is "existing" or "aws" && Read(c).Count == 0);
        var configs = new List<GeneratedConfig>();
        var pcg = PCG.Parse(Seed);
        while (configs.Count < 4)
        {
            var config = sample.Generate(pcg, null, out _);
            if (configs.All(c => c.Values["cloud"] != config.Values["cloud"]) || configs.Count >= 2)
            {
                configs.Add(config);
            }
        }

        foreach (var config in configs)
        {
            var json = JsonSerializer.Serialize(config.Values.ToDictionary(v => ConfigReader.Key(v.Key), v => v.Value));
            var plan = await PlanRunner.RunAsync(Scenario.Project, "fuzz", json, "[]", new PlanMocks());

            Assert.Empty(PlanRules.Check(plan.ToPolicyItems()));
            Assert.Contains(plan.Resources, r => r.Type == "kubernetes:core/v1:Namespace");
            output.WriteLine($"planned {config.Values["cloud"]}/{config.Values["environment"]}: {plan.Resources.Length} resources");
        }
    }
}
