using System.Collections.Immutable;
using Pulumi;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Components.Addons;

/// <summary>Inputs of <see cref="CertManager"/>.</summary>
public sealed class CertManagerArgs
{
    /// <summary>The namespace, created by the tenancy layer.</summary>
    public required Input<string> Namespace { get; init; }

    /// <summary>Two replicas of the controller, webhook and CA injector, each with a PodDisruptionBudget.</summary>
    public bool HighAvailability { get; init; }

    /// <summary>The PriorityClass of the add-on's pods (the platform's <c>system-critical</c> tier); null keeps the cluster default.</summary>
    public string? PriorityClassName { get; init; }
}

/// <summary>
/// cert-manager with its CRDs, installed before anything that asks for a certificate (the gateway's HTTPS
/// listener, KServe's webhook). Every component runs with a restricted-profile security context.
/// </summary>
public sealed class CertManager : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:addons:CertManager";

    /// <summary>The Helm release name.</summary>
    public const string ReleaseName = "cert-manager";

    /// <summary>Creates the release.</summary>
    public CertManager(string name, CertManagerArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        Release = HelmReleases.Create(ReleaseName, VersionCatalog.CertManager, args.Namespace, Values(args), AddonResources.Child(this, options));
        RegisterOutputs(new Dictionary<string, object?> { ["releaseName"] = Release.Name });
    }

    /// <summary>The Helm release.</summary>
    public K8s.Helm.V3.Release Release { get; }

    /// <summary>The chart values.</summary>
    public static Dictionary<string, object> Values(CertManagerArgs args)
    {
        var replicas = args.HighAvailability ? 2 : 1;
        Dictionary<string, object> Component() => new()
        {
            ["replicaCount"] = replicas,
            ["podDisruptionBudget"] = Pdb(args.HighAvailability),
            ["securityContext"] = AddonResources.RestrictedPod(),
            ["containerSecurityContext"] = AddonResources.RestrictedContainer(),
        };

        var values = Component();
        values["crds"] = new Dictionary<string, object> { ["enabled"] = true, ["keep"] = true };
        values["webhook"] = Component();
        values["cainjector"] = Component();
        values["startupapicheck"] = new Dictionary<string, object>
        {
            ["securityContext"] = AddonResources.RestrictedPod(),
            ["containerSecurityContext"] = AddonResources.RestrictedContainer(),
        };
        if (args.PriorityClassName is not null)
        {
            values["global"] = new Dictionary<string, object> { ["priorityClassName"] = args.PriorityClassName };
        }

        return values;
    }

    private static Dictionary<string, object> Pdb(bool enabled) => enabled
        ? new() { ["enabled"] = true, ["minAvailable"] = 1 }
        : new() { ["enabled"] = false };
}
