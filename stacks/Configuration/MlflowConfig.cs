namespace MlPlatform.Stacks.Configuration;

/// <summary>MLflow settings (<c>mlplatform:mlflow</c>).</summary>
public sealed record MlflowConfig
{
    /// <summary>Tracking server replicas; null takes the environment's default (2 in production, else 1).</summary>
    public int? Replicas { get; init; }
}
