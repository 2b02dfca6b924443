using System.Collections.Immutable;

namespace MlPlatform.Stacks.Configuration;

/// <summary>Whether Kyverno blocks or only reports violations of the platform's cluster policies.</summary>
public enum PolicyMode
{
    /// <summary>Violations are reported in policy reports; nothing is blocked.</summary>
    Audit,

    /// <summary>Violating requests are rejected at admission.</summary>
    Enforce,
}

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

/// <summary>Prometheus and Grafana settings (<c>mlplatform:monitoring</c>).</summary>
public sealed record MonitoringConfig
{
    /// <summary>How long Prometheus keeps samples, as a Prometheus duration (<c>15d</c>, <c>720h</c>).</summary>
    public required string Retention { get; init; }

    /// <summary>The persistent volume of each Prometheus replica, as a Kubernetes quantity (<c>100Gi</c>).</summary>
    public required string StorageSize { get; init; }

    /// <summary>The storage class of the Prometheus volumes; null for the cluster default.</summary>
    public string? StorageClass { get; init; }

    /// <summary>The host name Grafana is published on through the shared gateway; null keeps it cluster-internal.</summary>
    public string? GrafanaHostname { get; init; }

    /// <summary>The defaults for an environment: short and small outside production.</summary>
    public static MonitoringConfig For(DeploymentEnvironment environment) => environment switch
    {
        DeploymentEnvironment.Production => new() { Retention = "30d", StorageSize = "200Gi" },
        DeploymentEnvironment.Staging => new() { Retention = "7d", StorageSize = "50Gi" },
        _ => new() { Retention = "2d", StorageSize = "10Gi" },
    };
}

/// <summary>The shared ingress Gateway (<c>mlplatform:gateway</c>).</summary>
public sealed record GatewayConfig
{
    /// <summary>No host name, plain HTTP only.</summary>
    public static GatewayConfig Default { get; } = new();

    /// <summary>The host name (or <c>*.domain</c> wildcard) the listeners answer for; null answers for any host.</summary>
    public string? Hostname { get; init; }

    /// <summary>HTTPS with a cert-manager certificate; null for HTTP only.</summary>
    public GatewayTlsConfig? Tls { get; init; }
}

/// <summary>The HTTPS listener of the shared gateway.</summary>
/// <param name="ClusterIssuer">The cert-manager ClusterIssuer that signs the gateway's certificate (created outside the platform, e.g. ACME).</param>
public sealed record GatewayTlsConfig(string ClusterIssuer);
