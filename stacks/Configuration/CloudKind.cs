namespace MlPlatform.Stacks.Configuration;

/// <summary>Where the platform runs: the value of <c>mlplatform:cloud</c>.</summary>
public enum CloudKind
{
    /// <summary>Amazon EKS.</summary>
    Aws,

    /// <summary>Azure AKS.</summary>
    Azure,

    /// <summary>Google GKE.</summary>
    Gcp,

    /// <summary>A cluster that already exists, reached through a kubeconfig.</summary>
    Existing,
}
