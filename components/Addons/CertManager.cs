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
        Dictionary<string, object> Component(string podName, string component)
        {
            var values = new Dictionary<string, object>
            {
                ["replicaCount"] = args.HighAvailability ? 2 : 1,
                ["podDisruptionBudget"] = Pdb(args.HighAvailability),
                ["securityContext"] = AddonResources.RestrictedPod(),
                ["containerSecurityContext"] = AddonResources.RestrictedContainer(),
            };
            if (args.HighAvailability)
            {
                // The chart copies the constraints as given: they name the pod labels of its templates.
                values["topologySpreadConstraints"] = TopologySpread.Constraints(PodLabels(podName, component));
            }

            return values;
        }

        var values = Component("cert-manager", "controller");
        values["crds"] = new Dictionary<string, object> { ["enabled"] = true, ["keep"] = true };
        values["webhook"] = Component("webhook", "webhook");
        values["cainjector"] = Component("cainjector", "cainjector");
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

    /// <summary>The labels the chart puts on a component's pods (<c>app.kubernetes.io/name</c> is <c>cert-manager</c>, <c>webhook</c> or <c>cainjector</c>).</summary>
    public static IReadOnlyDictionary<string, string> PodLabels(string name, string component) => TopologySpread.Labels(
        ("app.kubernetes.io/name", name), ("app.kubernetes.io/instance", ReleaseName), ("app.kubernetes.io/component", component));

    // The template renders minAvailable: 1 when no bound is given; one pod at a time may go whatever the count.
    private static Dictionary<string, object> Pdb(bool enabled) => enabled
        ? new() { ["enabled"] = true, ["maxUnavailable"] = 1 }
        : new() { ["enabled"] = false };
}
