using System.Globalization;
using System.Text.RegularExpressions;

namespace MlPlatform.Policies;

/// <summary>
/// Syntax of IPv4 address ranges and DNS host names as the platform writes them into network policies, VPCs,
/// cluster endpoints and gateway listeners. Stricter than <see cref="System.Net.IPAddress.TryParse(string?, out System.Net.IPAddress?)"/>,
/// which accepts octal and hexadecimal parts and surrounding white space that the cloud APIs refuse.
/// </summary>
public static partial class NetworkSyntax
{
    /// <summary>
    /// True for an IPv4 block in canonical form: four decimal octets without leading zeros, a prefix length from 0
    /// to 32, and no bits set after the prefix (<c>10.0.0.0/16</c>, not <c>10.0.0.1/16</c>).
    /// </summary>
    public static bool IsIpv4Cidr(string? value) => Ipv4Cidr(value) is { HostBitsSet: false };

    /// <summary>
    /// Parses an IPv4 block; null when the text is not one. <see cref="Ipv4Block.HostBitsSet"/> tells a block such
    /// as <c>10.0.0.1/16</c>, whose network address would be <see cref="Ipv4Block.Network"/>.
    /// </summary>
    public static Ipv4Block? Ipv4Cidr(string? value)
    {
        if (value is null || Ipv4CidrPattern().Match(value) is not { Success: true } match)
        {
            return null;
        }

        uint address = 0;
        for (var i = 1; i <= 4; i++)
        {
            address = (address << 8) | uint.Parse(match.Groups[i].Value, CultureInfo.InvariantCulture);
        }

        var prefix = int.Parse(match.Groups[5].Value, CultureInfo.InvariantCulture);
        var mask = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);
        return new Ipv4Block(address, prefix, (address & ~mask) != 0, $"{Dotted(address & mask)}/{prefix}");
    }

    /// <summary>
    /// True for a DNS host name as Kubernetes and the Gateway API accept it: at least two dot-separated DNS-1123
    /// labels, lower case, at most 253 characters; with <paramref name="allowWildcard"/> optionally a leading <c>*.</c>.
    /// </summary>
    public static bool IsHostname(string? value, bool allowWildcard)
    {
        if (value is null)
        {
            return false;
        }

        var name = allowWildcard && value.StartsWith("*.", StringComparison.Ordinal) ? value[2..] : value;
        var labels = name.Split('.');
        return KubernetesNames.IsDns1123Subdomain(name) && labels.Length >= 2 && labels.All(KubernetesNames.IsDns1123Label);
    }

    private static string Dotted(uint address) =>
        string.Join('.', new[] { 24, 16, 8, 0 }.Select(shift => ((address >> shift) & 0xFF).ToString(CultureInfo.InvariantCulture)));

    private const string Octet = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";

    [GeneratedRegex(@"\A" + Octet + @"\." + Octet + @"\." + Octet + @"\." + Octet + @"/(3[0-2]|[12]?[0-9])\z")]
    private static partial Regex Ipv4CidrPattern();
}

/// <summary>A parsed IPv4 block.</summary>
/// <param name="Address">The address as written, as a 32-bit number.</param>
/// <param name="PrefixLength">The prefix length.</param>
/// <param name="HostBitsSet">True when bits after the prefix are set (the address is not the block's network address).</param>
/// <param name="Network">The block's canonical form, e.g. <c>10.0.0.0/16</c> for <c>10.0.0.1/16</c>.</param>
public sealed record Ipv4Block(uint Address, int PrefixLength, bool HostBitsSet, string Network);
