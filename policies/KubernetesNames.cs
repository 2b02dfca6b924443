using System.Text.RegularExpressions;

namespace MlPlatform.Policies;

/// <summary>
/// Syntax rules of Kubernetes names, label keys and values, annotation keys and quantities, exactly as the API
/// server validates them (k8s.io/apimachinery <c>validation.IsDNS1123Label</c>, <c>IsDNS1123Subdomain</c>,
/// <c>IsQualifiedName</c>, <c>IsValidLabelValue</c>, <c>resource.ParseQuantity</c>), shared by config validation and
/// the plan gate. Every pattern anchors the whole string (<c>\A...\z</c>): in .NET <c>$</c> also matches before a
/// final line feed, and <c>\w</c> or <c>\d</c> would admit non-ASCII letters and digits.
/// </summary>
public static partial class KubernetesNames
{
    /// <summary>The longest DNS-1123 label, label name or label value.</summary>
    public const int MaxLabelLength = 63;

    /// <summary>The longest DNS-1123 subdomain (most object names, label key prefixes).</summary>
    public const int MaxSubdomainLength = 253;

    /// <summary>True for an RFC 1123 label: lower-case alphanumerics and '-', starting and ending alphanumeric, at most 63 characters.</summary>
    public static bool IsDns1123Label(string? value) =>
        value is { Length: > 0 and <= MaxLabelLength } && Dns1123Label().IsMatch(value);

    /// <summary>True for an RFC 1123 subdomain (most object names): dot-separated labels, at most 253 characters.</summary>
    public static bool IsDns1123Subdomain(string? value) =>
        value is { Length: > 0 and <= MaxSubdomainLength } && DnsSubdomain().IsMatch(value);

    /// <summary>True for a non-negative Kubernetes resource quantity such as <c>100</c>, <c>500m</c>, <c>64Gi</c> or <c>1e3</c>.</summary>
    public static bool IsNonNegativeQuantity(string? value) =>
        value is { Length: > 0 } && Quantity().IsMatch(value);

    /// <summary>
    /// True for a qualified name, the syntax of label and annotation keys: an optional DNS subdomain prefix (at most
    /// 253 characters) and one '/', then a name of at most 63 alphanumerics, '-', '_' and '.', starting and ending
    /// alphanumeric.
    /// </summary>
    public static bool IsQualifiedName(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var name = slash < 0 ? value : value[(slash + 1)..];
        var prefix = slash < 0 ? null : value[..slash];
        return name.Length is > 0 and <= MaxLabelLength && LabelName().IsMatch(name)
            && (prefix is null || IsDns1123Subdomain(prefix));
    }

    /// <summary>True for a label key (a qualified name).</summary>
    public static bool IsLabelKey(string? value) => IsQualifiedName(value);

    /// <summary>True for an annotation key (a qualified name, as for labels; annotation values are free text).</summary>
    public static bool IsAnnotationKey(string? value) => IsQualifiedName(value);

    /// <summary>True for a label value: empty, or at most 63 alphanumerics, '-', '_' and '.', starting and ending alphanumeric.</summary>
    public static bool IsLabelValue(string? value) =>
        value is not null && (value.Length == 0 || (value.Length <= MaxLabelLength && LabelName().IsMatch(value)));

    [GeneratedRegex(@"\A[a-z0-9]([-a-z0-9]*[a-z0-9])?\z")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex(@"\A[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z")]
    private static partial Regex DnsSubdomain();

    [GeneratedRegex(@"\A[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?\z")]
    private static partial Regex LabelName();

    [GeneratedRegex(@"\A\+?([0-9]+(\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?\z")]
    private static partial Regex Quantity();
}
