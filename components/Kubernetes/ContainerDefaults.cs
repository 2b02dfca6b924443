namespace MlPlatform.Components.Kubernetes;

/// <summary>Container defaults of a namespace's LimitRange, as Kubernetes quantities.</summary>
/// <param name="DefaultRequestCpu">CPU request of a container that states none.</param>
/// <param name="DefaultRequestMemory">Memory request of a container that states none.</param>
/// <param name="DefaultCpu">CPU limit of a container that states none.</param>
/// <param name="DefaultMemory">Memory limit of a container that states none.</param>
/// <param name="MaxCpu">Largest CPU limit of one container.</param>
/// <param name="MaxMemory">Largest memory limit of one container.</param>
public sealed record ContainerDefaults(
    string DefaultRequestCpu,
    string DefaultRequestMemory,
    string DefaultCpu,
    string DefaultMemory,
    string MaxCpu,
    string MaxMemory)
{
    /// <summary>Defaults for platform namespaces.</summary>
    public static ContainerDefaults PlatformDefault { get; } = new("100m", "128Mi", "1", "1Gi", "8", "32Gi");

    /// <summary>Defaults for team namespaces, sized for training and inference containers.</summary>
    public static ContainerDefaults TeamDefault { get; } = new("250m", "512Mi", "2", "4Gi", "64", "512Gi");
}
