using System.Collections.Immutable;
using MlPlatform.Components.Addons;

namespace MlPlatform.Components.Workloads;

/// <summary>The protocol a port speaks, which decides its Service port name and <c>appProtocol</c>.</summary>
public enum PortProtocol
{
    /// <summary>HTTP/1.1 (REST APIs, metrics).</summary>
    Http,

    /// <summary>gRPC: the port is named <c>grpc</c> so that meshes and gateways speak HTTP/2 to it.</summary>
    Grpc,
}

/// <summary>A port the service listens on.</summary>
/// <param name="Name">The port name (an IANA service name, at most 15 characters); a gRPC port is always named <c>grpc</c>.</param>
/// <param name="Port">The container port, also the Service port.</param>
/// <param name="Protocol">What it speaks.</param>
public sealed record WorkloadPort(string Name, int Port, PortProtocol Protocol = PortProtocol.Http)
{
    /// <summary>The name on the container and the Service: <c>grpc</c> for gRPC, the given name otherwise.</summary>
    public string ServiceName => Protocol == PortProtocol.Grpc ? "grpc" : Name;

    /// <summary>The Service port's <c>appProtocol</c> (<c>kubernetes.io/h2c</c> for cleartext gRPC, <c>http</c> otherwise).</summary>
    public string AppProtocol => Protocol == PortProtocol.Grpc ? "kubernetes.io/h2c" : "http";
}

/// <summary>Requests and limits of the service container: always both, so that quotas and the scheduler can count them.</summary>
/// <param name="RequestsCpu">CPU request (e.g. <c>500m</c>).</param>
/// <param name="RequestsMemory">Memory request (e.g. <c>1Gi</c>).</param>
/// <param name="LimitsCpu">CPU limit.</param>
/// <param name="LimitsMemory">Memory limit.</param>
/// <param name="Gpus">GPUs (<c>nvidia.com/gpu</c>, request = limit); 0 for a CPU service.</param>
public sealed record WorkloadResources(string RequestsCpu, string RequestsMemory, string LimitsCpu, string LimitsMemory, int Gpus = 0)
{
    /// <summary>A small default: 100m / 128Mi requested, 500m / 512Mi at most.</summary>
    public static WorkloadResources Small { get; } = new("100m", "128Mi", "500m", "512Mi");
}

/// <summary>Where the pods go: a node pool's labels, and the tolerations of its taints.</summary>
/// <param name="NodeSelector">The node labels of the pool; empty for any schedulable node.</param>
public sealed record WorkloadPlacement(ImmutableDictionary<string, string> NodeSelector)
{
    /// <summary>Anywhere the scheduler likes (the cluster's untainted nodes).</summary>
    public static WorkloadPlacement Anywhere { get; } = new(ImmutableDictionary<string, string>.Empty);

    /// <summary>Tolerations of the pool's taints (for a GPU pool, the GPU taint's is added when the workload asks for GPUs).</summary>
    public ImmutableArray<PodToleration> Tolerations { get; init; } = [];
}

/// <summary>How the replicas are scaled.</summary>
public abstract record WorkloadScaling(int MinReplicas, int MaxReplicas);

/// <summary>A HorizontalPodAutoscaler on CPU and/or memory utilisation of the requests.</summary>
/// <param name="MinReplicas">Fewest replicas.</param>
/// <param name="MaxReplicas">Most replicas.</param>
/// <param name="CpuUtilization">Target average CPU utilisation in percent of the request; null for none.</param>
/// <param name="MemoryUtilization">Target average memory utilisation in percent of the request; null for none.</param>
public sealed record ResourceScaling(int MinReplicas, int MaxReplicas, int? CpuUtilization = 80, int? MemoryUtilization = null)
    : WorkloadScaling(MinReplicas, MaxReplicas);

/// <summary>
/// A KEDA ScaledObject on a Prometheus query (in-flight requests, queue length), for gRPC and inference services
/// whose CPU does not track their load.
/// </summary>
/// <param name="MinReplicas">Fewest replicas.</param>
/// <param name="MaxReplicas">Most replicas.</param>
/// <param name="PrometheusUrl">The Prometheus KEDA queries.</param>
/// <param name="Query">The PromQL query of the whole service's load.</param>
/// <param name="Threshold">The load one replica should carry (an AverageValue target).</param>
public sealed record EventScaling(int MinReplicas, int MaxReplicas, string PrometheusUrl, string Query, string Threshold)
    : WorkloadScaling(MinReplicas, MaxReplicas);

/// <summary>How the service stays up through drains, rollouts and zone loss.</summary>
public sealed record WorkloadAvailability
{
    /// <summary>PodDisruptionBudget <c>minAvailable</c>; null with <see cref="MaxUnavailable"/> null takes maxUnavailable 1.</summary>
    public int? MinAvailable { get; init; }

    /// <summary>PodDisruptionBudget <c>maxUnavailable</c>.</summary>
    public int? MaxUnavailable { get; init; }

    /// <summary>Never two replicas on one node (required pod anti-affinity), for heavy GPU pods.</summary>
    public bool RequiredAntiAffinity { get; init; }

    /// <summary>Rolling update <c>maxSurge</c>.</summary>
    public string MaxSurge { get; init; } = "25%";

    /// <summary>Rolling update <c>maxUnavailable</c>.</summary>
    public string RollingMaxUnavailable { get; init; } = "0";

    /// <summary>The PriorityClass of the pods (a class of the platform ladder).</summary>
    public string PriorityClassName { get; init; } = "interactive";
}

/// <summary>The health checks of the service container.</summary>
public sealed record WorkloadProbes
{
    /// <summary>The port the probes call (a port name or number of the container); null takes the first port.</summary>
    public int? Port { get; init; }

    /// <summary>HTTP path of the liveness probe; null with a gRPC port uses the gRPC health protocol.</summary>
    public string? LivenessPath { get; init; } = "/healthz";

    /// <summary>HTTP path of the readiness probe (ready = model loaded).</summary>
    public string? ReadinessPath { get; init; } = "/ready";

    /// <summary>
    /// Seconds the container may take to start (slow model loads) before liveness applies: a startup probe that
    /// polls every 10 s this long. 0 for no startup probe.
    /// </summary>
    public int StartupSeconds { get; init; }
}

/// <summary>Where an <c>emptyDir</c> lives.</summary>
public enum EmptyDirMedium
{
    /// <summary>The node's disk.</summary>
    Disk,

    /// <summary>RAM (tmpfs); counts against the pod's memory limit.</summary>
    Memory,
}

/// <summary>An init container that fetches model weights into an <c>emptyDir</c> before the server starts.</summary>
/// <param name="Image">The fetcher image (pinned).</param>
/// <param name="Source">Where the weights are (<c>s3://</c>, <c>gs://</c>, <c>hf://</c>, ...), passed as <c>MODEL_SOURCE</c>.</param>
/// <param name="MountPath">Where the server reads them, passed as <c>MODEL_DIR</c>.</param>
public sealed record ModelFetch(string Image, string Source, string MountPath = "/models")
{
    /// <summary>The command of the init container; null keeps the image's entrypoint.</summary>
    public ImmutableArray<string> Command { get; init; } = [];

    /// <summary>Disk or memory.</summary>
    public EmptyDirMedium Medium { get; init; } = EmptyDirMedium.Disk;

    /// <summary>The <c>emptyDir</c> size limit (e.g. <c>20Gi</c>).</summary>
    public string SizeLimit { get; init; } = "20Gi";
}

/// <summary>Whether a volume is shared by every replica or one per replica.</summary>
public enum VolumeSharing
{
    /// <summary>One claim per replica (a StatefulSet volume claim template, ReadWriteOnce).</summary>
    PerReplica,

    /// <summary>One claim shared by every replica (ReadWriteMany: shared datasets).</summary>
    Shared,
}

/// <summary>A persistent volume of the service.</summary>
/// <param name="Name">Volume name.</param>
/// <param name="MountPath">Where it is mounted.</param>
/// <param name="Size">Requested size (e.g. <c>100Gi</c>).</param>
/// <param name="Sharing">Per replica (StatefulSet) or shared (RWX).</param>
public sealed record WorkloadVolume(string Name, string MountPath, string Size, VolumeSharing Sharing = VolumeSharing.PerReplica)
{
    /// <summary>The StorageClass; null takes the cluster's default class.</summary>
    public string? StorageClassName { get; init; }

    /// <summary>The access mode the sharing needs.</summary>
    public string AccessMode => Sharing == VolumeSharing.Shared ? "ReadWriteMany" : "ReadWriteOnce";
}

/// <summary>Prometheus scraping of the service.</summary>
/// <param name="Port">The metrics port.</param>
/// <param name="Path">The metrics path.</param>
public sealed record WorkloadMetrics(int Port, string Path = "/metrics")
{
    /// <summary>Also create a PodMonitor (the Prometheus operator is installed).</summary>
    public bool PodMonitor { get; init; }
}

/// <summary>A canary: a second Deployment with its own image tag, and a weighted HTTPRoute split through the gateway.</summary>
/// <param name="ImageTag">The canary's image tag.</param>
/// <param name="WeightPercent">The share of requests it gets (1 to 99).</param>
/// <param name="GatewayName">The Gateway the route attaches to.</param>
/// <param name="GatewayNamespace">The Gateway's namespace.</param>
public sealed record WorkloadCanary(string ImageTag, int WeightPercent, string GatewayName, string GatewayNamespace)
{
    /// <summary>Host names the route answers for; empty takes the gateway listener's.</summary>
    public ImmutableArray<string> Hostnames { get; init; } = [];

    /// <summary>Canary replicas.</summary>
    public int Replicas { get; init; } = 1;
}

/// <summary>One rule of the namespaced Role a workload that calls the Kubernetes API gets.</summary>
/// <param name="ApiGroups">API groups (empty string for the core group).</param>
/// <param name="Resources">Resources (and subresources, <c>workflows/finalizers</c>).</param>
/// <param name="Verbs">Verbs.</param>
public sealed record ApiAccessRule(ImmutableArray<string> ApiGroups, ImmutableArray<string> Resources, ImmutableArray<string> Verbs);

/// <summary>A secret value of the service, as an environment variable.</summary>
public abstract record WorkloadSecretSource;

/// <summary>Secrets read by external-secrets from the cloud secret service.</summary>
/// <param name="StoreName">The ClusterSecretStore.</param>
/// <param name="RemoteKeys">Environment variable → key in the secret service.</param>
public sealed record ExternalWorkloadSecrets(string StoreName, ImmutableDictionary<string, string> RemoteKeys) : WorkloadSecretSource;

/// <summary>Secrets the stack holds (Pulumi secrets or generated passwords), written to a Kubernetes Secret.</summary>
/// <param name="Values">Environment variable → value (a Pulumi secret).</param>
public sealed record ManagedWorkloadSecrets(ImmutableDictionary<string, Pulumi.Output<string>> Values) : WorkloadSecretSource;
