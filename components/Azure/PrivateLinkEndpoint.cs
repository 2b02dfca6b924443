using System.Collections.Immutable;
using Pulumi;
using Pulumi.AzureNative.Network;
using Pulumi.AzureNative.Network.Inputs;
using Pulumi.AzureNative.PrivateDns;
using PrivateDnsSubResourceArgs = Pulumi.AzureNative.PrivateDns.Inputs.SubResourceArgs;
using SubnetInputArgs = Pulumi.AzureNative.Network.Inputs.SubnetArgs;

namespace MlPlatform.Components.Azure;

/// <summary>A private endpoint subnet and the VNet its DNS zone is linked to.</summary>
/// <param name="SubnetId">The private endpoint subnet.</param>
/// <param name="VnetId">The VNet.</param>
public sealed record PrivateEndpointPlacement(Input<string> SubnetId, Input<string> VnetId);

/// <summary>Inputs of <see cref="PrivateLinkEndpoint"/>.</summary>
public sealed class PrivateLinkEndpointArgs
{
    /// <summary>The resource group.</summary>
    public required Input<string> ResourceGroupName { get; init; }

    /// <summary>The Azure location.</summary>
    public required string Location { get; init; }

    /// <summary>The endpoint's name.</summary>
    public required string EndpointName { get; init; }

    /// <summary>The service's resource (a storage account, a key vault).</summary>
    public required Input<string> TargetResourceId { get; init; }

    /// <summary>The sub-resource the endpoint reaches (<c>blob</c>, <c>vault</c>).</summary>
    public required string GroupId { get; init; }

    /// <summary>The private DNS zone of that sub-resource (<c>privatelink.blob.core.windows.net</c>, <c>privatelink.vaultcore.azure.net</c>).</summary>
    public required string DnsZone { get; init; }

    /// <summary>The private endpoint subnet.</summary>
    public required Input<string> SubnetId { get; init; }

    /// <summary>The VNet whose resolvers must answer with the private address.</summary>
    public required Input<string> VnetId { get; init; }

    /// <summary>Tags.</summary>
    public ImmutableDictionary<string, string> Tags { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// A private endpoint of an Azure service in the VNet, with its private DNS zone linked to the VNet and the endpoint's
/// record registered there: the service's usual host name resolves to the private address inside the VNet, so its
/// public network access can be turned off.
/// </summary>
public sealed class PrivateLinkEndpoint : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:azure:PrivateEndpoint";

    /// <summary>Creates the endpoint.</summary>
    public PrivateLinkEndpoint(string name, PrivateLinkEndpointArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var child = new CustomResourceOptions { Parent = this };
        var tags = AzureTags.Of(args.Tags);

        var zone = new PrivateZone($"{name}-dns", new PrivateZoneArgs
        {
            ResourceGroupName = args.ResourceGroupName,
            PrivateZoneName = args.DnsZone,
            Location = "global",
            Tags = tags,
        }, child);
        var link = new VirtualNetworkLink($"{name}-dns", new VirtualNetworkLinkArgs
        {
            ResourceGroupName = args.ResourceGroupName,
            PrivateZoneName = zone.Name,
            VirtualNetworkLinkName = args.EndpointName,
            VirtualNetwork = new PrivateDnsSubResourceArgs { Id = args.VnetId },
            RegistrationEnabled = false,
            Location = "global",
            Tags = tags,
        }, child);

        var endpoint = new PrivateEndpoint(name, new PrivateEndpointArgs
        {
            ResourceGroupName = args.ResourceGroupName,
            PrivateEndpointName = args.EndpointName,
            Location = args.Location,
            Subnet = new SubnetInputArgs { Id = args.SubnetId },
            PrivateLinkServiceConnections =
            {
                new PrivateLinkServiceConnectionArgs
                {
                    Name = args.EndpointName,
                    PrivateLinkServiceId = args.TargetResourceId,
                    GroupIds = { args.GroupId },
                },
            },
            Tags = tags,
        }, child);
        ZoneGroup = new PrivateDnsZoneGroup(name, new PrivateDnsZoneGroupArgs
        {
            ResourceGroupName = args.ResourceGroupName,
            PrivateEndpointName = endpoint.Name,
            PrivateDnsZoneGroupName = "default",
            PrivateDnsZoneConfigs = { new PrivateDnsZoneConfigArgs { Name = args.GroupId, PrivateDnsZoneId = zone.Id } },
        }, new CustomResourceOptions { Parent = this, DependsOn = { link } });
        EndpointId = endpoint.Id;

        RegisterOutputs(new Dictionary<string, object?> { ["endpointId"] = EndpointId });
    }

    /// <summary>The private endpoint of a service's sub-resource, as a child of the service's component.</summary>
    /// <param name="parent">The service's component.</param>
    /// <param name="name">Logical name (the endpoint is <c>pe-NAME</c>).</param>
    /// <param name="placement">The endpoint subnet and VNet.</param>
    /// <param name="resourceGroupName">The resource group.</param>
    /// <param name="location">The Azure location.</param>
    /// <param name="targetResourceId">The service.</param>
    /// <param name="groupId">The sub-resource.</param>
    /// <param name="dnsZone">Its private DNS zone.</param>
    /// <param name="tags">Tags.</param>
    public static PrivateLinkEndpoint For(
        ComponentResource parent, string name, PrivateEndpointPlacement placement, Input<string> resourceGroupName, string location,
        Input<string> targetResourceId, string groupId, string dnsZone, ImmutableDictionary<string, string> tags) =>
        new(name, new PrivateLinkEndpointArgs
        {
            ResourceGroupName = resourceGroupName,
            Location = location,
            EndpointName = $"pe-{name}",
            TargetResourceId = targetResourceId,
            GroupId = groupId,
            DnsZone = dnsZone,
            SubnetId = placement.SubnetId,
            VnetId = placement.VnetId,
            Tags = tags,
        }, new ComponentResourceOptions { Parent = parent });

    /// <summary>The endpoint's id.</summary>
    public Output<string> EndpointId { get; }

    /// <summary>The endpoint's DNS registration (clients resolve the private address once it exists).</summary>
    public PrivateDnsZoneGroup ZoneGroup { get; }
}
