using System.Collections.Immutable;

namespace MlPlatform.Components.Aws;

/// <summary>
/// A public registry that ECR caches through a pull-through cache rule: the host images name, the upstream URL ECR
/// expects for it (Amazon ECR API, <c>CreatePullThroughCacheRule</c>, <c>upstreamRegistryUrl</c>), the repository
/// prefix its cached images get under the stack's registry, and whether ECR needs a credential for it.
/// </summary>
/// <param name="Host">The registry host in image references (<c>docker.io</c>, <c>ghcr.io</c>, ...).</param>
/// <param name="UpstreamRegistryUrl">The URL of the upstream registry as ECR names it (<c>registry-1.docker.io</c> for Docker Hub).</param>
/// <param name="Name">The short name of the upstream, the last part of its repository prefix and of its credential secret.</param>
/// <param name="NeedsCredential">True where ECR refuses the rule without a Secrets Manager credential (Docker Hub, GitHub).</param>
public sealed record PullThroughUpstream(string Host, string UpstreamRegistryUrl, string Name, bool NeedsCredential)
{
    /// <summary>Quay (<c>quay.io</c>): anonymous.</summary>
    public static PullThroughUpstream Quay { get; } = new("quay.io", "quay.io", "quay", NeedsCredential: false);

    /// <summary>The Kubernetes registry (<c>registry.k8s.io</c>): anonymous.</summary>
    public static PullThroughUpstream Kubernetes { get; } = new("registry.k8s.io", "registry.k8s.io", "kubernetes", NeedsCredential: false);

    /// <summary>The GitHub Container Registry (<c>ghcr.io</c>): needs a GitHub user and token.</summary>
    public static PullThroughUpstream GitHub { get; } = new("ghcr.io", "ghcr.io", "github", NeedsCredential: true);

    /// <summary>Docker Hub (<c>docker.io</c> in image references, <c>registry-1.docker.io</c> to ECR): needs a Docker Hub user and access token.</summary>
    public static PullThroughUpstream DockerHub { get; } = new("docker.io", "registry-1.docker.io", "docker-hub", NeedsCredential: true);

    /// <summary>Every upstream the platform caches.</summary>
    public static ImmutableArray<PullThroughUpstream> All { get; } = [Quay, Kubernetes, GitHub, DockerHub];

    /// <summary>The prefix Secrets Manager secrets of pull-through cache credentials must have (ECR refuses others).</summary>
    public const string SecretPrefix = "ecr-pullthroughcache/";

    /// <summary>The longest ECR repository prefix of a pull-through cache rule.</summary>
    public const int MaxPrefixLength = 30;

    /// <summary>
    /// The repository prefix of this upstream's cached images in one stack: <c>&lt;cluster&gt;/&lt;name&gt;</c> (prefixes are
    /// per account and region, shared by every stack there), the cluster part shortened to ECR's 30 characters and
    /// runs of '-' collapsed (ECR's pattern allows one separator between characters).
    /// </summary>
    public string RepositoryPrefix(string clusterName)
    {
        var cluster = string.Join('-', clusterName.Split('-', StringSplitOptions.RemoveEmptyEntries));
        var room = MaxPrefixLength - Name.Length - 1;
        if (cluster.Length > room)
        {
            cluster = cluster[..room].TrimEnd('-');
        }

        return $"{cluster}/{Name}";
    }

    /// <summary>The name of the Secrets Manager secret holding this upstream's credential for a cluster.</summary>
    public string SecretName(string clusterName) => $"{SecretPrefix}{clusterName}/{Name}";
}
