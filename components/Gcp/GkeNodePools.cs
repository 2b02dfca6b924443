using System.Collections.Immutable;
using Pulumi;
using Pulumi.Gcp.Container;
using Pulumi.Gcp.Container.Inputs;

namespace MlPlatform.Components.Gcp;

/// <summary>The GPUs of a GKE node pool's machines.</summary>
/// <param name="Type">The GKE accelerator type, e.g. <c>nvidia-l4</c>.</param>
/// <param name="Count">GPUs per node: the count the machine type comes with.</param>
/// <param name="DriverVersion">
/// GKE's driver installation: <c>LATEST</c> or <c>DEFAULT</c> (GKE installs the driver and runs its device plugin), or
/// <c>INSTALLATION_DISABLED</c> when something else installs the driver.
/// </param>
public sealed record GkeAccelerator(string Type, int Count, string DriverVersion = "LATEST");

/// <summary>A node taint in GKE's form.</summary>
/// <param name="Key">Key.</param>
/// <param name="Value">Value (GKE requires one; empty for none).</param>
/// <param name="Effect"><c>NO_SCHEDULE</c>, <c>PREFER_NO_SCHEDULE</c> or <c>NO_EXECUTE</c>.</param>
public sealed record GkeTaint(string Key, string Value, string Effect);

/// <summary>One GKE node pool of one machine type.</summary>
public sealed record GkeNodePoolSpec
{
    /// <summary>The node pool's name in GKE (at most 40 characters).</summary>
    public required string Name { get; init; }

    /// <summary>The machine type.</summary>
    public required string MachineType { get; init; }

    /// <summary>Fewest nodes over all zones; 0 lets the pool scale to zero.</summary>
    public required int Min { get; init; }

    /// <summary>Most nodes over all zones.</summary>
    public required int Max { get; init; }

    /// <summary>Nodes per zone when the pool is created.</summary>
    public int InitialNodeCountPerZone { get; init; }

    /// <summary>Spot VMs.</summary>
    public bool Spot { get; init; }

    /// <summary>The pool's GPUs; null for CPU machines.</summary>
    public GkeAccelerator? Accelerator { get; init; }

    /// <summary>Boot disk size in GB (GPU images and model caches need more).</summary>
    public int DiskSizeGb { get; init; } = 100;

    /// <summary>Node labels.</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Node taints, without the <c>nvidia.com/gpu</c> taint GKE adds to GPU nodes itself.</summary>
    public ImmutableArray<GkeTaint> Taints { get; init; } = [];

    /// <summary>The zones of the pool; empty for the cluster's.</summary>
    public ImmutableArray<string> NodeLocations { get; init; } = [];

    /// <summary>
    /// Where the autoscaler adds nodes: <c>BALANCED</c> spreads them over the zones, <c>ANY</c> takes whichever zone
    /// has capacity (Spot and GPUs).
    /// </summary>
    public string LocationPolicy { get; init; } = "BALANCED";
}

/// <summary>Inputs of <see cref="GkeNodePools"/>.</summary>
public sealed class GkeNodePoolsArgs
{
    /// <summary>The cluster's ID.</summary>
    public required Input<string> ClusterId { get; init; }

    /// <summary>The project.</summary>
    public required string ProjectId { get; init; }

    /// <summary>The cluster's location.</summary>
    public required string Location { get; init; }

    /// <summary>The nodes' service account.</summary>
    public required Input<string> ServiceAccountEmail { get; init; }

    /// <summary>The Cloud KMS key of the boot disks.</summary>
    public required Input<string> BootDiskKeyId { get; init; }

    /// <summary>The pools.</summary>
    public required ImmutableArray<GkeNodePoolSpec> Pools { get; init; }
}

/// <summary>
/// The cluster's explicit node pools: COS nodes with the cluster's node service account, shielded with secure boot
/// and integrity monitoring, encrypted boot disks, the GKE metadata server (workload identity, no node credentials
/// for pods), legacy metadata endpoints off, autoscaling over the whole pool, auto-repair and auto-upgrade.
/// GPU pools get their accelerators with GKE's driver installation; GKE taints their nodes
/// <c>nvidia.com/gpu=present:NoSchedule</c> itself.
/// </summary>
public sealed class GkeNodePools : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:gcp:NodePools";

    /// <summary>Creates the node pools.</summary>
    public GkeNodePools(string name, GkeNodePoolsArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var pools = ImmutableDictionary.CreateBuilder<string, NodePool>();
        foreach (var spec in args.Pools)
        {
            var nodeConfig = new NodePoolNodeConfigArgs
            {
                MachineType = spec.MachineType,
                Spot = spec.Spot,
                ImageType = GkeCluster.NodeImage,
                DiskType = "pd-balanced",
                DiskSizeGb = spec.DiskSizeGb,
                BootDiskKmsKey = args.BootDiskKeyId,
                ServiceAccount = args.ServiceAccountEmail,
                OauthScopes = { GkeCluster.CloudPlatformScope },
                ShieldedInstanceConfig = new NodePoolNodeConfigShieldedInstanceConfigArgs { EnableSecureBoot = true, EnableIntegrityMonitoring = true },
                WorkloadMetadataConfig = new NodePoolNodeConfigWorkloadMetadataConfigArgs { Mode = "GKE_METADATA" },
                Metadata = { ["disable-legacy-endpoints"] = "true" },
                Labels = spec.Labels.ToDictionary(l => l.Key, l => l.Value),
                Taints = [.. spec.Taints.Select(t => new NodePoolNodeConfigTaintArgs { Key = t.Key, Value = t.Value, Effect = t.Effect })],
            };
            if (spec.Accelerator is { } gpu)
            {
                nodeConfig.GuestAccelerators.Add(new NodePoolNodeConfigGuestAcceleratorArgs
                {
                    Type = gpu.Type,
                    Count = gpu.Count,
                    GpuDriverInstallationConfig = new NodePoolNodeConfigGuestAcceleratorGpuDriverInstallationConfigArgs { GpuDriverVersion = gpu.DriverVersion },
                });
            }

            var poolArgs = new NodePoolArgs
            {
                Name = spec.Name,
                Cluster = args.ClusterId,
                Project = args.ProjectId,
                Location = args.Location,
                InitialNodeCount = spec.InitialNodeCountPerZone,
                Autoscaling = new NodePoolAutoscalingArgs
                {
                    TotalMinNodeCount = spec.Min,
                    TotalMaxNodeCount = spec.Max,
                    LocationPolicy = spec.LocationPolicy,
                },
                Management = new NodePoolManagementArgs { AutoRepair = true, AutoUpgrade = true },
                // Scarce machines (GPUs) replace a node at a time instead of asking for a surge node that may not exist.
                UpgradeSettings = new NodePoolUpgradeSettingsArgs
                {
                    Strategy = "SURGE",
                    MaxSurge = spec.Accelerator is null ? 1 : 0,
                    MaxUnavailable = spec.Accelerator is null ? 0 : 1,
                },
                NodeConfig = nodeConfig,
            };
            if (!spec.NodeLocations.IsDefaultOrEmpty)
            {
                poolArgs.NodeLocations = [.. spec.NodeLocations];
            }

            // The autoscaler owns the node count; the initial count only matters at creation.
            pools[spec.Name] = new NodePool($"{name}-{spec.Name}", poolArgs, new CustomResourceOptions
            {
                Parent = this,
                IgnoreChanges = ["initialNodeCount"],
            });
        }

        Pools = pools.ToImmutable();
        RegisterOutputs(new Dictionary<string, object?> { ["nodePools"] = Pools.Keys.Order(StringComparer.Ordinal).ToArray() });
    }

    /// <summary>The node pools, by name.</summary>
    public ImmutableDictionary<string, NodePool> Pools { get; }
}
