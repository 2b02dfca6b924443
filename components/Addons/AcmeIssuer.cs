using System.Collections.Immutable;
using MlPlatform.Components.Kubernetes;
using Pulumi;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Components.Addons;

/// <summary>How the ACME issuer answers its challenges: exactly one of the two is set.</summary>
/// <param name="Gateway">HTTP-01: the Gateway listener (<c>name</c>, <c>namespace</c>, <c>sectionName</c>) cert-manager attaches its solver HTTPRoute to.</param>
/// <param name="DnsProvider">
/// DNS-01: the provider block of the solver (<c>route53</c>, <c>azureDNS</c> or <c>cloudDNS</c> with its settings),
/// as the cloud hands it over; cert-manager authenticates through its service account's cloud identity.
/// </param>
/// <param name="DnsZone">DNS-01: the zone the solver serves (its <c>selector.dnsZones</c>).</param>
public sealed record AcmeChallengeSolver(
    (string Name, string Namespace, string SectionName)? Gateway = null,
    Output<ImmutableDictionary<string, object>>? DnsProvider = null,
    string? DnsZone = null);

/// <summary>Inputs of <see cref="AcmeIssuer"/>.</summary>
public sealed class AcmeIssuerArgs
{
    /// <summary>The ClusterIssuer's name.</summary>
    public required string Name { get; init; }

    /// <summary>The ACME directory URL (Let's Encrypt staging or production).</summary>
    public required string Server { get; init; }

    /// <summary>The account's contact address.</summary>
    public required string Email { get; init; }

    /// <summary>HTTP-01 on the gateway or DNS-01 on the cloud's DNS.</summary>
    public required AcmeChallengeSolver Solver { get; init; }

    /// <summary>What the issuer waits for: the cert-manager release (its CRDs).</summary>
    public ImmutableArray<Resource> Ready { get; init; } = [];

    /// <summary>Labels of the ClusterIssuer.</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// The platform's own cert-manager ClusterIssuer on an ACME CA (Let's Encrypt): the account key lives in a Secret
/// cert-manager generates in its own namespace, and one solver answers the challenges, HTTP-01 through an
/// HTTPRoute on the shared Gateway or DNS-01 on the cloud's DNS zone.
/// </summary>
public sealed class AcmeIssuer : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:addons:AcmeIssuer";

    /// <summary>Creates the ClusterIssuer.</summary>
    public AcmeIssuer(string name, AcmeIssuerArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, Check(args, options))
    {
        var spec = args.Solver.DnsProvider is { } provider
            ? provider.Apply(p => Spec(args, p).ToImmutableDictionary())
            : Output.Create(Spec(args, null).ToImmutableDictionary());
        var child = new CustomResourceOptions { Parent = this };
        child.DependsOn.AddRange(args.Ready.Select(r => (Input<Resource>)r).ToList());
        ClusterIssuer = new K8s.ApiExtensions.CustomResource(name, new KubernetesObjectArgs(
            "cert-manager.io/v1", "ClusterIssuer", AddonResources.Metadata(args.Name, null, args.Labels), spec), child);

        RegisterOutputs(new Dictionary<string, object?> { ["name"] = args.Name, ["server"] = args.Server });
    }

    /// <summary>The ClusterIssuer.</summary>
    public K8s.ApiExtensions.CustomResource ClusterIssuer { get; }

    /// <summary>The Secret (in cert-manager's namespace) that holds the ACME account's private key.</summary>
    public static string AccountKeySecret(string issuerName) => $"{issuerName}-account-key";

    /// <summary>The ClusterIssuer spec, with the DNS-01 provider block resolved (null for HTTP-01).</summary>
    public static Dictionary<string, object> Spec(AcmeIssuerArgs args, IReadOnlyDictionary<string, object>? dnsProvider)
    {
        var solver = new Dictionary<string, object>();
        if (args.Solver.Gateway is { } gateway)
        {
            solver["http01"] = new Dictionary<string, object>
            {
                ["gatewayHTTPRoute"] = new Dictionary<string, object>
                {
                    ["parentRefs"] = new object[]
                    {
                        new Dictionary<string, object>
                        {
                            ["group"] = "gateway.networking.k8s.io",
                            ["kind"] = "Gateway",
                            ["name"] = gateway.Name,
                            ["namespace"] = gateway.Namespace,
                            ["sectionName"] = gateway.SectionName,
                        },
                    },
                },
            };
        }
        else
        {
            solver["dns01"] = dnsProvider!.ToDictionary(p => p.Key, p => p.Value);
            solver["selector"] = new Dictionary<string, object> { ["dnsZones"] = new[] { args.Solver.DnsZone! } };
        }

        return new()
        {
            ["acme"] = new Dictionary<string, object>
            {
                ["server"] = args.Server,
                ["email"] = args.Email,
                ["privateKeySecretRef"] = new Dictionary<string, object> { ["name"] = AccountKeySecret(args.Name) },
                ["solvers"] = new object[] { solver },
            },
        };
    }

    private static ComponentResourceOptions? Check(AcmeIssuerArgs args, ComponentResourceOptions? options)
    {
        var solver = args.Solver;
        var http = solver.Gateway is not null;
        var dns = solver.DnsProvider is not null;
        if (http == dns)
        {
            throw new ArgumentException($"ACME issuer {args.Name} needs exactly one solver: a gateway (HTTP-01) or a DNS provider (DNS-01).", nameof(args));
        }

        return dns && solver.DnsZone is null
            ? throw new ArgumentException($"ACME issuer {args.Name}: a DNS-01 solver needs its zone.", nameof(args))
            : options;
    }
}
