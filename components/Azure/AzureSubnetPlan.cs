using System.Globalization;
using System.Net;

namespace MlPlatform.Components.Azure;

/// <summary>
/// How the VNet's address space (a /16 to /22) is split: the first half for the nodes (with CNI Overlay pods take no
/// VNet addresses, so nodes get room to grow), then a /24 delegated to PostgreSQL flexible servers and a /24 for
/// private endpoints (Key Vault, blob storage).
/// </summary>
public static class AzureSubnetPlan
{
    /// <summary>The node subnet: the first half of the VNet.</summary>
    public static string Nodes(string vnetCidr)
    {
        var (address, bits) = Parse(vnetCidr);
        return Format(address, bits + 1);
    }

    /// <summary>The subnet delegated to <c>Microsoft.DBforPostgreSQL/flexibleServers</c>: the first /24 of the second half.</summary>
    public static string Postgres(string vnetCidr)
    {
        var (address, bits) = Parse(vnetCidr);
        return Format(address + (1u << (32 - bits - 1)), 24);
    }

    /// <summary>The private endpoint subnet: the /24 after the PostgreSQL one.</summary>
    public static string Endpoints(string vnetCidr)
    {
        var (address, bits) = Parse(vnetCidr);
        return Format(address + (1u << (32 - bits - 1)) + 256, 24);
    }

    private static (uint Address, int Bits) Parse(string cidr)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        var bits = int.Parse(cidr[(slash + 1)..], CultureInfo.InvariantCulture);
        if (bits is < 16 or > 22)
        {
            throw new ArgumentException($"The VNet range must be a /16 to /22, not {cidr}.", nameof(cidr));
        }

        var bytes = IPAddress.Parse(cidr[..slash]).GetAddressBytes();
        var address = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
        return (address & (uint.MaxValue << (32 - bits)), bits);
    }

    private static string Format(uint address, int bits) =>
        string.Create(CultureInfo.InvariantCulture, $"{address >> 24}.{(address >> 16) & 255}.{(address >> 8) & 255}.{address & 255}/{bits}");
}
