using System.Collections.Immutable;

namespace MlPlatform.Components.Aws;

/// <summary>Whether a load balancer faces the internet (public subnets) or only the VPC and what is peered with it (private subnets).</summary>
public enum LoadBalancerScheme
{
    /// <summary>In the public subnets (tag <c>kubernetes.io/role/elb</c>), reachable from the internet.</summary>
    InternetFacing,

    /// <summary>In the private subnets (tag <c>kubernetes.io/role/internal-elb</c>), reachable from the VPC only.</summary>
    Internal,
}

/// <summary>How the shared gateway's NLB is set up.</summary>
/// <param name="Scheme">Internet-facing or internal.</param>
/// <param name="CertificateArn">An ACM certificate: the NLB then terminates TLS on 443 with a TLS 1.3 policy and re-encrypts to the gateway; null passes TCP through.</param>
/// <param name="AccessLogBucket">The bucket of the NLB's access logs, or null for none.</param>
/// <param name="AccessLogPrefix">The key prefix of the access logs.</param>
public sealed record NlbSettings(LoadBalancerScheme Scheme, string? CertificateArn = null, string? AccessLogBucket = null, string AccessLogPrefix = NlbService.AccessLogPrefix);

/// <summary>
/// The annotations that make the AWS Load Balancer Controller front a Service with an NLB: target type ip (pods
/// directly, no node ports), the scheme (which picks the subnets by their role tags), cross-zone load balancing,
/// client IP preservation (so that the gateway's network policy sees who connects), and optionally TLS termination
/// and access logs.
/// </summary>
public static class NlbService
{
    /// <summary>The annotation prefix of the controller.</summary>
    public const string Prefix = "service.beta.kubernetes.io/aws-load-balancer-";

    /// <summary>The key prefix of the gateway's access logs.</summary>
    public const string AccessLogPrefix = "gateway-nlb";

    /// <summary>The TLS policy of a TLS listener: TLS 1.3 and 1.2 with forward secrecy only.</summary>
    public const string TlsPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06";

    /// <summary>The value the controller expects for a scheme.</summary>
    public static string SchemeValue(LoadBalancerScheme scheme) => scheme == LoadBalancerScheme.Internal ? "internal" : "internet-facing";

    /// <summary>The Service annotations of an NLB.</summary>
    public static ImmutableDictionary<string, string> Annotations(NlbSettings settings)
    {
        var attributes = new List<string> { "load_balancing.cross_zone.enabled=true" };
        if (settings.AccessLogBucket is { } bucket)
        {
            attributes.Add("access_logs.s3.enabled=true");
            attributes.Add($"access_logs.s3.bucket={bucket}");
            attributes.Add($"access_logs.s3.prefix={settings.AccessLogPrefix}");
        }

        var annotations = ImmutableDictionary.CreateBuilder<string, string>();
        annotations[$"{Prefix}type"] = "external";
        annotations[$"{Prefix}nlb-target-type"] = "ip";
        annotations[$"{Prefix}scheme"] = SchemeValue(settings.Scheme);
        annotations[$"{Prefix}attributes"] = string.Join(',', attributes);
        annotations[$"{Prefix}target-group-attributes"] = "preserve_client_ip.enabled=true";
        if (settings.CertificateArn is { } certificate)
        {
            annotations[$"{Prefix}ssl-cert"] = certificate;
            annotations[$"{Prefix}ssl-ports"] = "443";
            annotations[$"{Prefix}ssl-negotiation-policy"] = TlsPolicy;
            // The gateway's own listener stays TLS: the NLB re-encrypts, so nothing crosses the VPC in clear text.
            annotations[$"{Prefix}backend-protocol"] = "ssl";
        }

        return annotations.ToImmutable();
    }
}
