using MlPlatform.Components.Gcp;
using MlPlatform.Tests.Aws;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Gcp;

public class GcpNetworkTests
{
    private static GcpNetworkArgs Args() => new()
    {
        ClusterName = "ml",
        ProjectId = "acme-ml",
        Region = "europe-west4",
        SubnetCidr = "10.10.0.0/20",
        PodsCidr = "10.16.0.0/14",
        ServicesCidr = "10.20.0.0/20",
        PrivateServicesCidr = "10.30.0.0/20",
        FlowLogs = new FlowLogSettings("INTERVAL_30_SEC", 0.25),
    };

    [Fact]
    public async Task Vpc_is_custom_mode_with_one_subnet_private_google_access_and_flow_logs()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new GcpNetwork("network", Args()));

        var vpc = mocks.Inputs("gcp:compute/network:Network", "network-vpc");
        Assert.False(vpc["autoCreateSubnetworks"]!.GetValue<bool>());
        Assert.Equal("REGIONAL", vpc["routingMode"]!.GetValue<string>());

        var subnet = Assert.Single(mocks.OfType("gcp:compute/subnetwork:Subnetwork")).Json();
        Assert.Equal("projects/acme-ml/global/networks/ml", subnet["network"]!.GetValue<string>());
        Assert.Equal(("europe-west4", "10.10.0.0/20"), (subnet["region"]!.GetValue<string>(), subnet["ipCidrRange"]!.GetValue<string>()));
        Assert.True(subnet["privateIpGoogleAccess"]!.GetValue<bool>());
        Assert.Equal(new[] { ("pods", "10.16.0.0/14"), ("services", "10.20.0.0/20") },
            subnet["secondaryIpRanges"]!.AsArray().Select(r => (r!["rangeName"]!.GetValue<string>(), r["ipCidrRange"]!.GetValue<string>())));
        var logs = subnet["logConfig"]!;
        Assert.Equal("INTERVAL_30_SEC", logs["aggregationInterval"]!.GetValue<string>());
        Assert.Equal(0.25, logs["flowSampling"]!.GetValue<double>());
        Assert.Equal("INCLUDE_ALL_METADATA", logs["metadata"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cloud_nat_serves_only_the_cluster_subnet_and_logs_errors()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new GcpNetwork("network", Args()));

        var nat = Assert.Single(mocks.OfType("gcp:compute/routerNat:RouterNat")).Json();
        Assert.Equal("ml-router", nat["router"]!.GetValue<string>());
        Assert.Equal("AUTO_ONLY", nat["natIpAllocateOption"]!.GetValue<string>());
        Assert.Equal("LIST_OF_SUBNETWORKS", nat["sourceSubnetworkIpRangesToNat"]!.GetValue<string>());
        var subnet = Assert.Single(nat["subnetworks"]!.AsArray())!;
        Assert.Equal("projects/acme-ml/regions/europe-west4/subnetworks/ml-nodes", subnet["name"]!.GetValue<string>());
        Assert.Equal("ALL_IP_RANGES", Assert.Single(subnet["sourceIpRangesToNats"]!.AsArray())!.GetValue<string>());
        Assert.True(nat["logConfig"]!["enable"]!.GetValue<bool>());
        Assert.Equal("ERRORS_ONLY", nat["logConfig"]!["filter"]!.GetValue<string>());
        Assert.True(nat["enableDynamicPortAllocation"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Private_services_access_reserves_the_configured_range_and_peers_it()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new GcpNetwork("network", Args()));

        var range = Assert.Single(mocks.OfType("gcp:compute/globalAddress:GlobalAddress")).Json();
        Assert.Equal(("VPC_PEERING", "INTERNAL"), (range["purpose"]!.GetValue<string>(), range["addressType"]!.GetValue<string>()));
        Assert.Equal(("10.30.0.0", 20), (range["address"]!.GetValue<string>(), range["prefixLength"]!.AsInt()));
        var connection = Assert.Single(mocks.OfType("gcp:servicenetworking/connection:Connection")).Json();
        Assert.Equal("servicenetworking.googleapis.com", connection["service"]!.GetValue<string>());
        Assert.Equal("ml-private-services", Assert.Single(connection["reservedPeeringRanges"]!.AsArray())!.GetValue<string>());

        // GKE creates the firewall rules its nodes and control plane need: the network opens nothing itself.
        Assert.Empty(mocks.OfType("gcp:compute/firewall:Firewall"));
    }
}
