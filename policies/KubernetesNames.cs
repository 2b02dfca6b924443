using System.Text.RegularExpressions;

namespace MlPlatform.Policies;

/// <summary>Syntax rules of Kubernetes names and quantities, shared by config validation and plan checks.</summary>
public static partial class KubernetesNames
{
    /// <summary>True for an RFC 1123 label: lower-case alphanumerics and '-', starting and ending alphanumeric, at most 63 characters.</summary>
    public static bool IsDns1123Label(string? value) =>
        value is { Length: > 0 and <= 63 } && Dns1123Label().IsMatch(value);

    /// <summary>True for an RFC 1123 subdomain (most object names): dot-separated labels, at most 253 characters.</summary>
    public static bool IsDns1123Subdomain(string? value) =>
        value is { Length: > 0 and <= 253 } && DnsSubdomain().IsMatch(value);

    /// <summary>True for a non-negative Kubernetes resource quantity such as <c>100</c>, <c>500m</c>, <c>64Gi</c> or <c>1e3</c>.</summary>
    public static bool IsNonNegativeQuantity(string? value) =>
        value is { Length: > 0 } && Quantity().IsMatch(value);

    /// <summary>True for a label key: an optional DNS subdomain prefix and '/', then a name of at most 63 characters.</summary>
    public static bool IsLabelKey(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        var slash = value.LastIndexOf('/');
        var name = slash < 0 ? value : value[(slash + 1)..];
        var prefix = slash < 0 ? null : value[..slash];
        return name.Length is > 0 and <= 63 && LabelName().IsMatch(name)
            && (prefix is null || (prefix.Length <= 253 && DnsSubdomain().IsMatch(prefix)));
    }

    /// <summary>True for a label value: empty, or at most 63 alphanumerics, '-', '_' and '.', starting and ending alphanumeric.</summary>
    public static bool IsLabelValue(string? value) =>
        value is not null && (value.Length == 0 || (value.Length <= 63 && LabelName().IsMatch(value)));

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();

    [GeneratedRegex("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")]
    private static partial Regex LabelName();

    [GeneratedRegex(@"^\+?([0-9]+(\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$")]
    private static partial Regex Quantity();
}
