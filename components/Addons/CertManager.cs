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

    /// <summary>
    /// Turns on cert-manager's Gateway API support (HTTP-01 solver routes on a Gateway); the Gateway API CRDs must
    /// then exist before the controller starts, as it only looks for them at start-up.
    /// </summary>
    public bool GatewayApi { get; init; }

    /// <summary>
    /// True when an ACME issuer solves DNS-01: the propagation self-check then asks the cluster's resolvers only
    /// (the default-deny egress keeps the authoritative name servers' port 53 closed).
    /// </summary>
    public bool Dns01 { get; init; }

    /// <summary>Annotations binding the controller's service account to a cloud identity (DNS-01 on the cloud's DNS).</summary>
    public InputMap<string> ServiceAccountAnnotations { get; init; } = [];

    /// <summary>Labels the controller's pods need for that identity (Azure workload identity).</summary>
    public ImmutableDictionary<string, string> PodLabels { get; init; } = ImmutableDictionary<string, string>.Empty;
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
        var values = args.ServiceAccountAnnotations.ToOutput().Apply(annotations => Values(args, annotations).ToImmutableDictionary());
        Release = HelmReleases.Create(ReleaseName, VersionCatalog.CertManager, args.Namespace, values, AddonResources.Child(this, options));
        RegisterOutputs(new Dictionary<string, object?> { ["releaseName"] = Release.Name });
    }

    /// <summary>The Helm release.</summary>
    public K8s.Helm.V3.Release Release { get; }

    /// <summary>The controller's service account, as the chart names it.</summary>
    public const string ServiceAccountName = "cert-manager";

    /// <summary>The chart values, with the controller service account's resolved annotations.</summary>
    public static Dictionary<string, object> Values(CertManagerArgs args, IReadOnlyDictionary<string, string>? serviceAccountAnnotations = null)
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
        if (args.GatewayApi)
        {
            values["config"] = new Dictionary<string, object>
            {
                ["apiVersion"] = "controller.config.cert-manager.io/v1alpha1",
                ["kind"] = "ControllerConfiguration",
                ["enableGatewayAPI"] = true,
            };
        }

        if (args.Dns01)
        {
            values["dns01RecursiveNameserversOnly"] = true;
        }

        if (serviceAccountAnnotations is { Count: > 0 })
        {
            values["serviceAccount"] = new Dictionary<string, object>
            {
                ["annotations"] = serviceAccountAnnotations.OrderBy(a => a.Key, StringComparer.Ordinal).ToDictionary(a => a.Key, a => (object)a.Value),
            };
        }

        if (!args.PodLabels.IsEmpty)
        {
            // The controller's pods only: they are the ones that write challenge records.
            values["podLabels"] = args.PodLabels.OrderBy(l => l.Key, StringComparer.Ordinal).ToDictionary(l => l.Key, l => (object)l.Value);
        }

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
