namespace MlPlatform.Components.Addons;

/// <summary>A pinned Helm chart: its name, exact version and where it is published.</summary>
/// <param name="Name">The chart's name.</param>
/// <param name="Version">The exact chart version.</param>
/// <param name="Source">An HTTPS chart repository, or the full <c>oci://</c> reference of the chart.</param>
public sealed record ChartReference(string Name, string Version, string Source)
{
    /// <summary>True when the chart is pulled from an OCI registry rather than a chart repository.</summary>
    public bool IsOci => Source.StartsWith("oci://", StringComparison.Ordinal);

    /// <summary>The value of the Release's <c>chart</c> input: the OCI reference, or the name within the repository.</summary>
    public string ReleaseChart => IsOci ? Source : Name;

    /// <summary>The chart repository, or null for OCI charts.</summary>
    public string? Repository => IsOci ? null : Source;
}
