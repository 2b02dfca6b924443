using System.Collections.Immutable;
using MlPlatform.Components.Kubernetes;
using Pulumi;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Components.Addons;

/// <summary>Inputs of <see cref="Kyverno"/>.</summary>
public sealed class KyvernoArgs
{
    /// <summary>The kyverno namespace (from the tenancy layer).</summary>
    public required Input<string> Namespace { get; init; }

    /// <summary>Three admission controller replicas and two of each other controller, with disruption budgets.</summary>
    public bool HighAvailability { get; init; }

    /// <summary>The PriorityClass of the add-on's pods (the platform's <c>system-critical</c> tier); null keeps the cluster default.</summary>
    public string? PriorityClassName { get; init; }

    /// <summary>The platform's cluster policies.</summary>
    public required PolicySet Policies { get; init; }

    /// <summary>Resources the policies must wait for: the other add-ons, so that policies apply after the platform's own first install.</summary>
    public ImmutableArray<Resource> PoliciesAfter { get; init; } = [];

    /// <summary>Labels of the objects the component creates.</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>Kyverno and the platform's ClusterPolicies, which wait for the release (its CRDs and webhooks).</summary>
public sealed class Kyverno : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:addons:Kyverno";

    /// <summary>The Helm release name.</summary>
    public const string ReleaseName = "kyverno";

    /// <summary>Creates the release and the policies.</summary>
    public Kyverno(string name, KyvernoArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        Release = HelmReleases.Create(ReleaseName, VersionCatalog.Kyverno, args.Namespace, Values(args), AddonResources.Child(this, options));

        // Names and annotations are known now; the specs may wait for the stack registry's host (an output).
        var resolved = args.Policies.Resolved();
        Policies = [.. args.Policies.All().Select(policy => new K8s.ApiExtensions.CustomResource($"{name}-{policy.Name}", new KubernetesObjectArgs(
            "kyverno.io/v1", "ClusterPolicy",
            AddonResources.Metadata(policy.Name, null, args.Labels, annotations: policy.Annotations),
            resolved.Apply(all => all.Single(p => p.Name == policy.Name).Spec.ToImmutableDictionary())),
            AddonResources.Child(this, options, [Release, .. args.PoliciesAfter])))];

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["releaseName"] = Release.Name,
            ["policies"] = args.Policies.All().Select(p => p.Name).ToList(),
        });
    }

    /// <summary>The Helm release.</summary>
    public K8s.Helm.V3.Release Release { get; }

    /// <summary>The ClusterPolicies.</summary>
    public ImmutableArray<K8s.ApiExtensions.CustomResource> Policies { get; }

    /// <summary>The chart values.</summary>
    public static Dictionary<string, object> Values(KyvernoArgs args)
    {
        Dictionary<string, object> Controller(string component, int replicas)
        {
            var values = new Dictionary<string, object> { ["replicas"] = replicas };
            if (replicas > 1)
            {
                // The chart renders a budget whenever replicas > 1 and fails when both bounds are truthy: its default
                // minAvailable: 1 is turned off (0) so that maxUnavailable: 1 lets exactly one pod go at a time.
                values["podDisruptionBudget"] = new Dictionary<string, object> { ["enabled"] = true, ["minAvailable"] = 0, ["maxUnavailable"] = 1 };
                values["topologySpreadConstraints"] = TopologySpread.Constraints(PodLabels(component));
            }
            else
            {
                values["podDisruptionBudget"] = new Dictionary<string, object> { ["enabled"] = false };
            }

            return values;
        }

        var values = new Dictionary<string, object>
        {
            ["admissionController"] = Controller("admission-controller", args.HighAvailability ? 3 : 1),
            ["backgroundController"] = Controller("background-controller", args.HighAvailability ? 2 : 1),
            ["cleanupController"] = Controller("cleanup-controller", args.HighAvailability ? 2 : 1),
            ["reportsController"] = Controller("reports-controller", args.HighAvailability ? 2 : 1),
        };
        if (args.PriorityClassName is not null)
        {
            values["global"] = new Dictionary<string, object> { ["priorityClassName"] = args.PriorityClassName };
        }

        return values;
    }

    /// <summary>The labels the chart puts on a controller's pods (the chart's <c>matchLabels</c> helpers).</summary>
    public static IReadOnlyDictionary<string, string> PodLabels(string component) => TopologySpread.Labels(
        ("app.kubernetes.io/part-of", ReleaseName), ("app.kubernetes.io/instance", ReleaseName), ("app.kubernetes.io/component", component));
}
