using System.Collections.Immutable;

namespace MlPlatform.Stacks.Configuration;

/// <summary>The platform's admission policies (<c>mlplatform:policies</c>).</summary>
public sealed record PolicyConfig
{
    /// <summary>
    /// The registries (hosts) the platform's own charts and KServe's runtimes pull from. Teams narrow or extend the
    /// list in configuration; an image from anywhere else is a policy violation. Kyverno normalises references
    /// first, so a bare <c>kserve/sklearnserver</c> counts as <c>docker.io</c>.
    /// </summary>
    public static ImmutableArray<string> DefaultAllowedRegistries { get; } =
    [
        "docker.io", "quay.io", "ghcr.io", "registry.k8s.io", "nvcr.io", "public.ecr.aws", "reg.kyverno.io",
    ];

    /// <summary>Audit or enforce; defaults to enforce in production and audit elsewhere.</summary>
    public required PolicyMode Mode { get; init; }

    /// <summary>Registry hosts allowed in the namespaces where users run their own images.</summary>
    public required ImmutableArray<string> AllowedRegistries { get; init; }

    /// <summary>
    /// Namespaces created outside the platform that no policy may touch and that get no generated default-deny
    /// (e.g. the namespaces of a cloud's managed add-ons), beyond kube-system, kube-public and kube-node-lease.
    /// </summary>
    public ImmutableArray<string> ExemptNamespaces { get; init; } = [];

    /// <summary>The defaults for an environment.</summary>
    public static PolicyConfig For(DeploymentEnvironment environment) => new()
    {
        Mode = environment == DeploymentEnvironment.Production ? PolicyMode.Enforce : PolicyMode.Audit,
        AllowedRegistries = DefaultAllowedRegistries,
    };
}
