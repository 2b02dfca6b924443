using System.Collections.Immutable;
using Pulumi;
using Pulumi.Aws;
using Pulumi.Aws.CloudWatch;
using Pulumi.Aws.Ec2;
using Pulumi.Aws.Ec2.Inputs;
using Pulumi.Aws.Iam;

namespace MlPlatform.Components.Aws;

/// <summary>Inputs of <see cref="AwsNetwork"/>.</summary>
public sealed class AwsNetworkArgs
{
    /// <summary>The EKS cluster that will use the network: subnets are tagged for its load balancers and Karpenter.</summary>
    public required string ClusterName { get; init; }

    /// <summary>The VPC's IPv4 range, split by <see cref="SubnetPlan"/>.</summary>
    public required string Cidr { get; init; }

    /// <summary>One NAT gateway per zone (zone failures do not cut egress) instead of a single shared one.</summary>
    public bool NatGatewayPerZone { get; init; }

    /// <summary>Retention of the flow logs, in days.</summary>
    public int FlowLogRetentionDays { get; init; } = 30;

    /// <summary>Tags of every resource.</summary>
    public ImmutableDictionary<string, string> Tags { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// The VPC over three availability zones: private subnets for nodes, pods and data stores, public subnets for NAT
/// and internet-facing load balancers, NAT egress, and VPC flow logs to CloudWatch.
/// </summary>
public sealed class AwsNetwork : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:aws:Network";

    /// <summary>Creates the network.</summary>
    public AwsNetwork(string name, AwsNetworkArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var child = new CustomResourceOptions { Parent = this };
        var tags = args.Tags;

        // Zones come from the account (names and availability differ per account), never from a hard-coded list. Only
        // real availability zones: an opted-in Local Zone ("us-west-2-lax-1a") sorts before "us-west-2a" and EKS
        // cannot place its control plane there.
        var zonesArgs = new GetAvailabilityZonesInvokeArgs
        {
            State = "available",
            Filters = { new Pulumi.Aws.Inputs.GetAvailabilityZonesFilterInputArgs { Name = "zone-type", Values = { "availability-zone" } } },
        };
        var zones = GetAvailabilityZones.Invoke(zonesArgs, new InvokeOptions { Parent = this })
            .Apply(result => result.Names.Length >= SubnetPlan.ZoneCount
                ? result.Names.Take(SubnetPlan.ZoneCount).ToImmutableArray()
                : throw new InvalidOperationException($"The region offers {result.Names.Length} availability zones; the platform needs {SubnetPlan.ZoneCount}."));
        AvailabilityZones = zones;

        var vpc = new Vpc($"{name}-vpc", new VpcArgs
        {
            CidrBlock = args.Cidr,
            EnableDnsHostnames = true,
            EnableDnsSupport = true,
            Tags = AwsTags.Named(tags, $"{args.ClusterName}-vpc"),
        }, child);
        VpcId = vpc.Id;

        var internetGateway = new InternetGateway($"{name}-igw", new InternetGatewayArgs
        {
            VpcId = vpc.Id,
            Tags = AwsTags.Named(tags, $"{args.ClusterName}-igw"),
        }, child);

        var publicRoutes = new RouteTable($"{name}-public", new RouteTableArgs
        {
            VpcId = vpc.Id,
            Routes = { new RouteTableRouteArgs { CidrBlock = "0.0.0.0/0", GatewayId = internetGateway.Id } },
            Tags = AwsTags.Named(tags, $"{args.ClusterName}-public"),
        }, child);

        var publicCidrs = SubnetPlan.Public(args.Cidr);
        var privateCidrs = SubnetPlan.Private(args.Cidr);
        var publicSubnets = new List<Subnet>();
        var privateSubnets = new List<Subnet>();
        for (var i = 0; i < SubnetPlan.ZoneCount; i++)
        {
            var index = i;
            var zone = zones.Apply(z => z[index]);
            var suffix = (char)('a' + i);
            var publicSubnet = new Subnet($"{name}-public-{suffix}", new SubnetArgs
            {
                VpcId = vpc.Id,
                CidrBlock = publicCidrs[index],
                AvailabilityZone = zone,
                // Nothing the platform runs gets a public address; load balancers get theirs from the ELB service.
                MapPublicIpOnLaunch = false,
                Tags = AwsTags.Named(tags, $"{args.ClusterName}-public-{suffix}", (AwsTags.PublicLoadBalancer, "1")),
            }, child);
            _ = new RouteTableAssociation($"{name}-public-{suffix}", new RouteTableAssociationArgs
            {
                SubnetId = publicSubnet.Id,
                RouteTableId = publicRoutes.Id,
            }, child);
            publicSubnets.Add(publicSubnet);

            privateSubnets.Add(new Subnet($"{name}-private-{suffix}", new SubnetArgs
            {
                VpcId = vpc.Id,
                CidrBlock = privateCidrs[index],
                AvailabilityZone = zone,
                MapPublicIpOnLaunch = false,
                Tags = AwsTags.Named(tags, $"{args.ClusterName}-private-{suffix}",
                    (AwsTags.InternalLoadBalancer, "1"),
                    (AwsTags.KarpenterDiscovery, args.ClusterName)),
            }, child));
        }

        var natCount = args.NatGatewayPerZone ? SubnetPlan.ZoneCount : 1;
        var natGateways = new List<NatGateway>();
        for (var i = 0; i < natCount; i++)
        {
            var suffix = (char)('a' + i);
            var address = new Eip($"{name}-nat-{suffix}", new EipArgs
            {
                Domain = "vpc",
                Tags = AwsTags.Named(tags, $"{args.ClusterName}-nat-{suffix}"),
            }, child);
            natGateways.Add(new NatGateway($"{name}-nat-{suffix}", new NatGatewayArgs
            {
                AllocationId = address.Id,
                SubnetId = publicSubnets[i].Id,
                ConnectivityType = "public",
                Tags = AwsTags.Named(tags, $"{args.ClusterName}-nat-{suffix}"),
            }, new CustomResourceOptions { Parent = this, DependsOn = { internetGateway } }));
        }

        for (var i = 0; i < SubnetPlan.ZoneCount; i++)
        {
            var suffix = (char)('a' + i);
            var routes = new RouteTable($"{name}-private-{suffix}", new RouteTableArgs
            {
                VpcId = vpc.Id,
                Routes = { new RouteTableRouteArgs { CidrBlock = "0.0.0.0/0", NatGatewayId = natGateways[Math.Min(i, natCount - 1)].Id } },
                Tags = AwsTags.Named(tags, $"{args.ClusterName}-private-{suffix}"),
            }, child);
            _ = new RouteTableAssociation($"{name}-private-{suffix}", new RouteTableAssociationArgs
            {
                SubnetId = privateSubnets[i].Id,
                RouteTableId = routes.Id,
            }, child);
        }

        var flowLogGroup = new LogGroup($"{name}-flow-logs", new LogGroupArgs
        {
            Name = $"/aws/vpc/flow-logs/{args.ClusterName}",
            RetentionInDays = args.FlowLogRetentionDays,
            Tags = AwsTags.Of(tags),
        }, child);
        var flowLogRole = new Role($"{name}-flow-logs", new RoleArgs
        {
            AssumeRolePolicy = IamPolicies.AssumeRoleByService("vpc-flow-logs.amazonaws.com"),
            Description = $"Delivers the VPC flow logs of {args.ClusterName} to CloudWatch Logs.",
            Tags = AwsTags.Of(tags),
        }, child);
        _ = new RolePolicy($"{name}-flow-logs", new RolePolicyArgs
        {
            Role = flowLogRole.Id,
            Policy = flowLogGroup.Arn.Apply(IamPolicies.FlowLogsDelivery),
        }, child);
        FlowLog = new FlowLog($"{name}-flow-logs", new FlowLogArgs
        {
            VpcId = vpc.Id,
            TrafficType = "ALL",
            LogDestinationType = "cloud-watch-logs",
            LogDestination = flowLogGroup.Arn,
            IamRoleArn = flowLogRole.Arn,
            MaxAggregationInterval = 60,
            Tags = AwsTags.Named(tags, $"{args.ClusterName}-flow-logs"),
        }, child);

        PrivateSubnetIds = Output.All(privateSubnets.Select(s => s.Id)).Apply(ids => ids.ToImmutableArray());
        PublicSubnetIds = Output.All(publicSubnets.Select(s => s.Id)).Apply(ids => ids.ToImmutableArray());
        NatGatewayCount = natCount;

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["vpcId"] = VpcId,
            ["privateSubnetIds"] = PrivateSubnetIds,
            ["publicSubnetIds"] = PublicSubnetIds,
            ["availabilityZones"] = AvailabilityZones,
        });
    }

    /// <summary>The VPC.</summary>
    public Output<string> VpcId { get; }

    /// <summary>The three availability zones used.</summary>
    public Output<ImmutableArray<string>> AvailabilityZones { get; }

    /// <summary>The private subnets, one per zone (nodes, pods, the control plane's interfaces, data stores).</summary>
    public Output<ImmutableArray<string>> PrivateSubnetIds { get; }

    /// <summary>The public subnets, one per zone (NAT, internet-facing load balancers).</summary>
    public Output<ImmutableArray<string>> PublicSubnetIds { get; }

    /// <summary>How many NAT gateways there are.</summary>
    public int NatGatewayCount { get; }

    /// <summary>The VPC flow log.</summary>
    public FlowLog FlowLog { get; }
}
