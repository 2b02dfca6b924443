using System.Collections.Immutable;
using Pulumi;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Components.Addons;

/// <summary>Inputs of <see cref="CloudNativePg"/>.</summary>
public sealed class CloudNativePgArgs
{
    /// <summary>The operator's namespace.</summary>
    public required string Namespace { get; init; }

    /// <summary>The PriorityClass of the operator.</summary>
    public string PriorityClassName { get; init; } = "system-critical";

    /// <summary>Create the operator's PodMonitor (the Prometheus operator is installed).</summary>
    public bool PodMonitor { get; init; }
}

/// <summary>
/// The CloudNativePG operator (chart pinned in <see cref="VersionCatalog"/>), with its CRDs: it runs the PostgreSQL
/// clusters of the data services. One replica with leader election, the supported setup.
/// </summary>
public sealed class CloudNativePg : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:addons:CloudNativePg";

    /// <summary>The release name.</summary>
    public const string ReleaseName = "cloudnative-pg";

    /// <summary>Installs the operator.</summary>
    public CloudNativePg(string name, CloudNativePgArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        Release = HelmReleases.Create(ReleaseName, VersionCatalog.CloudNativePg, args.Namespace, Values(args).ToImmutableDictionary(), AddonResources.Child(this, options));
        RegisterOutputs(new Dictionary<string, object?> { ["releaseName"] = Release.Name, ["version"] = VersionCatalog.CloudNativePg.Version });
    }

    /// <summary>The Helm release.</summary>
    public K8s.Helm.V3.Release Release { get; }

    /// <summary>The chart values.</summary>
    public static Dictionary<string, object> Values(CloudNativePgArgs args) => new()
    {
        ["replicaCount"] = 1,
        ["priorityClassName"] = args.PriorityClassName,
        ["crds"] = new Dictionary<string, object> { ["create"] = true },
        ["resources"] = new Dictionary<string, object>
        {
            ["requests"] = new Dictionary<string, object> { ["cpu"] = "100m", ["memory"] = "256Mi" },
            ["limits"] = new Dictionary<string, object> { ["cpu"] = "1", ["memory"] = "512Mi" },
        },
        ["monitoring"] = new Dictionary<string, object> { ["podMonitorEnabled"] = args.PodMonitor },
    };
}
