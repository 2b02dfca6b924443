using System.Collections.Immutable;
using Pulumi;
using Pulumi.AzureNative.Authorization;
using Pulumi.AzureNative.ManagedIdentity;

namespace MlPlatform.Components.Azure;

/// <summary>One role an identity holds, on one scope.</summary>
/// <param name="Scope">The resource id the role applies to (a blob container, a vault).</param>
/// <param name="RoleId">The built-in role (<see cref="AzureRoles"/>).</param>
/// <param name="Description">Why.</param>
public sealed record RoleOnScope(Input<string> Scope, string RoleId, string Description);

/// <summary>Inputs of <see cref="WorkloadIdentity"/>.</summary>
public sealed class WorkloadIdentityArgs
{
    /// <summary>The resource group.</summary>
    public required Input<string> ResourceGroupName { get; init; }

    /// <summary>The Azure location.</summary>
    public required string Location { get; init; }

    /// <summary>The managed identity's name.</summary>
    public required string IdentityName { get; init; }

    /// <summary>The cluster's OIDC issuer.</summary>
    public required Input<string> OidcIssuerUrl { get; init; }

    /// <summary>The namespace of the only service account that may use the identity.</summary>
    public required string Namespace { get; init; }

    /// <summary>The name of the only service account that may use the identity.</summary>
    public required string ServiceAccount { get; init; }

    /// <summary>The roles the identity holds; nothing else.</summary>
    public ImmutableArray<RoleOnScope> Roles { get; init; } = [];

    /// <summary>The subscription (role definitions).</summary>
    public required Input<string> SubscriptionId { get; init; }

    /// <summary>The Entra ID tenant of the identity (written on the service account).</summary>
    public required Input<string> TenantId { get; init; }

    /// <summary>Tags.</summary>
    public ImmutableDictionary<string, string> Tags { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// An Entra ID workload identity for one Kubernetes service account: a user-assigned managed identity whose only
/// federated credential trusts tokens of the cluster's OIDC issuer for <c>system:serviceaccount:NAMESPACE:NAME</c>
/// with the Entra ID token exchange audience, and whose only roles are the given ones (no secret anywhere).
/// </summary>
public sealed class WorkloadIdentity : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:azure:WorkloadIdentity";

    /// <summary>The service account annotation naming the identity.</summary>
    public const string ClientIdAnnotation = "azure.workload.identity/client-id";

    /// <summary>The service account annotation naming the identity's tenant.</summary>
    public const string TenantIdAnnotation = "azure.workload.identity/tenant-id";

    /// <summary>The pod label the workload identity webhook looks for before it injects the token and environment.</summary>
    public const string UseLabel = "azure.workload.identity/use";

    /// <summary>Creates the identity.</summary>
    public WorkloadIdentity(string name, WorkloadIdentityArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var child = new CustomResourceOptions { Parent = this };
        var identity = new UserAssignedIdentity(name, new UserAssignedIdentityArgs
        {
            ResourceGroupName = args.ResourceGroupName,
            ResourceName = args.IdentityName,
            Location = args.Location,
            Tags = AzureTags.Of(args.Tags),
        }, child);
        ClientId = identity.ClientId;
        PrincipalId = identity.PrincipalId;
        Subject = SubjectOf(args.Namespace, args.ServiceAccount);

        _ = new FederatedIdentityCredential(name, new FederatedIdentityCredentialArgs
        {
            ResourceGroupName = args.ResourceGroupName,
            ResourceName = identity.Name,
            FederatedIdentityCredentialResourceName = $"{args.Namespace}-{args.ServiceAccount}",
            Issuer = args.OidcIssuerUrl,
            Subject = Subject,
            Audiences = { AzureRoles.FederatedTokenAudience },
        }, child);

        for (var i = 0; i < args.Roles.Length; i++)
        {
            var role = args.Roles[i];
            _ = RoleGrants.Create($"{name}-{i}", role.Scope, role.RoleId, identity.PrincipalId, PrincipalType.ServicePrincipal,
                args.SubscriptionId, role.Description, child);
        }

        ServiceAccountKey = $"{args.Namespace}/{args.ServiceAccount}";
        Annotations = new InputMap<string> { { ClientIdAnnotation, ClientId }, { TenantIdAnnotation, args.TenantId } };
        RegisterOutputs(new Dictionary<string, object?> { ["clientId"] = ClientId, ["subject"] = Subject });
    }

    /// <summary>The federated credential subject of a service account.</summary>
    public static string SubjectOf(string @namespace, string serviceAccount) => $"system:serviceaccount:{@namespace}:{serviceAccount}";

    /// <summary>The identity's client id.</summary>
    public Output<string> ClientId { get; }

    /// <summary>The identity's principal (object) id.</summary>
    public Output<string> PrincipalId { get; }

    /// <summary>The only subject the federated credential trusts.</summary>
    public string Subject { get; }

    /// <summary>The service account, as <c>namespace/name</c>.</summary>
    public string ServiceAccountKey { get; }

    /// <summary>The service account annotations that bind it to this identity.</summary>
    public InputMap<string> Annotations { get; }

    /// <summary>The labels the service account's pods need for the webhook to give them the token.</summary>
    public static ImmutableDictionary<string, string> PodLabels { get; } = ImmutableDictionary<string, string>.Empty.Add(UseLabel, "true");
}
