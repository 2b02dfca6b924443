using System.Collections.Immutable;
using Pulumi;

namespace MlPlatform.Components.Addons.Observability;

/// <summary>Inputs of the two telemetry stores, <see cref="Loki"/> and <see cref="Tempo"/>.</summary>
public sealed class TelemetryBackendArgs
{
    /// <summary>The namespace, created by the tenancy layer.</summary>
    public required Input<string> Namespace { get; init; }

    /// <summary>Replicated components with disruption budgets (Loki simple-scalable); one replica otherwise.</summary>
    public bool HighAvailability { get; init; }

    /// <summary>The PriorityClass of the pods; null keeps the cluster default.</summary>
    public string? PriorityClassName { get; init; }

    /// <summary>
    /// The stack's telemetry bucket as a URI (<c>s3://</c>, <c>gs://</c>, <c>wasbs://</c>); null keeps the data on
    /// the pods' volumes (an existing cluster without object storage).
    /// </summary>
    public Input<string>? StoreUri { get; init; }

    /// <summary>The bucket's region (S3 only: the client signs for it).</summary>
    public string? Region { get; init; }

    /// <summary>How long the data is kept, in hours (<c>168h</c>).</summary>
    public required string Retention { get; init; }

    /// <summary>The volume of each pod (write-ahead log; all the data without a bucket), as a Kubernetes quantity.</summary>
    public required string StorageSize { get; init; }

    /// <summary>Annotations of the service account (the cloud identity that may use the bucket).</summary>
    public InputMap<string> ServiceAccountAnnotations { get; init; } = [];

    /// <summary>Labels of the pods (Azure workload identity's webhook only serves labelled pods).</summary>
    public ImmutableDictionary<string, string> PodLabels { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary><see cref="TelemetryBackendArgs"/> with every output resolved, for the chart values.</summary>
public sealed record TelemetryBackendSettings
{
    /// <summary>Replicated components.</summary>
    public bool HighAvailability { get; init; }

    /// <summary>The PriorityClass of the pods; null keeps the cluster default.</summary>
    public string? PriorityClassName { get; init; }

    /// <summary>The bucket; null for the pods' volumes.</summary>
    public ArtifactStore? Store { get; init; }

    /// <summary>The S3 region.</summary>
    public string? Region { get; init; }

    /// <summary>Retention, in hours.</summary>
    public string Retention { get; init; } = "168h";

    /// <summary>The volume of each pod.</summary>
    public string StorageSize { get; init; } = "10Gi";

    /// <summary>Annotations of the service account.</summary>
    public ImmutableDictionary<string, string> ServiceAccountAnnotations { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Labels of the pods.</summary>
    public ImmutableDictionary<string, string> PodLabels { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>The S3 endpoint of <see cref="Region"/> (clients that do not derive it themselves, such as Tempo's).</summary>
    public string S3Endpoint => $"s3.{Region ?? throw new InvalidOperationException("An S3 store needs its region.")}.amazonaws.com";
}

/// <summary>Chart values of the telemetry stores, resolved from their arguments.</summary>
internal static class TelemetryBackends
{
    /// <summary>The values, once the bucket URI and the service account annotations are known.</summary>
    public static InputMap<object> Values(TelemetryBackendArgs args, Func<TelemetryBackendSettings, Dictionary<string, object>> values)
    {
        var uri = args.StoreUri is null ? Output.Create((string?)null) : args.StoreUri.Apply(u => (string?)u);
        return Output.Tuple(uri, args.ServiceAccountAnnotations.ToOutput()).Apply(t => values(new TelemetryBackendSettings
        {
            HighAvailability = args.HighAvailability,
            PriorityClassName = args.PriorityClassName,
            Store = t.Item1 is null ? null : ArtifactStore.Parse(t.Item1),
            Region = args.Region,
            Retention = args.Retention,
            StorageSize = args.StorageSize,
            ServiceAccountAnnotations = t.Item2,
            PodLabels = args.PodLabels,
        }).ToImmutableDictionary());
    }

    /// <summary>Requests and a memory limit (the namespace LimitRange default would starve these servers).</summary>
    public static Dictionary<string, object> Resources(string cpu, string memoryRequest, string memoryLimit) => new()
    {
        ["requests"] = new Dictionary<string, object> { ["cpu"] = cpu, ["memory"] = memoryRequest },
        ["limits"] = new Dictionary<string, object> { ["memory"] = memoryLimit },
    };
}
