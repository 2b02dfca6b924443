namespace MlPlatform.Stacks.Configuration;

/// <summary>Logs and traces settings (<c>mlplatform:observability</c>), used when the logging or tracing add-on is on.</summary>
public sealed record ObservabilityConfig
{
    /// <summary>How long Loki keeps logs, in whole days of hours (<c>168h</c>): a multiple of Loki's 24h index period.</summary>
    public required string LogRetention { get; init; }

    /// <summary>How long Tempo keeps traces, in hours (<c>72h</c>; Tempo takes Go durations, which have no days).</summary>
    public required string TraceRetention { get; init; }

    /// <summary>
    /// The volume of Loki and Tempo where the cloud hands over no bucket (an existing cluster), and of their
    /// write-ahead logs everywhere (Kubernetes quantity).
    /// </summary>
    public required string StorageSize { get; init; }

    /// <summary>The defaults for an environment: short and small outside production.</summary>
    public static ObservabilityConfig For(DeploymentEnvironment environment) => environment switch
    {
        DeploymentEnvironment.Production => new() { LogRetention = "720h", TraceRetention = "336h", StorageSize = "50Gi" },
        DeploymentEnvironment.Staging => new() { LogRetention = "168h", TraceRetention = "72h", StorageSize = "20Gi" },
        _ => new() { LogRetention = "48h", TraceRetention = "24h", StorageSize = "10Gi" },
    };
}
