using System.Collections.Immutable;
using Pulumi;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Components.Addons;

/// <summary>Inputs of <see cref="GpuOperator"/>.</summary>
public sealed class GpuOperatorArgs
{
    /// <summary>The privileged gpu-operator namespace (from the tenancy layer).</summary>
    public required Input<string> Namespace { get; init; }

    /// <summary>
    /// True when the GPU node image already ships the NVIDIA driver and container toolkit (EKS GPU AMIs, GKE COS with
    /// driver installation, AKS GPU images): the operator must then not install its own.
    /// </summary>
    public bool NodeImageHasDriver { get; init; }

    /// <summary>
    /// Tolerations of the GPU nodes' other taints (the pools' own, and the spot taint a cloud adds), so that the
    /// driver, device plugin and DCGM exporter run on every GPU node; the <c>nvidia.com/gpu</c> one is always there.
    /// </summary>
    public ImmutableArray<PodToleration> NodeTolerations { get; init; } = [];
}

/// <summary>
/// The NVIDIA GPU operator: device plugin, GPU feature discovery, the DCGM exporter (scraped by the platform's own
/// ServiceMonitor), and, where the node image lacks them, the driver and container toolkit. Its daemonsets
/// tolerate the <c>nvidia.com/gpu</c> taint every GPU pool carries.
/// </summary>
public sealed class GpuOperator : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:addons:GpuOperator";

    /// <summary>The Helm release name.</summary>
    public const string ReleaseName = "gpu-operator";

    /// <summary>The taint key of GPU nodes.</summary>
    public const string GpuTaintKey = "nvidia.com/gpu";

    /// <summary>Creates the release.</summary>
    public GpuOperator(string name, GpuOperatorArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        Release = HelmReleases.Create(ReleaseName, VersionCatalog.GpuOperator, args.Namespace, Values(args), AddonResources.Child(this, options));
        RegisterOutputs(new Dictionary<string, object?> { ["releaseName"] = Release.Name });
    }

    /// <summary>The Helm release.</summary>
    public K8s.Helm.V3.Release Release { get; }

    /// <summary>The chart values.</summary>
    public static Dictionary<string, object> Values(GpuOperatorArgs args) => new()
    {
        ["driver"] = new Dictionary<string, object> { ["enabled"] = !args.NodeImageHasDriver },
        ["toolkit"] = new Dictionary<string, object> { ["enabled"] = !args.NodeImageHasDriver },
        ["dcgmExporter"] = new Dictionary<string, object>
        {
            ["enabled"] = true,

            // The platform scrapes the exporter with its own ServiceMonitor (PlatformScrapeTargets.DcgmExporter),
            // created with the monitoring stack so it exists only when Prometheus does; a second one here would
            // scrape every GPU twice.
            ["serviceMonitor"] = new Dictionary<string, object> { ["enabled"] = false },
        },
        ["daemonsets"] = new Dictionary<string, object>
        {
            ["tolerations"] = PodToleration.List([new PodToleration(GpuTaintKey, "NoSchedule"), .. args.NodeTolerations]),
        },
    };
}
