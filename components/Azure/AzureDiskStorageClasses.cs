using System.Collections.Immutable;
using MlPlatform.Components.Kubernetes;
using Pulumi;

namespace MlPlatform.Components.Azure;

/// <summary>
/// The Azure Disk CSI driver's StorageClasses of the platform. Managed disks are always encrypted at rest (server-side
/// encryption with platform-managed keys).
/// </summary>
public static class AzureDiskStorageClasses
{
    /// <summary>The Azure Disk CSI driver (built into AKS).</summary>
    public const string Provisioner = "disk.csi.azure.com";

    /// <summary>
    /// The default class: Premium SSD, zone-redundant (ZRS), so that a pod rescheduled to another zone still attaches
    /// its disk (the platform's AKS pools span zones 1-3, so the region has zones).
    /// </summary>
    public static StorageClassSpec Default() => new()
    {
        Provisioner = Provisioner,
        Parameters = ImmutableDictionary<string, Input<string>>.Empty
            .Add("skuName", "Premium_ZRS")
            .Add("cachingMode", "ReadOnly"),
    };

    /// <summary>
    /// The fast class for model-serving caches: Premium SSD v2 with provisioned IOPS and throughput (v2 disks take no
    /// host caching).
    /// </summary>
    public static StorageClassSpec Fast() => new()
    {
        Provisioner = Provisioner,
        Parameters = ImmutableDictionary<string, Input<string>>.Empty
            .Add("skuName", "PremiumV2_LRS")
            .Add("cachingMode", "None")
            .Add("DiskIOPSReadWrite", "16000")
            .Add("DiskMBpsReadWrite", "600"),
    };
}
