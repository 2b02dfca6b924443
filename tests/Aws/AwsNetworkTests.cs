using System.Collections.Immutable;
using MlPlatform.Components.Aws;
using MlPlatform.Infra.Plan;
using MlPlatform.Tests.Support;
using Moq;
using Pulumi.Testing;
using Xunit;

namespace MlPlatform.Tests.Aws;

public class AwsNetworkTests
{
    private static AwsNetworkArgs Args(bool perZone) => new() { ClusterName = "ml", Cidr = "10.40.0.0/16", NatGatewayPerZone = perZone, FlowLogRetentionDays = 14 };

    [Fact]
    public async Task Zones_come_from_the_availability_zones_invoke()
    {
        var mocks = new Mock<PlanMocks>("eu-west-1", FakeCloud.AccountId) { CallBase = true };
        await ComponentTest.RunAsync(() => _ = new AwsNetwork("network", Args(false)), mocks.Object);

        mocks.Verify(m => m.CallAsync(It.Is<MockCallArgs>(c => c.Token == "aws:index/getAvailabilityZones:getAvailabilityZones")), Times.Once());
        var zones = mocks.Object.OfType("aws:ec2/subnet:Subnet").Select(s => s.Json()["availabilityZone"]!.GetValue<string>()).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(new[] { "eu-west-1a", "eu-west-1b", "eu-west-1c" }, zones);
    }

    [Fact]
    public async Task Zones_are_asked_for_available_availability_zones_only_never_local_zones()
    {
        var mocks = new Mock<PlanMocks>("eu-west-1", FakeCloud.AccountId) { CallBase = true };
        await ComponentTest.RunAsync(() => _ = new AwsNetwork("network", Args(false)), mocks.Object);

        var call = (MockCallArgs)mocks.Invocations.Single(i => i.Method.Name == nameof(PlanMocks.CallAsync)).Arguments[0];
        Assert.Equal("available", call.Args["state"]);
        var filter = Assert.IsType<ImmutableDictionary<string, object>>(Assert.Single((ImmutableArray<object>)call.Args["filters"]));
        Assert.Equal("zone-type", filter["name"]);
        Assert.Equal(new object[] { "availability-zone" }, (ImmutableArray<object>)filter["values"]);
    }

    [Fact]
    public async Task Subnets_are_tagged_for_load_balancers_and_karpenter()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new AwsNetwork("network", Args(false)));

        var subnets = mocks.OfType("aws:ec2/subnet:Subnet").Select(s => s.Json()).ToList();
        var privateSubnets = subnets.Where(s => s["tags"]![AwsTags.InternalLoadBalancer] is not null).ToList();
        var publicSubnets = subnets.Where(s => s["tags"]![AwsTags.PublicLoadBalancer] is not null).ToList();
        Assert.Equal(3, privateSubnets.Count);
        Assert.Equal(3, publicSubnets.Count);
        Assert.All(privateSubnets, s => Assert.Equal("ml", s["tags"]![AwsTags.KarpenterDiscovery]!.GetValue<string>()));
        Assert.All(publicSubnets, s => Assert.Null(s["tags"]![AwsTags.KarpenterDiscovery]));
        Assert.All(subnets, s => Assert.False(s["mapPublicIpOnLaunch"]!.GetValue<bool>()));
        Assert.Equal(new[] { "10.40.0.0/19", "10.40.32.0/19", "10.40.64.0/19" }, privateSubnets.Select(s => s["cidrBlock"]!.GetValue<string>()));
        Assert.Equal("10.40.0.0/16", Assert.Single(mocks.OfType("aws:ec2/vpc:Vpc")).Json()["cidrBlock"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 3)]
    public async Task One_nat_gateway_or_one_per_zone(bool perZone, int expected)
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new AwsNetwork("network", Args(perZone)));
        Assert.Equal(expected, mocks.OfType("aws:ec2/natGateway:NatGateway").Count);
        Assert.Equal(expected, mocks.OfType("aws:ec2/eip:Eip").Count);
        var privateRoutes = mocks.OfType("aws:ec2/routeTable:RouteTable").Select(r => r.Json()["routes"]![0]!)
            .Where(r => r["natGatewayId"] is not null).Select(r => r["natGatewayId"]!.GetValue<string>()).ToList();
        Assert.Equal(3, privateRoutes.Count);
        Assert.Equal(expected, privateRoutes.Distinct().Count());
    }

    [Fact]
    public async Task Flow_logs_go_to_a_retained_log_group_through_a_scoped_role()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new AwsNetwork("network", Args(false)));

        var group = Assert.Single(mocks.OfType("aws:cloudwatch/logGroup:LogGroup")).Json();
        Assert.Equal(14, group["retentionInDays"]!.AsInt());
        var flowLog = Assert.Single(mocks.OfType("aws:ec2/flowLog:FlowLog")).Json();
        Assert.Equal("ALL", flowLog["trafficType"]!.GetValue<string>());
        Assert.Equal("arn:aws:logs:us-east-1:123456789012:log-group:/aws/vpc/flow-logs/ml", flowLog["logDestination"]!.GetValue<string>());
        Assert.Equal("arn:aws:iam::123456789012:role/network-flow-logs", flowLog["iamRoleArn"]!.GetValue<string>());
        var trust = AwsTestSupport.ParseString(mocks.Inputs("aws:iam/role:Role", "network-flow-logs")["assumeRolePolicy"]);
        Assert.Equal("vpc-flow-logs.amazonaws.com", trust["Statement"]![0]!["Principal"]!["Service"]!.GetValue<string>());
    }
}
