using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Pulumi;
using Pulumi.Aws.Ecr;
using Pulumi.Aws.Iam;
using Pulumi.Aws.Kms;
using Pulumi.Aws.SecretsManager;
using EcrInputs = Pulumi.Aws.Ecr.Inputs;

namespace MlPlatform.Components.Aws;

/// <summary>Inputs of <see cref="EcrRegistry"/>.</summary>
public sealed class EcrRegistryArgs
{
    /// <summary>The cluster name: the prefix of every repository, cache prefix and secret of the stack.</summary>
    public required string ClusterName { get; init; }

    /// <summary>The platform's own repositories, by name under <c>&lt;cluster&gt;/</c> (mirrored images, pipeline steps).</summary>
    public ImmutableArray<string> Repositories { get; init; } = [];

    /// <summary>How many of the newest images each repository keeps.</summary>
    public int KeepImages { get; init; } = 30;

    /// <summary>Days after which untagged images expire.</summary>
    public int UntaggedExpiryDays { get; init; } = 7;

    /// <summary>Create the pull-through cache rules (the upstreams needing a credential only with one in <see cref="Credentials"/>).</summary>
    public bool PullThroughCache { get; init; } = true;

    /// <summary>
    /// The credentials of the upstreams that need one, by upstream host (<c>docker.io</c>, <c>ghcr.io</c>): Pulumi
    /// secrets holding <c>{"username": ..., "accessToken": ...}</c>.
    /// </summary>
    public ImmutableDictionary<string, Output<string>> Credentials { get; init; } = ImmutableDictionary<string, Output<string>>.Empty;

    /// <summary>The node roles (by name) that pull images, and import upstream images on a cache's first pull.</summary>
    public ImmutableArray<Input<string>> NodeRoleNames { get; init; } = [];

    /// <summary>The region.</summary>
    public required string Region { get; init; }

    /// <summary>The AWS partition.</summary>
    public Input<string> Partition { get; init; } = "aws";

    /// <summary>The DNS suffix of the partition (<c>amazonaws.com</c>, <c>amazonaws.com.cn</c>).</summary>
    public Input<string> DnsSuffix { get; init; } = "amazonaws.com";

    /// <summary>The account.</summary>
    public required Input<string> AccountId { get; init; }

    /// <summary>Tags.</summary>
    public ImmutableDictionary<string, string> Tags { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// The stack's private ECR registry: the platform's own repositories (immutable tags, scan on push, encrypted with the
/// registry's own KMS key, lifecycle rules, protected), pull-through cache rules for the public registries the
/// platform pulls from (with their cached repositories' lifecycle through a creation template, and the Secrets
/// Manager credentials of the upstreams that need one), and the node roles' right to import upstream images.
/// </summary>
public sealed class EcrRegistry : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:aws:EcrRegistry";

    /// <summary>Creates the registry.</summary>
    public EcrRegistry(string name, EcrRegistryArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var child = new CustomResourceOptions { Parent = this };
        // Losing the key makes every image unreadable: it is as protected as the repositories.
        var protectedChild = new CustomResourceOptions { Parent = this, Protect = true };

        var key = new Key($"{name}-key", new KeyArgs
        {
            Description = $"Encryption of the ECR repositories of {args.ClusterName}",
            EnableKeyRotation = true,
            DeletionWindowInDays = 30,
            Tags = AwsTags.Of(args.Tags),
        }, protectedChild);
        _ = new Pulumi.Aws.Kms.Alias($"{name}-key", new Pulumi.Aws.Kms.AliasArgs
        {
            Name = $"alias/{args.ClusterName}-ecr",
            TargetKeyId = key.KeyId,
        }, child);
        KmsKeyArn = key.Arn;

        var lifecycle = LifecyclePolicyDocument(args.KeepImages, args.UntaggedExpiryDays);
        var repositories = ImmutableDictionary.CreateBuilder<string, Repository>();
        foreach (var repositoryName in args.Repositories.Distinct(StringComparer.Ordinal))
        {
            var resourceName = $"{name}-{repositoryName.Replace('/', '-')}";
            var repository = new Repository(resourceName, new RepositoryArgs
            {
                Name = $"{args.ClusterName}/{repositoryName}",
                ImageTagMutability = "IMMUTABLE",
                ImageScanningConfiguration = new EcrInputs.RepositoryImageScanningConfigurationArgs { ScanOnPush = true },
                EncryptionConfigurations = { new EcrInputs.RepositoryEncryptionConfigurationArgs { EncryptionType = "KMS", KmsKey = key.Arn } },
                ForceDelete = false,
                Tags = AwsTags.Of(args.Tags),
            }, protectedChild);
            _ = new LifecyclePolicy(resourceName, new LifecyclePolicyArgs
            {
                Repository = repository.Name,
                Policy = lifecycle,
            }, child);
            repositories[repositoryName] = repository;
        }

        Repositories = repositories.ToImmutable();

        var rules = ImmutableDictionary.CreateBuilder<string, PullThroughCacheRule>();
        var prefixes = ImmutableDictionary.CreateBuilder<string, string>();
        foreach (var upstream in args.PullThroughCache ? PullThroughUpstream.All : [])
        {
            Output<string>? credentialArn = null;
            if (upstream.NeedsCredential)
            {
                if (!args.Credentials.TryGetValue(upstream.Host, out var credential))
                {
                    continue;
                }

                var secret = new Secret($"{name}-{upstream.Name}-credential", new SecretArgs
                {
                    Name = upstream.SecretName(args.ClusterName),
                    Description = $"The {upstream.Host} credential of the ECR pull-through cache of {args.ClusterName}",
                    Tags = AwsTags.Of(args.Tags),
                }, child);
                _ = new SecretVersion($"{name}-{upstream.Name}-credential", new SecretVersionArgs
                {
                    SecretId = secret.Id,
                    SecretString = Output.CreateSecret(credential),
                }, child);
                credentialArn = secret.Arn;
            }

            var prefix = upstream.RepositoryPrefix(args.ClusterName);
            var ruleArgs = new PullThroughCacheRuleArgs
            {
                EcrRepositoryPrefix = prefix,
                UpstreamRegistryUrl = upstream.UpstreamRegistryUrl,
            };
            if (credentialArn is not null)
            {
                ruleArgs.CredentialArn = credentialArn;
            }

            rules[upstream.Host] = new PullThroughCacheRule($"{name}-{upstream.Name}", ruleArgs, child);
            // The repositories a first pull creates get the same lifecycle (not immutability: the cache follows the
            // upstream's tags, nor the registry's key, which a creation template could only use through a custom role).
            _ = new RepositoryCreationTemplate($"{name}-{upstream.Name}", new RepositoryCreationTemplateArgs
            {
                Prefix = prefix,
                AppliedFors = { "PULL_THROUGH_CACHE" },
                Description = $"Repositories of the {upstream.Host} pull-through cache of {args.ClusterName}",
                ImageTagMutability = "MUTABLE",
                LifecyclePolicy = lifecycle,
            }, child);
            prefixes[upstream.Host] = prefix;
        }

        PullThroughCacheRules = rules.ToImmutable();
        CachePrefixes = prefixes.ToImmutable();

        RegistryHost = Output.Format($"{args.AccountId}.dkr.ecr.{args.Region}.{args.DnsSuffix}");

        if (!CachePrefixes.IsEmpty)
        {
            var cachePrefixes = CachePrefixes.Values.Order(StringComparer.Ordinal).ToImmutableArray();
            var policy = Output.Tuple(args.Partition.ToOutput(), args.AccountId.ToOutput())
                .Apply(t => IamPolicies.PullThroughCacheImport(t.Item1, args.Region, t.Item2, cachePrefixes));
            NodePolicies = [.. args.NodeRoleNames.Select((role, i) => new RolePolicy($"{name}-node-import-{i}", new RolePolicyArgs
            {
                Role = role,
                Name = "ecr-pull-through-cache",
                Policy = policy,
            }, child))];
        }
        else
        {
            NodePolicies = [];
        }

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["registryHost"] = RegistryHost,
            ["repositories"] = Repositories.Values.Select(r => r.RepositoryUrl).ToList(),
            ["pullThroughCachePrefixes"] = CachePrefixes.ToDictionary(p => p.Key, p => (object?)p.Value),
        });
    }

    /// <summary>The registry's host (<c>ACCOUNT.dkr.ecr.REGION.amazonaws.com</c>), where images of the stack come from.</summary>
    public Output<string> RegistryHost { get; }

    /// <summary>The registry's KMS key.</summary>
    public Output<string> KmsKeyArn { get; }

    /// <summary>The platform's repositories, by name.</summary>
    public ImmutableDictionary<string, Repository> Repositories { get; }

    /// <summary>The pull-through cache rules, by upstream host.</summary>
    public ImmutableDictionary<string, PullThroughCacheRule> PullThroughCacheRules { get; }

    /// <summary>The repository prefix of each cached upstream, by upstream host: an image <c>HOST/PATH:TAG</c> is pulled as <c>REGISTRY/PREFIX/PATH:TAG</c>.</summary>
    public ImmutableDictionary<string, string> CachePrefixes { get; }

    /// <summary>The node roles' policies for the cache's first pulls.</summary>
    public ImmutableArray<RolePolicy> NodePolicies { get; }

    /// <summary>
    /// The lifecycle of every repository: untagged images expire after <paramref name="untaggedDays"/>, and only the
    /// newest <paramref name="keep"/> images stay (the rule for any tag must have the lowest priority, ECR's rule).
    /// </summary>
    public static string LifecyclePolicyDocument(int keep, int untaggedDays) => new JsonObject
    {
        ["rules"] = new JsonArray(
            new JsonObject
            {
                ["rulePriority"] = 1,
                ["description"] = $"Expire untagged images after {untaggedDays} days",
                ["selection"] = new JsonObject
                {
                    ["tagStatus"] = "untagged",
                    ["countType"] = "sinceImagePushed",
                    ["countUnit"] = "days",
                    ["countNumber"] = untaggedDays,
                },
                ["action"] = new JsonObject { ["type"] = "expire" },
            },
            new JsonObject
            {
                ["rulePriority"] = 2,
                ["description"] = $"Keep the newest {keep} images",
                ["selection"] = new JsonObject
                {
                    ["tagStatus"] = "any",
                    ["countType"] = "imageCountMoreThan",
                    ["countNumber"] = keep,
                },
                ["action"] = new JsonObject { ["type"] = "expire" },
            }),
    }.ToJsonString();

    /// <summary>
    /// The repository names of the mirrored images under the stack's prefix: an image <c>HOST/PATH</c> becomes
    /// <c>mirror/PATH</c> (e.g. <c>docker.io/vllm/vllm-openai</c> → <c>mirror/vllm/vllm-openai</c>).
    /// </summary>
    public static string MirrorRepositoryName(string imageRepository)
    {
        var slash = imageRepository.IndexOf('/', StringComparison.Ordinal);
        return $"mirror/{(slash < 0 ? imageRepository : imageRepository[(slash + 1)..])}";
    }
}
