using System.Collections.Immutable;
using Pulumi;
using Pulumi.AzureNative.Authorization;
using Pulumi.AzureNative.ManagedIdentity;
using Pulumi.AzureNative.Network;
using Pulumi.AzureNative.Network.Inputs;
using Pulumi.AzureNative.PrivateDns;
using Pulumi.AzureNative.Storage;
using NetworkIdentityType = Pulumi.AzureNative.Network.ResourceIdentityType;
using PrivateDnsSubResourceArgs = Pulumi.AzureNative.PrivateDns.Inputs.SubResourceArgs;
using StorageInputs = Pulumi.AzureNative.Storage.Inputs;
using SubnetArgs = Pulumi.AzureNative.Network.SubnetArgs;

namespace MlPlatform.Components.Azure;

/// <summary>Inputs of <see cref="AzureNetwork"/>.</summary>
public sealed class AzureNetworkArgs
{
    /// <summary>The cluster the network is for (names of its resources).</summary>
    public required string ClusterName { get; init; }

    /// <summary>The resource group.</summary>
    public required Input<string> ResourceGroupName { get; init; }

    /// <summary>The Azure location.</summary>
    public required string Location { get; init; }

    /// <summary>The VNet's address space, split by <see cref="AzureSubnetPlan"/>.</summary>
    public required string Cidr { get; init; }

    /// <summary>The subscription (role definitions).</summary>
    public required Input<string> SubscriptionId { get; init; }

    /// <summary>The suffix of globally unique names (<see cref="AzureNames.UniqueSuffix"/>).</summary>
    public required Input<string> UniqueSuffix { get; init; }

    /// <summary>The Log Analytics workspace traffic analytics writes to.</summary>
    public required Input<string> WorkspaceResourceId { get; init; }

    /// <summary>The workspace's customer id.</summary>
    public required Input<string> WorkspaceCustomerId { get; init; }

    /// <summary>Days the flow logs are kept.</summary>
    public int FlowLogRetentionDays { get; init; } = 30;

    /// <summary>The resource group of the region's network watcher (Azure's is <c>NetworkWatcherRG</c>).</summary>
    public string NetworkWatcherResourceGroup { get; init; } = "NetworkWatcherRG";

    /// <summary>The network watcher; null is Azure's own <c>NetworkWatcher_&lt;location&gt;</c>.</summary>
    public string? NetworkWatcherName { get; init; }

    /// <summary>The private DNS zone of the PostgreSQL flexible servers (must end in <c>.postgres.database.azure.com</c>).</summary>
    public required string PostgresDnsZone { get; init; }

    /// <summary>Tags.</summary>
    public ImmutableDictionary<string, string> Tags { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// The VNet: a node subnet, a subnet delegated to PostgreSQL flexible servers with its private DNS zone linked to the
/// VNet, and a private endpoint subnet; and VNet flow logs (NSG flow logs can no longer be created) into a protected
/// storage account written with a managed identity (no shared keys), with traffic analytics in Log Analytics.
/// </summary>
public sealed class AzureNetwork : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:azure:Network";

    /// <summary>The service a subnet is delegated to for PostgreSQL flexible servers.</summary>
    public const string PostgresDelegation = "Microsoft.DBforPostgreSQL/flexibleServers";

    /// <summary>Creates the network.</summary>
    public AzureNetwork(string name, AzureNetworkArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var child = new CustomResourceOptions { Parent = this };
        var tags = AzureTags.Of(args.Tags);

        // Subnets are their own resources (not inline in the VNet), one after the other: Azure refuses concurrent
        // writes to one VNet.
        var vnet = new VirtualNetwork($"{name}-vnet", new VirtualNetworkArgs
        {
            ResourceGroupName = args.ResourceGroupName,
            VirtualNetworkName = $"vnet-{args.ClusterName}",
            Location = args.Location,
            AddressSpace = new AddressSpaceArgs { AddressPrefixes = { args.Cidr } },
            Tags = tags,
        }, child);
        VnetId = vnet.Id;
        VnetName = vnet.Name;

        Subnet NewSubnet(string role, string prefix, Resource? after, DelegationArgs? delegation = null)
        {
            var subnetArgs = new SubnetArgs
            {
                ResourceGroupName = args.ResourceGroupName,
                VirtualNetworkName = vnet.Name,
                SubnetName = $"snet-{role}",
                AddressPrefix = prefix,
            };
            if (delegation is not null)
            {
                subnetArgs.Delegations.Add(delegation);
            }

            var options = new CustomResourceOptions { Parent = this };
            if (after is not null)
            {
                options.DependsOn.Add(after);
            }

            return new Subnet($"{name}-{role}", subnetArgs, options);
        }

        var nodes = NewSubnet("nodes", AzureSubnetPlan.Nodes(args.Cidr), after: null);
        var postgres = NewSubnet("postgres", AzureSubnetPlan.Postgres(args.Cidr), nodes,
            new DelegationArgs { Name = "postgres-flexible-servers", ServiceName = PostgresDelegation });
        var endpoints = NewSubnet("endpoints", AzureSubnetPlan.Endpoints(args.Cidr), postgres);
        NodeSubnetId = nodes.Id;
        PostgresSubnetId = postgres.Id;
        EndpointSubnetId = endpoints.Id;

        var zone = new PrivateZone($"{name}-postgres-dns", new PrivateZoneArgs
        {
            ResourceGroupName = args.ResourceGroupName,
            PrivateZoneName = args.PostgresDnsZone,
            Location = "global",
            Tags = tags,
        }, child);
        PostgresDnsZoneLink = new VirtualNetworkLink($"{name}-postgres-dns", new VirtualNetworkLinkArgs
        {
            ResourceGroupName = args.ResourceGroupName,
            PrivateZoneName = zone.Name,
            VirtualNetworkLinkName = $"vnet-{args.ClusterName}",
            VirtualNetwork = new PrivateDnsSubResourceArgs { Id = vnet.Id },
            RegistrationEnabled = false,
            Location = "global",
            Tags = tags,
        }, child);
        PostgresDnsZoneId = zone.Id;

        var flowLogWriter = new UserAssignedIdentity($"{name}-flow-logs", new UserAssignedIdentityArgs
        {
            ResourceGroupName = args.ResourceGroupName,
            ResourceName = $"id-{args.ClusterName}-flow-logs",
            Location = args.Location,
            Tags = tags,
        }, child);
        var flowLogStorage = new StorageAccount($"{name}-flow-logs", new StorageAccountArgs
        {
            ResourceGroupName = args.ResourceGroupName,
            AccountName = args.UniqueSuffix.ToOutput().Apply(s => AzureNames.StorageAccount($"stfl{args.ClusterName}", s)),
            Location = args.Location,
            Kind = Kind.StorageV2,
            Sku = new StorageInputs.SkuArgs { Name = SkuName.Standard_LRS },
            MinimumTlsVersion = MinimumTlsVersion.TLS1_2,
            EnableHttpsTrafficOnly = true,
            AllowBlobPublicAccess = false,
            AllowSharedKeyAccess = false,
            DefaultToOAuthAuthentication = true,
            Encryption = new StorageInputs.EncryptionArgs
            {
                KeySource = KeySource.Microsoft_Storage,
                RequireInfrastructureEncryption = true,
                Services = new StorageInputs.EncryptionServicesArgs { Blob = new StorageInputs.EncryptionServiceArgs { Enabled = true, KeyType = KeyType.Account } },
            },

            // Network Watcher is a trusted Azure service: nothing else reaches the account over the network.
            NetworkRuleSet = new StorageInputs.NetworkRuleSetArgs { DefaultAction = DefaultAction.Deny, Bypass = Bypass.AzureServices },
            Tags = tags,
        }, new CustomResourceOptions { Parent = this, Protect = true });
        FlowLogStorageId = flowLogStorage.Id;
        var writerGrant = RoleGrants.Create($"{name}-flow-logs-writer", flowLogStorage.Id, AzureRoles.StorageBlobDataContributor,
            flowLogWriter.PrincipalId, PrincipalType.ServicePrincipal, args.SubscriptionId,
            $"VNet flow logs of {args.ClusterName} write to their storage account", child);

        FlowLog = new FlowLog($"{name}-flow-logs", new FlowLogArgs
        {
            // Flow logs belong to the region's network watcher, which Azure keeps in its own resource group.
            ResourceGroupName = args.NetworkWatcherResourceGroup,
            NetworkWatcherName = args.NetworkWatcherName ?? $"NetworkWatcher_{args.Location}",
            FlowLogName = $"flowlog-vnet-{args.ClusterName}",
            Location = args.Location,
            TargetResourceId = vnet.Id,
            StorageId = flowLogStorage.Id,
            Enabled = true,
            Format = new FlowLogFormatParametersArgs { Type = FlowLogFormatType.JSON, Version = 2 },
            RetentionPolicy = new RetentionPolicyParametersArgs { Enabled = true, Days = args.FlowLogRetentionDays },
            Identity = new ManagedServiceIdentityArgs
            {
                Type = NetworkIdentityType.UserAssigned,
                UserAssignedIdentities = { flowLogWriter.Id },
            },
            FlowAnalyticsConfiguration = new TrafficAnalyticsPropertiesArgs
            {
                NetworkWatcherFlowAnalyticsConfiguration = new TrafficAnalyticsConfigurationPropertiesArgs
                {
                    Enabled = true,
                    TrafficAnalyticsInterval = 10,
                    WorkspaceId = args.WorkspaceCustomerId,
                    WorkspaceRegion = args.Location,
                    WorkspaceResourceId = args.WorkspaceResourceId,
                },
            },
            Tags = tags,
        }, new CustomResourceOptions { Parent = this, DependsOn = { writerGrant } });

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["vnetId"] = VnetId,
            ["nodeSubnetId"] = NodeSubnetId,
            ["postgresSubnetId"] = PostgresSubnetId,
            ["endpointSubnetId"] = EndpointSubnetId,
            ["flowLogStorageId"] = FlowLogStorageId,
        });
    }

    /// <summary>The VNet's id.</summary>
    public Output<string> VnetId { get; }

    /// <summary>The VNet's name.</summary>
    public Output<string> VnetName { get; }

    /// <summary>The node subnet (system and user pools).</summary>
    public Output<string> NodeSubnetId { get; }

    /// <summary>The subnet delegated to PostgreSQL flexible servers.</summary>
    public Output<string> PostgresSubnetId { get; }

    /// <summary>The private endpoint subnet.</summary>
    public Output<string> EndpointSubnetId { get; }

    /// <summary>The PostgreSQL private DNS zone.</summary>
    public Output<string> PostgresDnsZoneId { get; }

    /// <summary>The link of the PostgreSQL zone to the VNet (servers resolve only once it exists).</summary>
    public VirtualNetworkLink PostgresDnsZoneLink { get; }

    /// <summary>The flow logs' storage account.</summary>
    public Output<string> FlowLogStorageId { get; }

    /// <summary>The VNet flow log.</summary>
    public FlowLog FlowLog { get; }
}
