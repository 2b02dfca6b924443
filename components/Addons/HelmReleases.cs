using Pulumi;
using Pulumi.Kubernetes.Types.Inputs.Helm.V3;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Components.Addons;

/// <summary>Creates Helm releases of catalog charts with the platform's install settings.</summary>
public static class HelmReleases
{
    /// <summary>How long one release may take to become ready, in seconds.</summary>
    public const int TimeoutSeconds = 900;

    /// <summary>
    /// A <c>kubernetes:helm.sh/v3:Release</c> of a pinned chart: a stable release name, atomic install and upgrade
    /// (a failed upgrade rolls back), bounded history, and the namespace created by the tenancy layer (never by Helm).
    /// </summary>
    /// <param name="name">Logical name and Helm release name.</param>
    /// <param name="chart">The pinned chart.</param>
    /// <param name="namespace">The namespace, from the tenancy layer.</param>
    /// <param name="values">The chart values.</param>
    /// <param name="options">Parent, provider and dependencies.</param>
    /// <param name="skipCrds">Leave the chart's own CRDs out, for charts whose CRDs a separate CRD chart owns.</param>
    public static K8s.Helm.V3.Release Create(
        string name, ChartReference chart, Input<string> @namespace, InputMap<object> values, CustomResourceOptions options, bool skipCrds = false) =>
        new(name, new ReleaseArgs
        {
            Name = name,
            Chart = chart.ReleaseChart,
            Version = chart.Version,
            RepositoryOpts = chart.Repository is { } repository ? new RepositoryOptsArgs { Repo = repository } : null!,
            Namespace = @namespace,
            CreateNamespace = false,
            Atomic = true,
            CleanupOnFail = true,
            MaxHistory = 10,
            Timeout = TimeoutSeconds,
            Values = values,
            SkipCrds = skipCrds,
        }, options);
}
