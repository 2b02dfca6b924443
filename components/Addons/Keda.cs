using System.Collections.Immutable;
using Pulumi;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Components.Addons;

/// <summary>Inputs of <see cref="Keda"/>.</summary>
public sealed class KedaArgs
{
    /// <summary>The namespace (<c>keda</c>), created by the tenancy layer.</summary>
    public required Input<string> Namespace { get; init; }

    /// <summary>Two replicas of the operator, the metrics API server and the webhooks, each with a PodDisruptionBudget.</summary>
    public bool HighAvailability { get; init; }

    /// <summary>The PriorityClass of KEDA's pods (the platform's <c>system-critical</c> tier); null keeps the cluster default.</summary>
    public string? PriorityClassName { get; init; }
}

/// <summary>
/// KEDA, the event-driven autoscaler, from its chart with its CRDs (on clouds that do not run it as a managed add-on):
/// the operator (leader-elected), the external metrics API server the HPAs read, and the admission webhooks that
/// refuse two scalers on one workload; restricted security contexts (the chart's defaults), operator metrics for
/// Prometheus.
/// Metrics: the operator's pods (label <c>app: keda-operator</c>) serve <c>/metrics</c> on container port 8080 once
/// <c>prometheus.operator.enabled</c> is on.
/// </summary>
public sealed class Keda : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:addons:Keda";

    /// <summary>The Helm release name.</summary>
    public const string ReleaseName = "keda";

    /// <summary>The operator's metrics port.</summary>
    public const int OperatorMetricsPort = 8080;

    /// <summary>Creates the release.</summary>
    public Keda(string name, KedaArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        Release = HelmReleases.Create(ReleaseName, VersionCatalog.Keda, args.Namespace, Values(args).ToImmutableDictionary(), AddonResources.Child(this, options));
        RegisterOutputs(new Dictionary<string, object?> { ["releaseName"] = Release.Name, ["version"] = VersionCatalog.Keda.Version });
    }

    /// <summary>The Helm release.</summary>
    public K8s.Helm.V3.Release Release { get; }

    /// <summary>The chart values.</summary>
    public static Dictionary<string, object> Values(KedaArgs args)
    {
        var replicas = args.HighAvailability ? 2 : 1;
        Dictionary<string, object> Budget() => new() { ["minAvailable"] = 1 };

        var values = new Dictionary<string, object>
        {
            ["crds"] = new Dictionary<string, object> { ["install"] = true },
            ["operator"] = new Dictionary<string, object> { ["replicaCount"] = replicas },
            ["metricsServer"] = new Dictionary<string, object> { ["replicaCount"] = replicas },
            ["webhooks"] = new Dictionary<string, object> { ["enabled"] = true, ["replicaCount"] = replicas },
            ["prometheus"] = new Dictionary<string, object>
            {
                // The platform scrapes the operator with its own PodMonitor (PlatformScrapeTargets.KedaOperator).
                ["operator"] = new Dictionary<string, object> { ["enabled"] = true, ["port"] = OperatorMetricsPort },
            },
        };
        if (args.HighAvailability)
        {
            values["podDisruptionBudget"] = new Dictionary<string, object>
            {
                ["operator"] = Budget(),
                ["metricServer"] = Budget(),
                ["webhooks"] = Budget(),
            };

            // The chart renders the constraints as given: each names its component's pod label.
            values["topologySpreadConstraints"] = new Dictionary<string, object>
            {
                ["operator"] = TopologySpread.Constraints(TopologySpread.Labels(("app", "keda-operator"))),
                ["metricsServer"] = TopologySpread.Constraints(TopologySpread.Labels(("app", "keda-operator-metrics-apiserver"))),
                ["webhooks"] = TopologySpread.Constraints(TopologySpread.Labels(("app", "keda-admission-webhooks"))),
            };
        }

        if (args.PriorityClassName is not null)
        {
            values["priorityClassName"] = args.PriorityClassName;
        }

        return values;
    }
}
