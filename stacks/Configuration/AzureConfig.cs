using System.Collections.Immutable;
using MlPlatform.Components.Azure;

namespace MlPlatform.Stacks.Configuration;

/// <summary>The MLflow backend database on Azure Database for PostgreSQL flexible server (<c>mlplatform:azure.database</c>).</summary>
/// <param name="Sku">The compute size, e.g. <c>Standard_B2s</c> (Burstable) or <c>Standard_D4ds_v5</c> (General Purpose).</param>
/// <param name="StorageSizeGb">Storage in GiB (one of the flexible server's sizes, 32 to 32767); it grows automatically.</param>
/// <param name="BackupRetentionDays">Days of backups for point-in-time restore (7 to 35).</param>
/// <param name="Version">The PostgreSQL major version.</param>
public sealed record AzureDatabaseConfig(string Sku, int StorageSizeGb, int BackupRetentionDays, string Version)
{
    /// <summary>The pricing tier of <see cref="Sku"/>: Burstable (B), General Purpose (D) or Memory Optimized (E).</summary>
    public string Tier => Sku.StartsWith("Standard_B", StringComparison.Ordinal) ? "Burstable"
        : Sku.StartsWith("Standard_E", StringComparison.Ordinal) ? "MemoryOptimized"
        : "GeneralPurpose";
}

/// <summary>
/// The weekly window in which AKS applies Kubernetes patch upgrades and node image updates
/// (<c>mlplatform:azure.maintenanceWindow</c>), in UTC.
/// </summary>
/// <param name="Day">The day of the week, e.g. <c>Sunday</c>.</param>
/// <param name="StartTime">The start, <c>HH:mm</c>.</param>
/// <param name="DurationHours">Its length in hours (AKS needs at least 4).</param>
public sealed record AzureMaintenanceWindow(string Day, string StartTime, int DurationHours);

/// <summary>
/// The settings of the <c>azure</c> target (<c>mlplatform:azure</c>); the location is <c>mlplatform:region</c> and the
/// system node pool's VM size is <c>mlplatform:systemNodePool.instanceType</c>.
/// </summary>
public sealed record AzureConfig
{
    /// <summary>The VNet address space used when none is configured.</summary>
    public const string DefaultVnetCidr = "10.0.0.0/16";

    /// <summary>The system pool's VM size when <c>systemNodePool.instanceType</c> is not set (local disk for the ephemeral OS disk).</summary>
    public const string DefaultSystemVmSize = "Standard_D4ds_v5";

    /// <summary>The PostgreSQL major version used when none is configured.</summary>
    public const string DefaultPostgresVersion = "17";

    /// <summary>The pod address range of Azure CNI Overlay: pods never take VNet addresses.</summary>
    public const string PodCidr = "192.168.0.0/16";

    /// <summary>The Service address range (must not overlap the VNet or the pod range).</summary>
    public const string ServiceCidr = "172.16.0.0/16";

    /// <summary>The cluster DNS Service address, inside <see cref="ServiceCidr"/>.</summary>
    public const string DnsServiceIp = "172.16.0.10";

    /// <summary>The resource group Azure creates a region's network watcher in.</summary>
    public const string DefaultNetworkWatcherResourceGroup = "NetworkWatcherRG";

    /// <summary>The VNet address space (a /16 to /22): a node subnet, a PostgreSQL subnet and a private endpoint subnet.</summary>
    public string VnetCidr { get; init; } = DefaultVnetCidr;

    /// <summary>
    /// Where the public API server may be reached from (staging and development only). Empty makes the cluster
    /// private: its API server has a private endpoint in the VNet only.
    /// </summary>
    public ImmutableArray<string> AuthorizedIpRanges { get; init; } = [];

    /// <summary>Entra ID groups granted cluster admin; the identity that runs <c>pulumi up</c> must be in one.</summary>
    public ImmutableArray<string> AdminGroupObjectIds { get; init; } = [];

    /// <summary>The operating system of the system and CPU pools (and of GPU pools whose driver AKS installs).</summary>
    public AzureNodeOs NodeOs { get; init; } = AzureNodeOs.AzureLinux;

    /// <summary>How the machine running Pulumi signs in to the API server through <c>kubelogin</c>.</summary>
    public KubeloginMode KubeloginMode { get; init; } = KubeloginMode.AzureCli;

    /// <summary>The system pool's VM size.</summary>
    public string SystemVmSize { get; init; } = DefaultSystemVmSize;

    /// <summary>Retention of the Log Analytics workspace and of the VNet flow logs, in days.</summary>
    public int LogRetentionDays { get; init; } = 30;

    /// <summary>The MLflow backend database.</summary>
    public required AzureDatabaseConfig Database { get; init; }

    /// <summary>The weekly maintenance window of upgrades.</summary>
    public AzureMaintenanceWindow MaintenanceWindow { get; init; } = new("Sunday", "02:00", 4);

    /// <summary>The resource group of the region's network watcher, which owns the VNet flow log.</summary>
    public string NetworkWatcherResourceGroup { get; init; } = DefaultNetworkWatcherResourceGroup;

    /// <summary>The network watcher's name; null is Azure's own <c>NetworkWatcher_&lt;location&gt;</c>.</summary>
    public string? NetworkWatcherName { get; init; }

    /// <summary>True when the API server has no public endpoint (production, or no authorized ranges).</summary>
    public bool IsPrivateCluster => AuthorizedIpRanges.IsEmpty;
}
