using Pulumi;
using Pulumi.Gcp.Compute;
using Pulumi.Gcp.Compute.Inputs;
using Pulumi.Gcp.ServiceNetworking;

namespace MlPlatform.Components.Gcp;

/// <summary>VPC flow log settings of the subnet.</summary>
/// <param name="AggregationInterval">Aggregation interval, e.g. <c>INTERVAL_5_SEC</c>.</param>
/// <param name="Sampling">Fraction of flows logged (above 0, at most 1).</param>
public sealed record FlowLogSettings(string AggregationInterval, double Sampling);

/// <summary>Inputs of <see cref="GcpNetwork"/>.</summary>
public sealed class GcpNetworkArgs
{
    /// <summary>The cluster the network is for: the prefix of every name.</summary>
    public required string ClusterName { get; init; }

    /// <summary>The project.</summary>
    public required string ProjectId { get; init; }

    /// <summary>The region of the subnet, router and NAT.</summary>
    public required string Region { get; init; }

    /// <summary>The subnet's primary range (nodes).</summary>
    public required string SubnetCidr { get; init; }

    /// <summary>The secondary range of the pods.</summary>
    public required string PodsCidr { get; init; }

    /// <summary>The secondary range of the Services.</summary>
    public required string ServicesCidr { get; init; }

    /// <summary>The range reserved for private services access (Cloud SQL's private IPs).</summary>
    public required string PrivateServicesCidr { get; init; }

    /// <summary>VPC flow logs of the subnet.</summary>
    public required FlowLogSettings FlowLogs { get; init; }
}

/// <summary>
/// A custom-mode VPC with one regional subnet (secondary ranges for pods and Services, Private Google Access, flow
/// logs with metadata), Cloud NAT behind a Cloud Router for the private nodes' egress (errors logged), and private
/// services access: a reserved range peered with Google's service producer network, where Cloud SQL gets its
/// private IP. No firewall rule is opened here: GKE creates those its control plane and nodes need.
/// </summary>
public sealed class GcpNetwork : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:gcp:Network";

    /// <summary>The name of the pods' secondary range.</summary>
    public const string PodsRangeName = "pods";

    /// <summary>The name of the Services' secondary range.</summary>
    public const string ServicesRangeName = "services";

    /// <summary>The service producer of private services access.</summary>
    public const string ServiceNetworkingService = "servicenetworking.googleapis.com";

    /// <summary>Creates the network.</summary>
    public GcpNetwork(string name, GcpNetworkArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var child = new CustomResourceOptions { Parent = this };
        var network = new Network($"{name}-vpc", new NetworkArgs
        {
            Name = args.ClusterName,
            Project = args.ProjectId,
            Description = $"The network of {args.ClusterName}",
            AutoCreateSubnetworks = false,
            RoutingMode = "REGIONAL",
        }, child);
        NetworkId = network.Id;
        NetworkSelfLink = network.SelfLink;
        NetworkName = network.Name;

        var subnet = new Subnetwork($"{name}-subnet", new SubnetworkArgs
        {
            Name = $"{args.ClusterName}-nodes",
            Project = args.ProjectId,
            Region = args.Region,
            Network = network.Id,
            Description = $"Nodes of {args.ClusterName}, with secondary ranges for its pods and Services",
            IpCidrRange = args.SubnetCidr,
            StackType = "IPV4_ONLY",
            // The nodes have no external IPs: Google APIs (registries, GCS, Secret Manager) stay reachable.
            PrivateIpGoogleAccess = true,
            SecondaryIpRanges =
            {
                new SubnetworkSecondaryIpRangeArgs { RangeName = PodsRangeName, IpCidrRange = args.PodsCidr },
                new SubnetworkSecondaryIpRangeArgs { RangeName = ServicesRangeName, IpCidrRange = args.ServicesCidr },
            },
            LogConfig = new SubnetworkLogConfigArgs
            {
                AggregationInterval = args.FlowLogs.AggregationInterval,
                FlowSampling = args.FlowLogs.Sampling,
                Metadata = "INCLUDE_ALL_METADATA",
            },
        }, child);
        SubnetworkId = subnet.Id;
        SubnetworkSelfLink = subnet.SelfLink;
        SubnetworkName = subnet.Name;

        var router = new Router($"{name}-router", new RouterArgs
        {
            Name = $"{args.ClusterName}-router",
            Project = args.ProjectId,
            Region = args.Region,
            Network = network.Id,
            Description = $"Cloud NAT of {args.ClusterName}",
        }, child);
        Nat = new RouterNat($"{name}-nat", new RouterNatArgs
        {
            Name = $"{args.ClusterName}-nat",
            Project = args.ProjectId,
            Region = args.Region,
            Router = router.Name,
            NatIpAllocateOption = "AUTO_ONLY",
            // Only the cluster's subnet, all its ranges (nodes and pods) egress through this NAT.
            SourceSubnetworkIpRangesToNat = "LIST_OF_SUBNETWORKS",
            Subnetworks =
            {
                new RouterNatSubnetworkArgs { Name = subnet.Id, SourceIpRangesToNats = { "ALL_IP_RANGES" } },
            },
            // Pods open many connections per node: ports grow with demand instead of a fixed 64 per VM.
            EnableDynamicPortAllocation = true,
            EnableEndpointIndependentMapping = false,
            MinPortsPerVm = 64,
            MaxPortsPerVm = 32768,
            LogConfig = new RouterNatLogConfigArgs { Enable = true, Filter = "ERRORS_ONLY" },
        }, child);

        var prefix = args.PrivateServicesCidr.Split('/');
        var privateRange = new GlobalAddress($"{name}-private-services", new GlobalAddressArgs
        {
            Name = $"{args.ClusterName}-private-services",
            Project = args.ProjectId,
            Description = $"Private services access of {args.ClusterName} (Cloud SQL)",
            Purpose = "VPC_PEERING",
            AddressType = "INTERNAL",
            Address = prefix[0],
            PrefixLength = int.Parse(prefix[1], System.Globalization.CultureInfo.InvariantCulture),
            Network = network.Id,
        }, child);
        PrivateServicesRangeName = privateRange.Name;

        PrivateServicesConnection = new Connection($"{name}-private-services", new ConnectionArgs
        {
            Network = network.Id,
            Service = ServiceNetworkingService,
            ReservedPeeringRanges = { privateRange.Name },
        }, child);

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["network"] = NetworkSelfLink,
            ["subnetwork"] = SubnetworkSelfLink,
            ["privateServicesRange"] = PrivateServicesRangeName,
        });
    }

    /// <summary>The VPC's ID (<c>projects/&lt;p&gt;/global/networks/&lt;name&gt;</c>).</summary>
    public Output<string> NetworkId { get; }

    /// <summary>The VPC's self link.</summary>
    public Output<string> NetworkSelfLink { get; }

    /// <summary>The VPC's name.</summary>
    public Output<string> NetworkName { get; }

    /// <summary>The subnet's ID.</summary>
    public Output<string> SubnetworkId { get; }

    /// <summary>The subnet's self link.</summary>
    public Output<string> SubnetworkSelfLink { get; }

    /// <summary>The subnet's name.</summary>
    public Output<string> SubnetworkName { get; }

    /// <summary>The name of the private services range (Cloud SQL's <c>allocatedIpRange</c>).</summary>
    public Output<string> PrivateServicesRangeName { get; }

    /// <summary>The peering with Google's service producer network: Cloud SQL's private IP needs it first.</summary>
    public Connection PrivateServicesConnection { get; }

    /// <summary>The Cloud NAT.</summary>
    public RouterNat Nat { get; }
}
