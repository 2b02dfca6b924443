using System.Collections.Immutable;
using MlPlatform.Components.Kubernetes;
using Pulumi;

namespace MlPlatform.Components.Gcp;

/// <summary>
/// The Compute Engine persistent disk CSI driver's StorageClasses of the platform. Persistent disks are always
/// encrypted at rest (Google-managed keys).
/// </summary>
public static class PdStorageClasses
{
    /// <summary>The GKE persistent disk CSI driver (on by default on GKE).</summary>
    public const string Provisioner = "pd.csi.storage.gke.io";

    /// <summary>The default class: balanced persistent disk, regional (replicated across two zones) on a regional cluster.</summary>
    public static StorageClassSpec Default(bool regional) => Disk("pd-balanced", regional);

    /// <summary>The fast class for model-serving caches: SSD persistent disk, zonal (caches are rebuilt, not kept).</summary>
    public static StorageClassSpec Fast() => Disk("pd-ssd", regional: false);

    private static StorageClassSpec Disk(string type, bool regional)
    {
        var parameters = ImmutableDictionary<string, Input<string>>.Empty
            .Add("type", type)
            .Add("csi.storage.k8s.io/fstype", "ext4");
        return new StorageClassSpec
        {
            Provisioner = Provisioner,
            Parameters = regional ? parameters.Add("replication-type", "regional-pd") : parameters.Add("replication-type", "none"),
        };
    }
}
