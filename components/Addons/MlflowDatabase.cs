using Pulumi;

namespace MlPlatform.Components.Addons;

/// <summary>
/// The PostgreSQL database MLflow keeps runs and the model registry in. Its credentials reach MLflow only as a
/// Kubernetes Secret (never in Helm values): synced from the cloud secret service by an ExternalSecret when
/// <see cref="SecretStore"/> is set, otherwise created from <see cref="Password"/>.
/// </summary>
public sealed class MlflowDatabase
{
    /// <summary>Endpoint host name.</summary>
    public required Input<string> Host { get; init; }

    /// <summary>Port.</summary>
    public required Input<int> Port { get; init; }

    /// <summary>Database name.</summary>
    public required string Name { get; init; }

    /// <summary>User name.</summary>
    public required string Username { get; init; }

    /// <summary>The password, a Pulumi secret; used only without a secret store.</summary>
    public Input<string>? Password { get; init; }

    /// <summary>The ClusterSecretStore to read the credentials from; null to create the Secret from <see cref="Password"/>.</summary>
    public ExternalSecretSource? SecretStore { get; init; }
}

/// <summary>Where an ExternalSecret reads from.</summary>
/// <param name="StoreName">The ClusterSecretStore's name.</param>
/// <param name="RemoteKey">The secret's name in the cloud secret service.</param>
/// <param name="Store">The store object, to wait for.</param>
public sealed record ExternalSecretSource(string StoreName, Input<string> RemoteKey, Resource Store);
