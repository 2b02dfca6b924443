using System.Text;

namespace MlPlatform.Components.Azure;

/// <summary>
/// Names of Azure resources that must be unique across Azure (storage accounts, key vaults, registries, PostgreSQL
/// servers): the cluster's name cut to the service's rules, then a suffix unique to the subscription and stack, the
/// way ARM templates use <c>uniqueString(resourceGroup().id)</c>.
/// </summary>
public static class AzureNames
{
    /// <summary>The length of <see cref="UniqueSuffix"/>.</summary>
    public const int SuffixLength = 8;

    /// <summary>A stable lower-case hex suffix of a subscription and resource group.</summary>
    public static string UniqueSuffix(string subscriptionId, string resourceGroup)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes($"{subscriptionId}/{resourceGroup}".ToLowerInvariant()));
        return Convert.ToHexString(hash).ToLowerInvariant()[..SuffixLength];
    }

    /// <summary>A storage account name: lower-case letters and digits, 3 to 24 characters.</summary>
    public static string StorageAccount(string prefix, string suffix) => Alphanumeric(prefix, suffix, 24);

    /// <summary>A container registry name: letters and digits, 5 to 50 characters.</summary>
    public static string Registry(string prefix, string suffix) => Alphanumeric(prefix, suffix, 50);

    /// <summary>A key vault name: letters, digits and '-', 3 to 24 characters, starting with a letter.</summary>
    public static string KeyVault(string prefix, string suffix) => Hyphenated(prefix, suffix, 24);

    /// <summary>A PostgreSQL flexible server name: lower-case letters, digits and '-', 3 to 63 characters.</summary>
    public static string PostgresServer(string prefix, string suffix) => Hyphenated(prefix, suffix, 63);

    private static string Alphanumeric(string prefix, string suffix, int max)
    {
        var clean = new string([.. prefix.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit)]);
        return clean[..Math.Min(clean.Length, max - suffix.Length)] + suffix;
    }

    private static string Hyphenated(string prefix, string suffix, int max)
    {
        var clean = new string([.. prefix.ToLowerInvariant().Where(c => char.IsAsciiLetterOrDigit(c) || c == '-')]);
        var head = clean[..Math.Min(clean.Length, max - suffix.Length - 1)].TrimEnd('-');
        return $"{head}-{suffix}";
    }
}
