using System.Globalization;
using MlPlatform.Policies;

namespace MlPlatform.Stacks.Configuration;

/// <summary>Kubernetes quantities as numbers, to compare a request with its limit.</summary>
public static class Quantities
{
    private static readonly (string Suffix, decimal Factor)[] Suffixes =
    [
        ("Ki", 1024m), ("Mi", 1024m * 1024), ("Gi", 1024m * 1024 * 1024), ("Ti", 1024m * 1024 * 1024 * 1024),
        ("Pi", 1024m * 1024 * 1024 * 1024 * 1024), ("Ei", 1024m * 1024 * 1024 * 1024 * 1024 * 1024),
        ("m", 0.001m), ("k", 1e3m), ("M", 1e6m), ("G", 1e9m), ("T", 1e12m), ("P", 1e15m), ("E", 1e18m),
    ];

    /// <summary>The value of a quantity (<c>500m</c> = 0.5, <c>4Gi</c> = 4 x 2^30), or null when it is not one.</summary>
    public static decimal? Value(string quantity)
    {
        if (!KubernetesNames.IsNonNegativeQuantity(quantity))
        {
            return null;
        }

        foreach (var (suffix, factor) in Suffixes)
        {
            if (quantity.EndsWith(suffix, StringComparison.Ordinal)
                && decimal.TryParse(quantity[..^suffix.Length], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return number * factor;
            }
        }

        return decimal.TryParse(quantity, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var plain) ? plain : null;
    }

    /// <summary>Compares two quantities; 0 when either is not a quantity.</summary>
    public static int Compare(string a, string b) => Value(a) is { } x && Value(b) is { } y ? x.CompareTo(y) : 0;
}
