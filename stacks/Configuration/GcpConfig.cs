using System.Collections.Immutable;

namespace MlPlatform.Stacks.Configuration;

/// <summary>The GKE release channels the platform supports (<c>mlplatform:gcp.releaseChannel</c>).</summary>
public enum GkeReleaseChannel
{
    /// <summary>Versions a few months after they reach Rapid: the default.</summary>
    Regular,

    /// <summary>Versions that have proven themselves on Regular.</summary>
    Stable,
}

/// <summary>The MLflow backend database on Cloud SQL for PostgreSQL (<c>mlplatform:gcp.database</c>).</summary>
/// <param name="Tier">
/// The machine tier: <c>db-custom-&lt;vCPUs&gt;-&lt;MB&gt;</c> (Enterprise edition), <c>db-perf-optimized-N-&lt;vCPUs&gt;</c>
/// (Enterprise Plus), or the shared-core <c>db-f1-micro</c> / <c>db-g1-small</c> outside production.
/// </param>
/// <param name="DiskSizeGb">Initial SSD size in GB; automatic storage increase grows it.</param>
/// <param name="BackupRetentionDays">Daily automated backups kept (7 to 365).</param>
/// <param name="Version">The PostgreSQL major version, e.g. <c>17</c>.</param>
public sealed record GcpDatabaseConfig(string Tier, int DiskSizeGb, int BackupRetentionDays, string Version)
{
    /// <summary>The Cloud SQL edition the tier belongs to.</summary>
    public string Edition => Tier.StartsWith("db-perf-optimized-", StringComparison.Ordinal) ? "ENTERPRISE_PLUS" : "ENTERPRISE";

    /// <summary>The Cloud SQL database version, e.g. <c>POSTGRES_17</c>.</summary>
    public string DatabaseVersion => $"POSTGRES_{Version}";

    /// <summary>Days of write-ahead log kept for point-in-time recovery: the retention, capped at the edition's maximum (7 or 35).</summary>
    public int TransactionLogRetentionDays => Math.Min(BackupRetentionDays, Edition == "ENTERPRISE_PLUS" ? 35 : 7);
}

/// <summary>VPC flow logs of the cluster's subnet (<c>mlplatform:gcp.flowLogs</c>).</summary>
/// <param name="AggregationInterval">How long flows are aggregated before a log entry, e.g. <c>INTERVAL_5_SEC</c>.</param>
/// <param name="Sampling">The fraction of flows logged, above 0 and at most 1.</param>
public sealed record GcpFlowLogsConfig(string AggregationInterval, double Sampling)
{
    /// <summary>The aggregation intervals Compute Engine accepts.</summary>
    public static ImmutableArray<string> Intervals { get; } =
        ["INTERVAL_5_SEC", "INTERVAL_30_SEC", "INTERVAL_1_MIN", "INTERVAL_5_MIN", "INTERVAL_10_MIN", "INTERVAL_15_MIN"];
}

/// <summary>
/// The settings of the <c>gcp</c> target (<c>mlplatform:gcp</c>); the region is <c>mlplatform:region</c> and the
/// system node pool's machine type is <c>mlplatform:systemNodePool.instanceType</c>.
/// </summary>
public sealed record GcpConfig
{
    /// <summary>The system node pool's machine type when <c>systemNodePool.instanceType</c> is not set.</summary>
    public const string DefaultSystemMachineType = "n2-standard-4";

    /// <summary>The PostgreSQL major version used when none is configured.</summary>
    public const string DefaultPostgresVersion = "17";

    /// <summary>The project every resource of the stack lives in.</summary>
    public required string ProjectId { get; init; }

    /// <summary>
    /// The zone of a zonal cluster (staging and development only); null for a regional cluster, whose control plane
    /// and nodes span the region's zones.
    /// </summary>
    public string? Zone { get; init; }

    /// <summary>The subnet's primary range: the nodes.</summary>
    public string SubnetCidr { get; init; } = "10.10.0.0/20";

    /// <summary>The subnet's secondary range for pods.</summary>
    public string PodsCidr { get; init; } = "10.16.0.0/14";

    /// <summary>The subnet's secondary range for Services.</summary>
    public string ServicesCidr { get; init; } = "10.20.0.0/20";

    /// <summary>The /28 of the private control plane.</summary>
    public string MasterCidr { get; init; } = "172.16.0.0/28";

    /// <summary>The range reserved for private services access (Cloud SQL's private IP comes from it).</summary>
    public string PrivateServicesCidr { get; init; } = "10.30.0.0/20";

    /// <summary>
    /// Who may reach the public API endpoint (staging and development only). Empty keeps the endpoint private:
    /// reachable from the VPC and networks connected to it only.
    /// </summary>
    public ImmutableArray<string> MasterAuthorizedNetworks { get; init; } = [];

    /// <summary>The GKE release channel.</summary>
    public GkeReleaseChannel ReleaseChannel { get; init; } = GkeReleaseChannel.Regular;

    /// <summary>Zones of the GPU node pools, where the region's zones do not all offer the GPUs; empty for the cluster's zones.</summary>
    public ImmutableArray<string> GpuZones { get; init; } = [];

    /// <summary>The system node pool's machine type.</summary>
    public string SystemMachineType { get; init; } = DefaultSystemMachineType;

    /// <summary>VPC flow logs.</summary>
    public GcpFlowLogsConfig FlowLogs { get; init; } = new("INTERVAL_5_SEC", 0.5);

    /// <summary>Retention of the cluster's, nodes' and subnet's logs in their own log bucket, in days.</summary>
    public int LogRetentionDays { get; init; } = 30;

    /// <summary>Encrypt the MLflow bucket with a Cloud KMS key of the stack instead of Google-managed keys.</summary>
    public bool BucketCmek { get; init; }

    /// <summary>The MLflow backend database.</summary>
    public required GcpDatabaseConfig Database { get; init; }

    /// <summary>True for a regional cluster (the control plane and nodes over the region's zones).</summary>
    public bool IsRegional => Zone is null;

    /// <summary>True when the API endpoint is public (restricted to <see cref="MasterAuthorizedNetworks"/>).</summary>
    public bool HasPublicEndpoint => !MasterAuthorizedNetworks.IsEmpty;

    /// <summary>The workload identity pool of the project's clusters.</summary>
    public string WorkloadPool => $"{ProjectId}.svc.id.goog";
}
