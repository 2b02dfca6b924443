using System.Collections.Immutable;
using MlPlatform.Components.Addons;
using Pulumi;

namespace MlPlatform.Components.Aws;

/// <summary>The AWS Load Balancer Controller's settings (the Helm values the platform sets).</summary>
/// <param name="ClusterName">The cluster.</param>
/// <param name="Region">The region: the controller is told it, as the node metadata service is out of a pod's reach (hop limit 1).</param>
/// <param name="ServiceAccount">The controller's service account (the one its role trusts).</param>
/// <param name="HighAvailability">Two replicas spread over zones with a PodDisruptionBudget (its webhooks admit every new Service).</param>
/// <param name="PriorityClassName">The platform's top priority tier.</param>
/// <param name="SystemNodeSelector">Labels of the nodes the controller runs on.</param>
public sealed record LoadBalancerControllerSettings(
    string ClusterName,
    string Region,
    string ServiceAccount,
    bool HighAvailability,
    string PriorityClassName,
    ImmutableDictionary<string, string> SystemNodeSelector);

/// <summary>Inputs of <see cref="AwsLoadBalancerController"/>.</summary>
public sealed class AwsLoadBalancerControllerArgs
{
    /// <summary>The namespace (from the tenancy layer).</summary>
    public required Input<string> Namespace { get; init; }

    /// <summary>The namespace component to wait for.</summary>
    public required Resource NamespaceResource { get; init; }

    /// <summary>The controller's settings.</summary>
    public required LoadBalancerControllerSettings Controller { get; init; }

    /// <summary>The VPC the load balancers go into (given, as the metadata service is unreachable from pods).</summary>
    public required Input<string> VpcId { get; init; }

    /// <summary>The service account's annotations: the IRSA role ARN, or none with EKS Pod Identity.</summary>
    public InputMap<string> ServiceAccountAnnotations { get; init; } = [];

    /// <summary>What the release waits for besides the namespace (nodes, add-ons, the identity binding).</summary>
    public ImmutableArray<Resource> After { get; init; } = [];
}

/// <summary>
/// The AWS Load Balancer Controller: it provisions an NLB (target type ip) for every Service of type LoadBalancer
/// (its mutating webhook makes it the default class for new ones) and an ALB for every Ingress of class alb. Its
/// role holds the upstream least-privilege policy of the pinned version.
/// </summary>
public sealed class AwsLoadBalancerController : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:aws:AwsLoadBalancerController";

    /// <summary>The Helm release name (the chart names its objects after it).</summary>
    public const string ReleaseName = "aws-load-balancer-controller";

    /// <summary>The load balancer class of the controller's NLBs.</summary>
    public const string NlbClass = "service.k8s.aws/nlb";

    /// <summary>The port of the controller's webhook server (the chart's default), which the API server calls.</summary>
    public const int WebhookPort = 9443;

    /// <summary>Creates the release.</summary>
    public AwsLoadBalancerController(string name, AwsLoadBalancerControllerArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        Release = HelmReleases.Create(ReleaseName, VersionCatalog.AwsLoadBalancerController, args.Namespace,
            Output.Tuple(args.ServiceAccountAnnotations.ToOutput(), args.VpcId.ToOutput())
                .Apply(t => Values(args.Controller, t.Item2, t.Item1).ToImmutableDictionary()),
            new CustomResourceOptions { Parent = this, DependsOn = [args.NamespaceResource, .. args.After] });
        RegisterOutputs(new Dictionary<string, object?> { ["release"] = ReleaseName });
    }

    /// <summary>The controller release.</summary>
    public Pulumi.Kubernetes.Helm.V3.Release Release { get; }

    /// <summary>The Helm values of the controller chart.</summary>
    public static Dictionary<string, object> Values(LoadBalancerControllerSettings settings, string vpcId, IReadOnlyDictionary<string, string> serviceAccountAnnotations)
    {
        var nodeSelector = new Dictionary<string, object> { ["kubernetes.io/os"] = "linux" };
        foreach (var (key, value) in settings.SystemNodeSelector)
        {
            nodeSelector[key] = value;
        }

        var values = new Dictionary<string, object>
        {
            ["clusterName"] = settings.ClusterName,
            ["region"] = settings.Region,
            ["vpcId"] = vpcId,
            ["replicaCount"] = settings.HighAvailability ? 2 : 1,
            ["serviceAccount"] = new Dictionary<string, object>
            {
                ["create"] = true,
                ["name"] = settings.ServiceAccount,
                ["annotations"] = serviceAccountAnnotations.ToDictionary(a => a.Key, a => (object)a.Value),
            },
            ["priorityClassName"] = settings.PriorityClassName,
            ["nodeSelector"] = nodeSelector,
            // Pod Security "restricted": the chart copies both contexts into the pod as they are.
            ["podSecurityContext"] = new Dictionary<string, object>
            {
                ["fsGroup"] = 65534,
                ["runAsNonRoot"] = true,
                ["seccompProfile"] = new Dictionary<string, object> { ["type"] = "RuntimeDefault" },
            },
            ["securityContext"] = new Dictionary<string, object>
            {
                ["readOnlyRootFilesystem"] = true,
                ["runAsNonRoot"] = true,
                ["allowPrivilegeEscalation"] = false,
                ["capabilities"] = new Dictionary<string, object> { ["drop"] = new[] { "ALL" } },
            },
            ["resources"] = new Dictionary<string, object>
            {
                ["requests"] = new Dictionary<string, object> { ["cpu"] = "100m", ["memory"] = "128Mi" },
                ["limits"] = new Dictionary<string, object> { ["cpu"] = "500m", ["memory"] = "512Mi" },
            },
            // The VPC CNI gives pods VPC addresses: NLBs and ALBs target pods directly, not node ports.
            ["defaultTargetType"] = "ip",
        };
        if (settings.HighAvailability)
        {
            // The platform's HA rule: one pod may go at a time, never two replicas on one node (counting only nodes
            // they may run on), zones balanced as far as capacity allows.
            values["podDisruptionBudget"] = new Dictionary<string, object> { ["maxUnavailable"] = 1 };
            values["topologySpreadConstraints"] = new object[]
            {
                Spread("kubernetes.io/hostname", "DoNotSchedule"),
                Spread("topology.kubernetes.io/zone", "ScheduleAnyway"),
            };
        }

        return values;
    }

    private static Dictionary<string, object> Spread(string topologyKey, string whenUnsatisfiable)
    {
        var constraint = new Dictionary<string, object>
        {
            ["maxSkew"] = 1,
            ["topologyKey"] = topologyKey,
            ["whenUnsatisfiable"] = whenUnsatisfiable,
            ["labelSelector"] = new Dictionary<string, object>
            {
                ["matchLabels"] = new Dictionary<string, object>
                {
                    ["app.kubernetes.io/instance"] = ReleaseName,
                    ["app.kubernetes.io/name"] = ReleaseName,
                },
            },
        };
        if (whenUnsatisfiable == "DoNotSchedule")
        {
            constraint["nodeTaintsPolicy"] = "Honor";
        }

        return constraint;
    }
}
