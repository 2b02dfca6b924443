using MlPlatform.Stacks.Configuration;
using MlPlatform.Stacks.Shared;
using Pulumi;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Stacks.Existing;

/// <summary>
/// The <c>existing</c> target: a cluster that already exists (kind, k3d, any managed cluster), reached through the
/// stack's kubeconfig secret or the ambient kubeconfig. It deploys the shared layers only, with no cloud services.
/// </summary>
public static class ExistingClusterStack
{
    /// <summary>Deploys the platform into the existing cluster.</summary>
    /// <param name="config">The validated configuration (cloud <c>existing</c>).</param>
    /// <param name="kubeconfig">The secret <c>mlplatform:kubeconfig</c>, or null for the ambient kubeconfig.</param>
    public static Dictionary<string, object?> Deploy(PlatformConfig config, Output<string>? kubeconfig)
    {
        // Without a kubeconfig secret the provider keeps its own default: $KUBECONFIG, then ~/.kube/config.
        var providerArgs = new K8s.ProviderArgs { EnableServerSideApply = true };
        if (kubeconfig is not null)
        {
            providerArgs.KubeConfig = kubeconfig;
        }

        if (config.Existing?.KubeContext is { } context)
        {
            providerArgs.Context = context;
        }

        var provider = new K8s.Provider("existing-cluster", providerArgs);

        var outputs = KubernetesPlatform.Deploy(config, provider, CloudIntegration.None);
        outputs["kubeContext"] = config.Existing?.KubeContext ?? "(current context)";
        return outputs;
    }
}
