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
/// <param name="ClusterIssuer">The cert-manager ClusterIssuer that signs the gateway's certificate (created outside the platform, e.g. ACME).</param>
public sealed record GatewayTlsConfig(string ClusterIssuer);
