using System.Collections.Immutable;
using Pulumi;

namespace MlPlatform.Components.Kubernetes;

/// <summary>
/// One StorageClass as a cloud defines it: its CSI provisioner and parameters. The name and whether it is the
/// cluster default come from the platform's storage configuration, not from the cloud.
/// </summary>
public sealed record StorageClassSpec
{
    /// <summary>The CSI driver that provisions the volumes (<c>ebs.csi.aws.com</c>, <c>disk.csi.azure.com</c>, ...).</summary>
    public required string Provisioner { get; init; }

    /// <summary>The driver's parameters (values may be outputs, e.g. a KMS key ARN).</summary>
    public ImmutableDictionary<string, Input<string>> Parameters { get; init; } = ImmutableDictionary<string, Input<string>>.Empty;

    /// <summary>The access mode the class serves: <c>ReadWriteOnce</c> for block volumes, <c>ReadWriteMany</c> for file shares.</summary>
    public string AccessMode { get; init; } = "ReadWriteOnce";

    /// <summary>
    /// <c>WaitForFirstConsumer</c> (block volumes: created in the zone of the pod's node) or <c>Immediate</c> (file
    /// shares reachable from every zone).
    /// </summary>
    public string VolumeBindingMode { get; init; } = "WaitForFirstConsumer";

    /// <summary><c>Delete</c> or <c>Retain</c>: what happens to the volume when its claim is deleted.</summary>
    public string ReclaimPolicy { get; init; } = "Delete";

    /// <summary>Volumes can be grown in place by editing the claim.</summary>
    public bool AllowVolumeExpansion { get; init; } = true;

    /// <summary>Mount options (NFS versions of file shares), or none.</summary>
    public ImmutableArray<string> MountOptions { get; init; } = [];
}

/// <summary>A StorageClass the platform creates: the cloud's spec under its configured name.</summary>
/// <param name="Name">The class name PVCs name.</param>
/// <param name="IsDefault">Marked as the cluster's default class.</param>
/// <param name="Spec">Provisioner and parameters.</param>
public sealed record PlatformStorageClass(string Name, bool IsDefault, StorageClassSpec Spec);
