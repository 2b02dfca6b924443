namespace MlPlatform.Stacks.Configuration;

/// <summary>
/// How the <c>existing</c> target reaches its cluster: the secret <c>mlplatform:kubeconfig</c> when set, otherwise
/// the ambient kubeconfig, with an optional context (<c>mlplatform:kubeContext</c>).
/// </summary>
/// <param name="KubeContext">The kubeconfig context to use; null is the current context.</param>
/// <param name="HasKubeconfig">True when the stack carries its own kubeconfig secret.</param>
public sealed record ExistingClusterConfig(string? KubeContext, bool HasKubeconfig);
