using Pulumi;
using Pulumi.Kubernetes.ApiExtensions;
using Pulumi.Kubernetes.Types.Inputs.Meta.V1;

namespace MlPlatform.Components.Kubernetes;

/// <summary>
/// Arguments of a custom resource (a Karpenter NodePool, a KServe InferenceService, a Kyverno ClusterPolicy, ...)
/// given as an API version, a kind, metadata and a <c>spec</c> map. The maps are built by small typed functions
/// of each component and checked against the real CRD schemas in the tests.
/// </summary>
public sealed class KubernetesObjectArgs : CustomResourceArgs
{
    /// <summary>Creates the arguments of one object.</summary>
    public KubernetesObjectArgs(string apiVersion, string kind, ObjectMetaArgs metadata, InputMap<object>? spec = null)
        : base(apiVersion, kind)
    {
        Metadata = metadata;
        Spec = spec;
    }

    /// <summary>The object's <c>spec</c>.</summary>
    [Input("spec")]
    public InputMap<object>? Spec { get; set; }
}
