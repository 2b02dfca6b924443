namespace MlPlatform.Stacks.Configuration;

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
/// <param name="ClusterIssuer">
/// The cert-manager ClusterIssuer that signs the gateway's certificate: one created outside the platform
/// (<c>gateway.tls.clusterIssuer</c>), or the platform's own ACME issuer (<see cref="AcmeConfig.IssuerName"/>).
/// </param>
public sealed record GatewayTlsConfig(string ClusterIssuer)
{
    /// <summary>The platform's own ACME (Let's Encrypt) issuer, when <c>gateway.tls.acme</c> is set; null for an outside issuer.</summary>
    public AcmeConfig? Acme { get; init; }
}

/// <summary>Which Let's Encrypt directory the platform's ACME issuer registers with.</summary>
public enum AcmeServer
{
    /// <summary>Let's Encrypt staging: untrusted certificates, generous rate limits (the default outside production).</summary>
    Staging,

    /// <summary>Let's Encrypt production: trusted certificates, strict rate limits (the default in production).</summary>
    Production,
}

/// <summary>How the ACME issuer proves control of the host names.</summary>
public enum AcmeSolver
{
    /// <summary>HTTP-01 through an HTTPRoute on the shared Gateway's HTTP listener (exact host names only).</summary>
    Http01,

    /// <summary>DNS-01 on the cloud's DNS zone, with cert-manager's workload identity (wildcards allowed).</summary>
    Dns01,
}

/// <summary>The platform's ACME ClusterIssuer (<c>mlplatform:gateway.tls.acme</c>).</summary>
/// <param name="Email">The ACME account's contact address (expiry notices).</param>
/// <param name="Server">Staging or production directory.</param>
/// <param name="Solver">HTTP-01 on the gateway or DNS-01 on the cloud DNS.</param>
/// <param name="Dns">The DNS zone for DNS-01; null with HTTP-01.</param>
public sealed record AcmeConfig(string Email, AcmeServer Server, AcmeSolver Solver, AcmeDnsConfig? Dns)
{
    /// <summary>The Let's Encrypt staging directory.</summary>
    public const string StagingDirectory = "https://acme-staging-v02.api.letsencrypt.org/directory";

    /// <summary>The Let's Encrypt production directory.</summary>
    public const string ProductionDirectory = "https://acme-v02.api.letsencrypt.org/directory";

    /// <summary>The ClusterIssuer's name: <c>letsencrypt-staging</c> or <c>letsencrypt-production</c>.</summary>
    public string IssuerName => Server == AcmeServer.Production ? "letsencrypt-production" : "letsencrypt-staging";

    /// <summary>The ACME directory URL.</summary>
    public string DirectoryUrl => Server == AcmeServer.Production ? ProductionDirectory : StagingDirectory;
}

/// <summary>The cloud DNS zone the DNS-01 solver writes its challenge records to (<c>mlplatform:gateway.tls.acme.dns</c>).</summary>
/// <param name="Zone">The zone's DNS name (e.g. <c>ml.example.com</c>); the gateway's host name must lie in it.</param>
/// <param name="HostedZoneId">AWS: the Route 53 hosted zone ID.</param>
/// <param name="ResourceGroup">Azure: the resource group of the Azure DNS zone (in the stack's subscription).</param>
/// <param name="ManagedZone">GCP: the Cloud DNS managed zone's resource name (in the stack's project).</param>
public sealed record AcmeDnsConfig(string Zone, string? HostedZoneId = null, string? ResourceGroup = null, string? ManagedZone = null);
