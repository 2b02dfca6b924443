using System.Text.Json;
using MlPlatform.Stacks.Configuration;
using Xunit;

namespace MlPlatform.Tests.Aws;

public class RegistryConfigTests
{
    private const string Credential = "{\"username\":\"bot\",\"accessToken\":\"dckr_pat_x\"}";

    private static Dictionary<string, object> Config(string cloud = "aws", object? registry = null)
    {
        var config = new Dictionary<string, object>
        {
            ["cloud"] = cloud,
            ["environment"] = "staging",
            ["region"] = cloud == "aws" ? "us-east-1" : "europe-west4",
        };
        if (cloud == "aws")
        {
            var aws = new Dictionary<string, object> { ["adminRoleArns"] = new[] { "arn:aws:iam::123456789012:role/platform-admin" } };
            if (registry is not null)
            {
                aws["registry"] = registry;
            }

            config["aws"] = aws;
        }
        else
        {
            config["gcp"] = new { projectId = "ml-project-123" };
        }

        return config;
    }

    private static PlatformConfig Read(Dictionary<string, object> config, params string[] secretKeys) =>
        ConfigReader.Read(
            key => config.TryGetValue(key, out var value) ? value as string ?? JsonSerializer.Serialize(value) : null,
            allKeys: null,
            secretKeys: secretKeys.Select(k => $"mlplatform:{k}").ToHashSet(StringComparer.Ordinal));

    private static IReadOnlyList<ConfigProblem> Problems(Dictionary<string, object> config, params string[] secretKeys) =>
        Assert.Throws<ConfigValidationException>(() => Read(config, secretKeys)).Problems;

    [Fact]
    public void Defaults_cache_the_anonymous_upstreams_and_keep_thirty_images()
    {
        var registry = Read(Config()).Aws!.Registry;

        Assert.True(registry.PullThroughCache);
        Assert.False(registry.DockerHubCredential);
        Assert.False(registry.GithubCredential);
        Assert.Equal(30, registry.KeepImages);
        Assert.Equal(7, registry.UntaggedExpiryDays);
        Assert.Empty(registry.Repositories);
    }

    [Fact]
    public void Secret_credentials_enable_their_upstreams()
    {
        var config = Config(registry: new { repositories = new[] { "pipeline/train" }, keepImages = 10 });
        config[ConfigReader.DockerHubCredentialKey] = Credential;
        config[ConfigReader.GithubCredentialKey] = Credential;

        var registry = Read(config, ConfigReader.DockerHubCredentialKey, ConfigReader.GithubCredentialKey).Aws!.Registry;

        Assert.True(registry.DockerHubCredential);
        Assert.True(registry.GithubCredential);
        Assert.Equal(["pipeline/train"], registry.Repositories.ToArray());
        Assert.Equal(10, registry.KeepImages);
    }

    [Fact]
    public void A_plain_or_malformed_credential_is_a_problem_that_never_shows_the_value()
    {
        var config = Config();
        config[ConfigReader.DockerHubCredentialKey] = Credential;
        config[ConfigReader.GithubCredentialKey] = "{\"username\":\"bot\",\"password\":\"ghp_secretvalue\"}";

        var problems = Problems(config, ConfigReader.GithubCredentialKey);

        var plain = Assert.Single(problems, p => p.Key == "mlplatform:dockerHubPullCredential");
        Assert.Contains("must be a Pulumi secret", plain.Message, StringComparison.Ordinal);
        Assert.Contains("pulumi config set --secret mlplatform:dockerHubPullCredential", plain.Message, StringComparison.Ordinal);
        var malformed = Assert.Single(problems, p => p.Key == "mlplatform:githubPullCredential");
        Assert.Contains("'accessToken'", malformed.Message, StringComparison.Ordinal);
        Assert.All(problems, p => Assert.DoesNotContain("dckr_pat_x", p.Message, StringComparison.Ordinal));
        Assert.All(problems, p => Assert.DoesNotContain("ghp_secretvalue", p.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Credentials_are_aws_only()
    {
        var config = Config("gcp");
        config[ConfigReader.DockerHubCredentialKey] = Credential;

        var problem = Assert.Single(Problems(config, ConfigReader.DockerHubCredentialKey));

        Assert.Equal("mlplatform:dockerHubPullCredential", problem.Key);
        Assert.Contains("only used with cloud 'aws'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_registry_settings_are_reported_with_their_keys()
    {
        var config = Config(registry: new { repositories = new[] { "Pipeline/Train", "ok", "ok" }, keepImages = 0, untaggedExpiryDays = 400, pullThroughCache = false });
        config[ConfigReader.DockerHubCredentialKey] = Credential;

        var problems = Problems(config, ConfigReader.DockerHubCredentialKey);

        Assert.Equal(
            ["mlplatform:aws.registry.keepImages", "mlplatform:aws.registry.repositories", "mlplatform:aws.registry.repositories[0]",
                "mlplatform:aws.registry.untaggedExpiryDays", "mlplatform:dockerHubPullCredential"],
            problems.Select(p => p.Key).Order(StringComparer.Ordinal));
    }
}
