using System.Collections.Immutable;

namespace MlPlatform.Stacks.Configuration;

/// <summary>One application service (an entry of <c>mlplatform:workloads</c>).</summary>
public sealed record WorkloadConfig
{
    /// <summary>DNS-1123 label, unique in its namespace.</summary>
    public required string Name { get; init; }

    /// <summary>A namespace the platform creates (a team's, usually).</summary>
    public required string Namespace { get; init; }

    /// <summary>The image repository.</summary>
    public required string Image { get; init; }

    /// <summary>The pinned tag (not <c>latest</c>).</summary>
    public required string Tag { get; init; }

    /// <summary>Replicas when not autoscaled.</summary>
    public int Replicas { get; init; } = 2;

    /// <summary>Ports; the first is the main one.</summary>
    public ImmutableArray<WorkloadPortConfig> Ports { get; init; } = [];

    /// <summary>Container arguments.</summary>
    public ImmutableArray<string> Args { get; init; } = [];

    /// <summary>Requests and limits (<c>resources</c>).</summary>
    public required WorkloadResourcesConfig Resources { get; init; }

    /// <summary>The node pool the pods run on; null for the cluster's untainted nodes.</summary>
    public string? NodePool { get; init; }

    /// <summary>HPA bounds and targets (<c>autoscaling</c>); null for none.</summary>
    public ResourceAutoscalingConfig? Autoscaling { get; init; }

    /// <summary>KEDA on a Prometheus query (<c>eventScaling</c>); null for none.</summary>
    public EventScalingConfig? EventScaling { get; init; }

    /// <summary>PodDisruptionBudget <c>minAvailable</c>.</summary>
    public int? MinAvailable { get; init; }

    /// <summary>PodDisruptionBudget <c>maxUnavailable</c>.</summary>
    public int? MaxUnavailable { get; init; }

    /// <summary>Required anti-affinity between replicas (<c>antiAffinity: required</c>).</summary>
    public bool RequiredAntiAffinity { get; init; }

    /// <summary>The PriorityClass from the platform ladder.</summary>
    public string PriorityClass { get; init; } = "interactive";

    /// <summary>Probe settings.</summary>
    public WorkloadProbesConfig Probes { get; init; } = new();

    /// <summary>The model weights init container; null for none.</summary>
    public ModelFetchConfig? ModelFetch { get; init; }

    /// <summary>Non-secret settings (ConfigMap).</summary>
    public ImmutableDictionary<string, string> Settings { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Secret settings: variable → key in the cloud secret service (generated when there is none).</summary>
    public ImmutableDictionary<string, string> Secrets { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Persistent volumes.</summary>
    public ImmutableArray<WorkloadVolumeConfig> Volumes { get; init; } = [];

    /// <summary>Writable paths on the read-only root filesystem.</summary>
    public ImmutableArray<string> WritablePaths { get; init; } = ["/tmp"];

    /// <summary>Metrics port and path; null for none.</summary>
    public WorkloadMetricsConfig? Metrics { get; init; }

    /// <summary>A canary through the gateway; null for none.</summary>
    public CanaryConfig? Canary { get; init; }

    /// <summary>Kubernetes API rules; empty for no API access at all.</summary>
    public ImmutableArray<ApiRuleConfig> ApiAccess { get; init; } = [];

    /// <summary>Namespaces allowed to call the service (on its ports).</summary>
    public ImmutableArray<string> Callers { get; init; } = [];

    /// <summary>What the service calls: namespaces, or data services by name.</summary>
    public ImmutableArray<string> Dependencies { get; init; } = [];
}

/// <summary>A port of a workload.</summary>
/// <param name="Name">Port name.</param>
/// <param name="Port">Port number.</param>
/// <param name="Grpc">True for gRPC.</param>
public sealed record WorkloadPortConfig(string Name, int Port, bool Grpc);

/// <summary>Requests and limits of a workload.</summary>
/// <param name="RequestsCpu">CPU request.</param>
/// <param name="RequestsMemory">Memory request.</param>
/// <param name="LimitsCpu">CPU limit.</param>
/// <param name="LimitsMemory">Memory limit.</param>
/// <param name="Gpus">GPUs.</param>
public sealed record WorkloadResourcesConfig(string RequestsCpu, string RequestsMemory, string LimitsCpu, string LimitsMemory, int Gpus);

/// <summary>An HPA.</summary>
/// <param name="Min">Fewest replicas.</param>
/// <param name="Max">Most replicas.</param>
/// <param name="CpuPercent">CPU utilisation target.</param>
/// <param name="MemoryPercent">Memory utilisation target.</param>
public sealed record ResourceAutoscalingConfig(int Min, int Max, int? CpuPercent, int? MemoryPercent);

/// <summary>KEDA on a Prometheus query.</summary>
/// <param name="Min">Fewest replicas.</param>
/// <param name="Max">Most replicas.</param>
/// <param name="Query">PromQL of the service's load.</param>
/// <param name="Threshold">Load per replica.</param>
public sealed record EventScalingConfig(int Min, int Max, string Query, string Threshold);

/// <summary>Probes of a workload.</summary>
public sealed record WorkloadProbesConfig
{
    /// <summary>Liveness path; null with gRPC uses the gRPC health protocol.</summary>
    public string? Liveness { get; init; } = "/healthz";

    /// <summary>Readiness path.</summary>
    public string? Readiness { get; init; } = "/ready";

    /// <summary>Startup budget in seconds (slow model loads); 0 for none.</summary>
    public int StartupSeconds { get; init; }
}

/// <summary>The model weights init container.</summary>
/// <param name="Image">Fetcher image with a pinned tag.</param>
/// <param name="Source">Weights URI.</param>
/// <param name="MountPath">Where they go.</param>
/// <param name="InMemory">tmpfs rather than disk.</param>
/// <param name="SizeLimit">emptyDir size limit.</param>
public sealed record ModelFetchConfig(string Image, string Source, string MountPath, bool InMemory, string SizeLimit);

/// <summary>A volume of a workload.</summary>
/// <param name="Name">Volume name.</param>
/// <param name="MountPath">Mount path.</param>
/// <param name="Size">Size.</param>
/// <param name="StorageClass">StorageClass; null for the cluster default.</param>
/// <param name="Shared">ReadWriteMany shared by every replica, rather than one per replica.</param>
public sealed record WorkloadVolumeConfig(string Name, string MountPath, string Size, string? StorageClass, bool Shared);

/// <summary>Metrics of a workload.</summary>
/// <param name="Port">Port.</param>
/// <param name="Path">Path.</param>
public sealed record WorkloadMetricsConfig(int Port, string Path);

/// <summary>A canary of a workload.</summary>
/// <param name="Tag">The canary's image tag.</param>
/// <param name="Weight">Percent of requests.</param>
/// <param name="Hostnames">Host names of the route.</param>
public sealed record CanaryConfig(string Tag, int Weight, ImmutableArray<string> Hostnames);

/// <summary>One API rule.</summary>
/// <param name="ApiGroups">API groups.</param>
/// <param name="Resources">Resources.</param>
/// <param name="Verbs">Verbs.</param>
public sealed record ApiRuleConfig(ImmutableArray<string> ApiGroups, ImmutableArray<string> Resources, ImmutableArray<string> Verbs);

/// <summary>The kind of an in-cluster data service.</summary>
public enum DataServiceKind
{
    /// <summary>PostgreSQL through the CloudNativePG operator.</summary>
    Postgres,

    /// <summary>A Redis-compatible cache (Valkey).</summary>
    Valkey,
}

/// <summary>One in-cluster data service (an entry of <c>mlplatform:dataServices</c>).</summary>
public sealed record DataServiceConfig
{
    /// <summary>DNS-1123 label, unique.</summary>
    public required string Name { get; init; }

    /// <summary>Postgres or Valkey.</summary>
    public required DataServiceKind Kind { get; init; }

    /// <summary>The namespace it runs in.</summary>
    public required string Namespace { get; init; }

    /// <summary>Instances: primary plus replicas.</summary>
    public int Instances { get; init; } = 3;

    /// <summary>Volume size per instance; null for no persistence (Valkey only).</summary>
    public string? StorageSize { get; init; }

    /// <summary>StorageClass; null for the cluster default.</summary>
    public string? StorageClass { get; init; }

    /// <summary>Requests and limits per instance.</summary>
    public required WorkloadResourcesConfig Resources { get; init; }

    /// <summary>Scheduled backups to the cloud bucket (Postgres).</summary>
    public bool Backups { get; init; }

    /// <summary>The node pool; null for the untainted nodes.</summary>
    public string? NodePool { get; init; }

    /// <summary>The port clients use.</summary>
    public int Port => Kind == DataServiceKind.Postgres ? 5432 : 6379;
}
