using System.Collections.Immutable;
using System.Globalization;
using System.Net;

namespace MlPlatform.Components.Aws;

/// <summary>
/// How the VPC range is carved up: eight equal blocks (three more prefix bits); blocks 0-2 are the private subnets
/// (nodes and pods: the VPC CNI gives every pod a VPC address, so they get most of the space), blocks 4-6 the public
/// subnets (NAT gateways and internet-facing load balancers). Blocks 3 and 7 stay free for later use.
/// </summary>
public static class SubnetPlan
{
    /// <summary>The number of availability zones the platform spreads over.</summary>
    public const int ZoneCount = 3;

    /// <summary>The private subnet ranges, one per zone.</summary>
    public static ImmutableArray<string> Private(string vpcCidr) => [.. Enumerable.Range(0, ZoneCount).Select(i => Block(vpcCidr, 3, i))];

    /// <summary>The public subnet ranges, one per zone.</summary>
    public static ImmutableArray<string> Public(string vpcCidr) => [.. Enumerable.Range(0, ZoneCount).Select(i => Block(vpcCidr, 3, 4 + i))];

    /// <summary>The <paramref name="index"/>-th block of <paramref name="cidr"/> with <paramref name="newBits"/> more prefix bits.</summary>
    /// <exception cref="ArgumentException">When the range is not IPv4 CIDR or the block does not fit.</exception>
    public static string Block(string cidr, int newBits, int index)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !IPAddress.TryParse(cidr[..slash], out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"'{cidr}' is not an IPv4 CIDR.", nameof(cidr));
        }

        var prefix = int.Parse(cidr[(slash + 1)..], CultureInfo.InvariantCulture);
        var newPrefix = prefix + newBits;
        if (newPrefix > 28 || index < 0 || index >= 1 << newBits)
        {
            throw new ArgumentException($"Block {index} of /{newPrefix} does not fit in {cidr}.", nameof(index));
        }

        var bytes = address.GetAddressBytes();
        var value = ((uint)bytes[0] << 24) | ((uint)bytes[1] << 16) | ((uint)bytes[2] << 8) | bytes[3];
        var network = prefix == 0 ? 0u : value & (uint.MaxValue << (32 - prefix));
        var block = network + ((uint)index << (32 - newPrefix));
        return $"{block >> 24}.{(block >> 16) & 255}.{(block >> 8) & 255}.{block & 255}/{newPrefix}";
    }
}
