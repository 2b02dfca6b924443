using System.Collections.Immutable;
using MlPlatform.Components.Addons;
using MlPlatform.Components.Aws;
using MlPlatform.Stacks.Configuration;
using Pulumi;

namespace MlPlatform.Stacks.Aws;

/// <summary>The image registry of the <c>aws</c> target.</summary>
public static partial class AwsStack
{
    /// <summary>
    /// The platform's own repositories: a mirror of every image of <see cref="ImageCatalog"/> (the model server and
    /// the pipeline step images, copied in so that they are scanned and immutable), and the configured ones.
    /// </summary>
    public static ImmutableArray<string> RegistryRepositories(AwsConfig aws) =>
        [.. ImageCatalog.All.Select(image => EcrRegistry.MirrorRepositoryName(image.Repository)).Concat(aws.Registry.Repositories).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// The stack's ECR registry, its pull-through cache (with the upstream credentials read as Pulumi secrets), and
    /// the import right of both node roles (system node group and Karpenter nodes).
    /// </summary>
    private static EcrRegistry Registry(
        AwsConfig aws, string clusterName, string region, Output<string> partition, Output<string> dnsSuffix, Output<string> accountId,
        IEnumerable<Input<string>> nodeRoleNames, ImmutableDictionary<string, string> tags, ComponentResourceOptions awsOptions,
        Dictionary<string, object?> outputs)
    {
        var secrets = new Config(ConfigReader.Namespace);
        var credentials = ImmutableDictionary.CreateBuilder<string, Output<string>>();
        if (aws.Registry.DockerHubCredential)
        {
            credentials[PullThroughUpstream.DockerHub.Host] = secrets.RequireSecret(ConfigReader.DockerHubCredentialKey);
        }

        if (aws.Registry.GithubCredential)
        {
            credentials[PullThroughUpstream.GitHub.Host] = secrets.RequireSecret(ConfigReader.GithubCredentialKey);
        }

        var registry = new EcrRegistry("registry", new EcrRegistryArgs
        {
            ClusterName = clusterName,
            Repositories = RegistryRepositories(aws),
            KeepImages = aws.Registry.KeepImages,
            UntaggedExpiryDays = aws.Registry.UntaggedExpiryDays,
            PullThroughCache = aws.Registry.PullThroughCache,
            Credentials = credentials.ToImmutable(),
            NodeRoleNames = [.. nodeRoleNames],
            Region = region,
            Partition = partition,
            DnsSuffix = dnsSuffix,
            AccountId = accountId,
            Tags = tags,
        }, awsOptions);

        outputs["registryHost"] = registry.RegistryHost;
        outputs["pullThroughCachePrefixes"] = registry.CachePrefixes.ToDictionary(p => p.Key, p => (object?)p.Value);
        return registry;
    }
}
