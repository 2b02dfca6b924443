using MlPlatform.Stacks.Configuration;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Configuration;

/// <summary>Every key of the mlplatform namespace that the program does not read is a problem, with the key it likely meant.</summary>
public class UnknownKeyTests
{
    private static IReadOnlyList<ConfigProblem> Problems(IReadOnlyDictionary<string, string> config) =>
        Assert.Throws<ConfigValidationException>(() => ConfigReader.Read(config.GetValueOrDefault, config.Keys.Select(ConfigReader.Key))).Problems;

    private static Dictionary<string, string> Valid(params (string Key, string Value)[] extra)
    {
        var config = new Dictionary<string, string>(StringComparer.Ordinal) { ["cloud"] = "existing", ["environment"] = "staging" };
        foreach (var (key, value) in extra)
        {
            config[key] = value;
        }

        return config;
    }

    [Fact]
    public void Mistyped_top_level_keys_are_problems_with_a_suggestion()
    {
        var problems = Problems(Valid(("nodepools", "[]"), ("team", """[{"name":"team-a"}]"""), ("kubernetesVerison", "1.34"), ("completelyDifferent", "x")));

        Assert.Equal(
            ["mlplatform:completelyDifferent", "mlplatform:kubernetesVerison", "mlplatform:nodepools", "mlplatform:team"],
            problems.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Contains("did you mean mlplatform:nodePools?", problems.Single(p => p.Key == "mlplatform:nodepools").Message, StringComparison.Ordinal);
        Assert.Contains("did you mean mlplatform:teams?", problems.Single(p => p.Key == "mlplatform:team").Message, StringComparison.Ordinal);
        Assert.Contains("did you mean mlplatform:kubernetesVersion?", problems.Single(p => p.Key == "mlplatform:kubernetesVerison").Message, StringComparison.Ordinal);
        var unrelated = problems.Single(p => p.Key == "mlplatform:completelyDifferent").Message;
        Assert.DoesNotContain("did you mean", unrelated, StringComparison.Ordinal);
        Assert.Contains("nodePools", unrelated, StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_of_other_namespaces_and_the_kubeconfig_secret_are_left_alone()
    {
        var values = Valid(("kubeContext", "kind-mlplatform"));
        string[] keys = [.. values.Keys.Select(ConfigReader.Key), "mlplatform:kubeconfig", "aws:region", "kubernetes:context", "pulumi:tags", "pulumi:disable-default-providers"];

        var config = ConfigReader.Read(values.GetValueOrDefault, keys, hasKubeconfigSecret: true);

        Assert.Equal(CloudKind.Existing, config.Cloud);
    }

    [Fact]
    public void A_namespace_that_differs_only_by_case_is_a_typo()
    {
        var values = Valid();
        var problem = Assert.Single(Assert.Throws<ConfigValidationException>(() =>
            ConfigReader.Read(values.GetValueOrDefault, [.. values.Keys.Select(ConfigReader.Key), "MLPlatform:teams"])).Problems);

        Assert.Equal("MLPlatform:teams", problem.Key);
        Assert.Contains("did you mean mlplatform:teams?", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_keys_are_reported_with_every_other_problem()
    {
        var problems = Problems(Valid(("environment", "prod"), ("adons", "{}")));

        Assert.Equal(["mlplatform:environment", "mlplatform:adons"], problems.Select(p => p.Key));
    }

    [Fact]
    public void Nested_unknown_keys_get_a_suggestion_too()
    {
        var problems = ConfigFixture.Valid().Set("addons", new { argocd = false }).Problems();

        var problem = Assert.Single(problems);
        Assert.Equal("mlplatform:addons.argocd", problem.Key);
        Assert.Contains("did you mean 'argoCd'?", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nodepools", "nodePools")]
    [InlineData("NodePools", "nodePools")]
    [InlineData("nodePool", "nodePools")]
    [InlineData("regoin", "region")]
    [InlineData("teams", "teams")]
    [InlineData("kubeContxt", "kubeContext")]
    [InlineData("xyz", null)]
    [InlineData("aw", "aws")]
    [InlineData("gateways", "gateway")]
    public void Suggestions_prefer_case_then_edit_distance(string typo, string? expected)
    {
        string[] known = ["aws", "cloud", "gateway", "kubeContext", "kubeconfig", "nodePools", "region", "teams"];

        Assert.Equal(expected, ConfigKeys.Suggest(typo, known));
    }

    /// <summary>Every top-level name the reader asks for, recorded through its <c>get</c> function.</summary>
    private static SortedSet<string> NamesAsked(string? cloud)
    {
        var asked = new SortedSet<string>(StringComparer.Ordinal);
        try
        {
            ConfigReader.Read(name =>
            {
                asked.Add(name);
                return name switch { "cloud" => cloud, "environment" => "staging", "region" => "r1", _ => null };
            });
        }
        catch (ConfigValidationException)
        {
            // Missing required settings of a cloud do not matter here.
        }

        return asked;
    }

    [Fact]
    public void The_reader_asks_for_every_top_level_name_whatever_the_cloud()
    {
        // The unknown-key check relies on it: a read that depended on the cloud would make that key "unknown" elsewhere.
        var existing = NamesAsked("existing");

        Assert.All(new[] { "aws", "azure", "gcp", "openstack", null }, cloud => Assert.Equal(existing, NamesAsked(cloud)));
        Assert.Contains("nodePools", existing);
        Assert.Contains("aws", existing);
    }

    [Fact]
    public void Every_top_level_name_is_documented_in_the_readme_and_the_project_file()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        var project = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "Pulumi.yaml"));
        // Rows of the configuration table start with "| `key` |".
        var tableKeys = readme.Split('\n')
            .Where(line => line.StartsWith("| `", StringComparison.Ordinal) && line.IndexOf("` |", StringComparison.Ordinal) > 3)
            .Select(line => line[3..line.IndexOf("` |", StringComparison.Ordinal)])
            .ToHashSet(StringComparer.Ordinal);

        foreach (var name in NamesAsked("existing").Append(ConfigReader.KubeconfigName))
        {
            Assert.True(tableKeys.Contains(name), $"mlplatform:{name} has no row in README's configuration reference");
            Assert.True(project.Contains($"mlplatform:{name}", StringComparison.Ordinal) || project.Contains($"\n  {name}:", StringComparison.Ordinal),
                $"mlplatform:{name} is not described in Pulumi.yaml");
        }
    }

    [Theory]
    [InlineData("""{"mlplatform:cloud":"aws","aws:region":"us-east-1"}""", new[] { "mlplatform:cloud", "aws:region" })]
    [InlineData("""{"mlplatform:config:cloud":"aws"}""", new[] { "mlplatform:cloud" })]
    [InlineData("", new string[0])]
    [InlineData("[1]", new string[0])]
    [InlineData("{not json", new string[0])]
    public void The_engine_configuration_is_read_as_the_sdk_reads_it(string json, string[] keys) =>
        Assert.Equal(keys, EngineConfiguration.Keys(json));
}
