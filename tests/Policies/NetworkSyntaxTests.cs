using MlPlatform.Policies;
using Xunit;

namespace MlPlatform.Tests.Policies;

public class NetworkSyntaxTests
{
    [Theory]
    [InlineData("10.0.0.0/16", true)]
    [InlineData("0.0.0.0/0", true)]
    [InlineData("255.255.255.255/32", true)]
    [InlineData("203.0.113.0/24", true)]
    [InlineData("10.0.0.0/16\n", false)]
    [InlineData("10.0.0.0/16 ", false)]
    [InlineData(" 10.0.0.0/16", false)]
    [InlineData("10.0.0.0/\t16", false)]
    [InlineData("10.0.0.0/ 16", false)]
    [InlineData("10.0.0.0/+16", false)]
    [InlineData("10.0.0.0/016", false)]
    [InlineData("010.0.0.0/16", false)]
    [InlineData("0x0a.0.0.0/16", false)]
    [InlineData("10.0.0.0/33", false)]
    [InlineData("256.0.0.0/8", false)]
    [InlineData("10.0.0/16", false)]
    [InlineData("10.0.0.0", false)]
    [InlineData("fd00::/8", false)]
    [InlineData("１0.0.0.0/16", false)]
    [InlineData("10.0.0.1/16", false)]
    [InlineData("", false)]
    public void Ipv4_blocks_are_canonical(string value, bool valid) => Assert.Equal(valid, NetworkSyntax.IsIpv4Cidr(value));

    [Fact]
    public void A_block_with_host_bits_names_its_network()
    {
        var block = NetworkSyntax.Ipv4Cidr("10.1.2.3/16");

        Assert.NotNull(block);
        Assert.True(block.HostBitsSet);
        Assert.Equal("10.1.0.0/16", block.Network);
        Assert.False(NetworkSyntax.Ipv4Cidr("0.0.0.0/0")!.HostBitsSet);
    }

    [Theory]
    [InlineData("grafana.example.com", false, true)]
    [InlineData("*.example.com", true, true)]
    [InlineData("*.example.com", false, false)]
    [InlineData("example", false, false)]
    [InlineData("grafana.example.com\n", false, false)]
    [InlineData("grafana.example.com ", false, false)]
    [InlineData("grafana.exämple.com", false, false)]
    [InlineData("Grafana.example.com", false, false)]
    [InlineData("grafana..example.com", false, false)]
    [InlineData("*.*.example.com", true, false)]
    public void Host_names(string value, bool wildcard, bool valid) => Assert.Equal(valid, NetworkSyntax.IsHostname(value, wildcard));

    [Fact]
    public void Host_names_are_at_most_253_characters()
    {
        var label = new string('a', 63);
        var name253 = $"{label}.{label}.{label}.{new string('b', 61)}";

        Assert.Equal(253, name253.Length);
        Assert.True(NetworkSyntax.IsHostname(name253, allowWildcard: false));
        Assert.False(NetworkSyntax.IsHostname(name253 + "b", allowWildcard: false));
        Assert.False(NetworkSyntax.IsHostname($"{label}a.example.com", allowWildcard: false));
    }
}
