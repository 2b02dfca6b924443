using System.Collections.Immutable;
using Pulumi;
using Pulumi.Kubernetes.Types.Inputs.Core.V1;
using Pulumi.Kubernetes.Types.Inputs.Meta.V1;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Components.Kubernetes;

/// <summary>Inputs of <see cref="WorkloadServiceAccount"/>.</summary>
public sealed class WorkloadServiceAccountArgs
{
    /// <summary>The service account's name.</summary>
    public required string Name { get; init; }

    /// <summary>The namespace it lives in.</summary>
    public required Input<string> Namespace { get; init; }

    /// <summary>Labels.</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>
    /// Annotations, typically the cloud identity binding (IRSA role ARN, GKE or Azure workload identity).
    /// </summary>
    public InputMap<string> Annotations { get; init; } = [];

    /// <summary>Mount the Kubernetes API token into pods. Defaults to false: inference never talks to the API server.</summary>
    public bool AutomountToken { get; init; }
}

/// <summary>
/// A service account for a workload, with no API token mounted by default and an optional cloud identity
/// binding, so that pods get least-privilege cloud access without static keys.
/// </summary>
public sealed class WorkloadServiceAccount : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:kubernetes:WorkloadServiceAccount";

    /// <summary>Creates the service account.</summary>
    public WorkloadServiceAccount(string name, WorkloadServiceAccountArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        ServiceAccount = new K8s.Core.V1.ServiceAccount(name, new ServiceAccountArgs
        {
            Metadata = new ObjectMetaArgs
            {
                Name = args.Name,
                Namespace = args.Namespace,
                Labels = args.Labels,
                Annotations = args.Annotations,
            },
            AutomountServiceAccountToken = args.AutomountToken,
        }, new CustomResourceOptions { Parent = this });

        ServiceAccountName = ServiceAccount.Metadata.Apply(m => m.Name);
        RegisterOutputs(new Dictionary<string, object?> { ["serviceAccountName"] = ServiceAccountName });
    }

    /// <summary>The service account's name.</summary>
    public Output<string> ServiceAccountName { get; }

    /// <summary>The service account.</summary>
    public K8s.Core.V1.ServiceAccount ServiceAccount { get; }
}
