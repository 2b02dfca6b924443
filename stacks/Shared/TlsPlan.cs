using System.Collections.Immutable;
using MlPlatform.Components.Addons;
using MlPlatform.Stacks.Configuration;
using Pulumi;

namespace MlPlatform.Stacks.Shared;

/// <summary>
/// The platform's ACME issuer on every cloud: HTTP-01 on the shared Gateway's HTTP listener, or DNS-01 on the
/// cloud's DNS with the provider block (and cert-manager's cloud identity) the cloud hands over through
/// <see cref="CloudIntegration.AcmeDnsProvider"/>.
/// </summary>
public static class TlsPlan
{
    /// <summary>The Gateway listener the HTTP-01 solver routes attach to (plain HTTP, where the CA asks).</summary>
    public const string Http01Listener = "http";

    /// <summary>The challenge solver of the stack's ACME issuer.</summary>
    public static AcmeChallengeSolver Solver(AcmeConfig acme, CloudIntegration cloud) => acme.Solver switch
    {
        AcmeSolver.Http01 => new AcmeChallengeSolver(Gateway: (EnvoyGateway.GatewayName, PlatformNamespaces.Gateway, Http01Listener)),
        _ => new AcmeChallengeSolver(
            DnsProvider: cloud.AcmeDnsProvider
                ?? throw new InvalidOperationException("The ACME issuer solves DNS-01, but the cloud hands over no DNS provider (validation should have refused the stack)."),
            DnsZone: acme.Dns?.Zone ?? throw new InvalidOperationException("The DNS-01 solver has no zone.")),
    };

    /// <summary>True when the stack's ACME issuer solves DNS-01: the cloud must give cert-manager an identity on its zone.</summary>
    public static bool NeedsDnsIdentity(PlatformConfig config) =>
        config.Addons.CertManager && config.Gateway.Tls?.Acme is { Solver: AcmeSolver.Dns01, Dns: not null };

    /// <summary>The DNS-01 provider block on Route 53 (credentials from cert-manager's IRSA role or Pod Identity association).</summary>
    public static ImmutableDictionary<string, object> Route53(string region, string hostedZoneId) =>
        ImmutableDictionary<string, object>.Empty.Add("route53", new Dictionary<string, object>
        {
            ["region"] = region,
            ["hostedZoneID"] = hostedZoneId,
        });

    /// <summary>The DNS-01 provider block on Azure DNS (credentials from cert-manager's workload identity).</summary>
    public static ImmutableDictionary<string, object> AzureDns(string subscriptionId, string resourceGroup, string zone, string identityClientId) =>
        ImmutableDictionary<string, object>.Empty.Add("azureDNS", new Dictionary<string, object>
        {
            ["subscriptionID"] = subscriptionId,
            ["resourceGroupName"] = resourceGroup,
            ["hostedZoneName"] = zone,
            ["environment"] = "AzurePublicCloud",
            ["managedIdentity"] = new Dictionary<string, object> { ["clientID"] = identityClientId },
        });

    /// <summary>The DNS-01 provider block on Cloud DNS (credentials from cert-manager's GKE workload identity).</summary>
    public static ImmutableDictionary<string, object> CloudDns(string project, string managedZone) =>
        ImmutableDictionary<string, object>.Empty.Add("cloudDNS", new Dictionary<string, object>
        {
            ["project"] = project,
            ["hostedZoneName"] = managedZone,
        });

    /// <summary>The Azure resource id of a DNS zone.</summary>
    public static string AzureDnsZoneId(string subscriptionId, string resourceGroup, string zone) =>
        $"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Network/dnszones/{zone}";
}
