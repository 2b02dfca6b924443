using System.Collections.Immutable;
using Pulumi;
using Pulumi.AzureNative.Authorization;
using Pulumi.AzureNative.ContainerRegistry;
using Pulumi.AzureNative.ContainerRegistry.Inputs;

namespace MlPlatform.Components.Azure;

/// <summary>Inputs of <see cref="ContainerRegistry"/>.</summary>
public sealed class ContainerRegistryArgs
{
    /// <summary>The resource group.</summary>
    public required Input<string> ResourceGroupName { get; init; }

    /// <summary>The Azure location.</summary>
    public required string Location { get; init; }

    /// <summary>The registry's name (globally unique: <see cref="AzureNames.Registry"/>).</summary>
    public required Input<string> RegistryName { get; init; }

    /// <summary>Premium (zone redundant, private endpoints, geo-replication) rather than Standard.</summary>
    public bool Premium { get; init; }

    /// <summary>The kubelet identity that pulls images (AcrPull).</summary>
    public required Input<string> PullerObjectId { get; init; }

    /// <summary>The subscription (role definitions).</summary>
    public required Input<string> SubscriptionId { get; init; }

    /// <summary>Tags.</summary>
    public ImmutableDictionary<string, string> Tags { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// An Azure Container Registry for the platform's images (pipeline steps, model servers): Entra ID only (admin user
/// and anonymous pull off), Premium and zone redundant in production, and the cluster's kubelet identity allowed to
/// pull; protected.
/// </summary>
public sealed class ContainerRegistry : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:azure:ContainerRegistry";

    /// <summary>Creates the registry.</summary>
    public ContainerRegistry(string name, ContainerRegistryArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var registry = new Registry(name, new RegistryArgs
        {
            ResourceGroupName = args.ResourceGroupName,
            RegistryName = args.RegistryName,
            Location = args.Location,
            Sku = new SkuArgs { Name = args.Premium ? SkuName.Premium : SkuName.Standard },
            AdminUserEnabled = false,
            AnonymousPullEnabled = false,
            ZoneRedundancy = args.Premium ? ZoneRedundancy.Enabled : ZoneRedundancy.Disabled,
            PublicNetworkAccess = PublicNetworkAccess.Enabled,
            Tags = AzureTags.Of(args.Tags),
        }, new CustomResourceOptions { Parent = this, Protect = true });
        LoginServer = registry.LoginServer;
        RegistryId = registry.Id;

        PullGrant = RoleGrants.Create($"{name}-kubelet-pull", registry.Id, AzureRoles.AcrPull, args.PullerObjectId,
            PrincipalType.ServicePrincipal, args.SubscriptionId, "The cluster's nodes pull images", new CustomResourceOptions { Parent = this });

        RegisterOutputs(new Dictionary<string, object?> { ["loginServer"] = LoginServer });
    }

    /// <summary>The registry's host name (<c>NAME.azurecr.io</c>).</summary>
    public Output<string> LoginServer { get; }

    /// <summary>The registry's id.</summary>
    public Output<string> RegistryId { get; }

    /// <summary>The kubelet identity's AcrPull grant.</summary>
    public RoleAssignment PullGrant { get; }
}
