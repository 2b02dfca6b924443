using System.Collections.Immutable;
using Pulumi;

namespace MlPlatform.Components.Workloads;

/// <summary>Inputs of <see cref="ServiceWorkload"/>: one long-running service, with the production defaults filled in.</summary>
public sealed record ServiceWorkloadArgs
{
    /// <summary>DNS-1123 label: the name of the Deployment (or StatefulSet), Service, ServiceAccount and their companions.</summary>
    public required string Name { get; init; }

    /// <summary>The namespace (created by the tenancy layer).</summary>
    public required string Namespace { get; init; }

    /// <summary>What the objects wait for: the namespace's guard rails, the PriorityClasses, the operators whose CRDs are used.</summary>
    public ImmutableArray<Resource> Ready { get; init; } = [];

    /// <summary>The container image repository, e.g. <c>ghcr.io/acme/coordinator</c>.</summary>
    public required string Image { get; init; }

    /// <summary>The pinned image tag (never <c>latest</c>).</summary>
    public required string ImageTag { get; init; }

    /// <summary>Replicas when no autoscaler owns the count (also the initial count of a scaled one).</summary>
    public int Replicas { get; init; } = 2;

    /// <summary>The ports; the first is the Service's main port.</summary>
    public ImmutableArray<WorkloadPort> Ports { get; init; } = [new("http", 8080)];

    /// <summary>The container's arguments; empty keeps the image's.</summary>
    public ImmutableArray<string> Args { get; init; } = [];

    /// <summary>Requests and limits.</summary>
    public WorkloadResources Resources { get; init; } = WorkloadResources.Small;

    /// <summary>Node pool placement.</summary>
    public WorkloadPlacement Placement { get; init; } = WorkloadPlacement.Anywhere;

    /// <summary>The autoscaler; null keeps <see cref="Replicas"/>.</summary>
    public WorkloadScaling? Scaling { get; init; }

    /// <summary>Disruption budget, spreading, rollout and priority.</summary>
    public WorkloadAvailability Availability { get; init; } = new();

    /// <summary>Probes.</summary>
    public WorkloadProbes Probes { get; init; } = new();

    /// <summary>An init container that fetches the model weights; null for none.</summary>
    public ModelFetch? ModelFetch { get; init; }

    /// <summary>Non-secret settings, as environment variables from a ConfigMap.</summary>
    public ImmutableDictionary<string, string> Settings { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Secret settings, as environment variables from a Secret; null for none.</summary>
    public WorkloadSecretSource? Secrets { get; init; }

    /// <summary>Persistent volumes; a per-replica one makes the workload a StatefulSet.</summary>
    public ImmutableArray<WorkloadVolume> Volumes { get; init; } = [];

    /// <summary>Writable paths on the read-only root filesystem, each an <c>emptyDir</c> (<c>/tmp</c> by default).</summary>
    public ImmutableArray<string> WritablePaths { get; init; } = ["/tmp"];

    /// <summary>Prometheus scraping; null for none.</summary>
    public WorkloadMetrics? Metrics { get; init; }

    /// <summary>A canary; null for none.</summary>
    public WorkloadCanary? Canary { get; init; }

    /// <summary>The Kubernetes API rules the workload needs; empty mounts no API token at all.</summary>
    public ImmutableArray<ApiAccessRule> ApiAccess { get; init; } = [];

    /// <summary>Annotations of the service account (its cloud identity binding).</summary>
    public InputMap<string> ServiceAccountAnnotations { get; init; } = [];

    /// <summary>Labels of every object.</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>True when the workload has per-replica storage and runs as a StatefulSet.</summary>
    public bool IsStateful => Volumes.Any(v => v.Sharing == VolumeSharing.PerReplica);

    /// <summary>The stable image reference.</summary>
    public string ImageReference => $"{Image}:{ImageTag}";
}
