using System.Text.Json;
using System.Text.RegularExpressions;

namespace MlPlatform.Stacks.Configuration;

/// <summary>Reading and validation of the stack's image registry: <c>mlplatform:aws.registry</c> and the upstream credentials.</summary>
public static partial class ConfigReader
{
    /// <summary>
    /// The Docker Hub credential of the docker.io pull-through cache rule (AWS): a Pulumi secret holding
    /// <c>{"username": "...", "accessToken": "..."}</c>, stored in Secrets Manager as ECR expects it.
    /// </summary>
    public const string DockerHubCredentialKey = "dockerHubPullCredential";

    /// <summary>The GitHub credential of the ghcr.io pull-through cache rule (AWS), shaped like <see cref="DockerHubCredentialKey"/>.</summary>
    public const string GithubCredentialKey = "githubPullCredential";

    /// <summary>The most tagged images an ECR lifecycle rule may keep here (a sane bound, not ECR's).</summary>
    public const int MaxKeepImages = 1000;

    private static AwsRegistryConfig ReadAwsRegistry(JsonConfigNode? node, List<ConfigProblem> problems)
    {
        if (node is null)
        {
            return new AwsRegistryConfig();
        }

        var repositories = node.StringList("repositories") ?? [];
        var keep = node.Int("keepImages") ?? AwsRegistryConfig.DefaultKeepImages;
        var untagged = node.Int("untaggedExpiryDays") ?? AwsRegistryConfig.DefaultUntaggedExpiryDays;
        var cache = node.Bool("pullThroughCache") ?? true;
        node.RejectUnknownKeys();

        for (var i = 0; i < repositories.Length; i++)
        {
            if (!EcrRepositoryName().IsMatch(repositories[i]) || repositories[i].Length > 200)
            {
                problems.Add(new($"{node.Child("repositories")}[{i}]",
                    $"'{repositories[i]}' is not an ECR repository name such as 'pipeline/train' (lower-case letters, digits, '.', '_', '-' between them, '/' between parts, at most 200 characters)"));
            }
        }

        foreach (var duplicate in repositories.GroupBy(r => r, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            node.Problem("repositories", $"'{duplicate.Key}' is listed more than once");
        }

        if (keep is < 1 or > MaxKeepImages)
        {
            node.Problem("keepImages", $"{keep} is not between 1 and {MaxKeepImages}");
        }

        if (untagged is < 1 or > 365)
        {
            node.Problem("untaggedExpiryDays", $"{untagged} is not between 1 and 365");
        }

        return new AwsRegistryConfig { Repositories = repositories, KeepImages = keep, UntaggedExpiryDays = untagged, PullThroughCache = cache };
    }

    /// <summary>
    /// The upstream credentials of the pull-through cache: only on AWS, only as Pulumi secrets (never plain
    /// configuration), and shaped as ECR reads them. The values are never kept: the stack reads them as secrets.
    /// </summary>
    private static AwsConfig? ReadRegistryCredentials(
        Func<string, string?> get, CloudKind? cloud, AwsConfig? aws, IReadOnlySet<string>? secretKeys, List<ConfigProblem> problems)
    {
        bool Credential(string name, string upstream)
        {
            var value = get(name);
            // A secret ({secure: ...} in the stack file), which the stack itself reads as a secret.
            ConfigKeyTrace.Record(Key(name), "any");
            if (value is null)
            {
                return false;
            }

            var key = Key(name);
            if (cloud != CloudKind.Aws)
            {
                problems.Add(new(key, $"only used with cloud 'aws' (the {upstream} pull-through cache rule of ECR)"));
                return false;
            }

            if (secretKeys is not null && !secretKeys.Contains(key))
            {
                problems.Add(new(key, $"must be a Pulumi secret, not plain configuration: pulumi config set --secret {key} '{{\"username\":\"...\",\"accessToken\":\"...\"}}'"));
                return false;
            }

            if (!IsUpstreamCredential(value))
            {
                // Never echo the value: it is a secret.
                problems.Add(new(key, "must be a JSON object with non-empty string fields 'username' and 'accessToken' (the secret format of ECR's pull-through cache)"));
                return false;
            }

            if (aws is not null && !aws.Registry.PullThroughCache)
            {
                problems.Add(new(key, $"set, but {Key("aws")}.registry.pullThroughCache is false; remove it or enable the cache"));
            }

            return true;
        }

        var dockerHub = Credential(DockerHubCredentialKey, "docker.io");
        var github = Credential(GithubCredentialKey, "ghcr.io");
        return aws is null ? null : aws with { Registry = aws.Registry with { DockerHubCredential = dockerHub, GithubCredential = github } };
    }

    private static bool IsUpstreamCredential(string value)
    {
        try
        {
            using var document = JsonDocument.Parse(value);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("username", out var user) && user.ValueKind == JsonValueKind.String && user.GetString()!.Length > 0
                && root.TryGetProperty("accessToken", out var token) && token.ValueKind == JsonValueKind.String && token.GetString()!.Length > 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"\A[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*\z")]
    private static partial Regex EcrRepositoryName();
}
