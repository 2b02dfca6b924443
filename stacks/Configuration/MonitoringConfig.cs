namespace MlPlatform.Stacks.Configuration;

/// <summary>Prometheus and Grafana settings (<c>mlplatform:monitoring</c>).</summary>
public sealed record MonitoringConfig
{
    /// <summary>How long Prometheus keeps samples, as a Prometheus duration (<c>15d</c>, <c>720h</c>).</summary>
    public required string Retention { get; init; }

    /// <summary>The persistent volume of each Prometheus replica, as a Kubernetes quantity (<c>100Gi</c>).</summary>
    public required string StorageSize { get; init; }

    /// <summary>The storage class of the Prometheus volumes; null for the cluster default.</summary>
    public string? StorageClass { get; init; }

    /// <summary>The host name Grafana is published on through the shared gateway; null keeps it cluster-internal.</summary>
    public string? GrafanaHostname { get; init; }

    /// <summary>The defaults for an environment: short and small outside production.</summary>
    public static MonitoringConfig For(DeploymentEnvironment environment) => environment switch
    {
        DeploymentEnvironment.Production => new() { Retention = "30d", StorageSize = "200Gi" },
        DeploymentEnvironment.Staging => new() { Retention = "7d", StorageSize = "50Gi" },
        _ => new() { Retention = "2d", StorageSize = "10Gi" },
    };
}
