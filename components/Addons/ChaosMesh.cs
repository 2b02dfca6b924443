using System.Collections.Immutable;
using MlPlatform.Components.Kubernetes;
using Pulumi;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Components.Addons;

/// <summary>Inputs of <see cref="ChaosMesh"/>.</summary>
public sealed class ChaosMeshArgs
{
    /// <summary>The namespace (<c>chaos-mesh</c>), created by the tenancy layer at the Pod Security level privileged.</summary>
    public required Input<string> Namespace { get; init; }

    /// <summary>The namespace of the Schedules (the chaos objects live next to Chaos Mesh, their selectors aim at serving).</summary>
    public required string ScheduleNamespace { get; init; }

    /// <summary>The namespace whose predictors the experiments aim at.</summary>
    public required string ServingNamespace { get; init; }

    /// <summary>The PriorityClass of the controller, the daemons and the dashboard; null keeps the cluster default.</summary>
    public string? PriorityClassName { get; init; }

    /// <summary>The container runtime's socket on the nodes (containerd on every managed cloud the platform targets).</summary>
    public string RuntimeSocket { get; init; } = ChaosMesh.ContainerdSocket;

    /// <summary>Labels of the objects the component creates.</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// Chaos Mesh from its chart with its CRDs: the controller manager (one leader-elected replica), the chaos daemon on
/// every node (privileged, in the host's PID namespace, talking to containerd), and the dashboard as a ClusterIP
/// Service in security mode (every request needs a Kubernetes token; reached with <c>kubectl port-forward</c>, never a
/// NodePort or load balancer); the DNS server is off (no DNSChaos). The platform's five
/// <see cref="ChaosExperiments"/> are Schedules created after the release.
/// </summary>
public sealed class ChaosMesh : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:addons:ChaosMesh";

    /// <summary>The Helm release name.</summary>
    public const string ReleaseName = "chaos-mesh";

    /// <summary>The containerd socket of EKS (Amazon Linux 2023, Bottlerocket), AKS, GKE (COS, Ubuntu) and kind nodes.</summary>
    public const string ContainerdSocket = "/run/containerd/containerd.sock";

    /// <summary>The controller manager's admission webhook port, which the API server calls.</summary>
    public const int WebhookPort = 10250;

    /// <summary>Creates the release and the Schedules.</summary>
    public ChaosMesh(string name, ChaosMeshArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        Release = HelmReleases.Create(ReleaseName, VersionCatalog.ChaosMesh, args.Namespace, Values(args).ToImmutableDictionary(), AddonResources.Child(this, options));
        Schedules = [.. ChaosExperiments.For(args.ServingNamespace).Select(e => new K8s.ApiExtensions.CustomResource($"{name}-{e.Name}", new KubernetesObjectArgs(
            "chaos-mesh.org/v1alpha1", "Schedule", AddonResources.Metadata(e.Name, args.ScheduleNamespace, args.Labels), e.ScheduleSpec().ToImmutableDictionary()),
            AddonResources.Child(this, options, Release)))];
        RegisterOutputs(new Dictionary<string, object?>
        {
            ["releaseName"] = Release.Name,
            ["version"] = VersionCatalog.ChaosMesh.Version,
            ["schedules"] = ChaosExperiments.For(args.ServingNamespace).Select(e => e.Name).ToArray(),
        });
    }

    /// <summary>The Helm release.</summary>
    public K8s.Helm.V3.Release Release { get; }

    /// <summary>The Schedules, one per experiment.</summary>
    public ImmutableArray<K8s.ApiExtensions.CustomResource> Schedules { get; }

    /// <summary>The chart values.</summary>
    public static Dictionary<string, object> Values(ChaosMeshArgs args)
    {
        var controller = new Dictionary<string, object> { ["replicaCount"] = 1 };
        var dashboard = new Dictionary<string, object>
        {
            ["create"] = true,
            ["replicaCount"] = 1,
            ["securityMode"] = true,
            ["service"] = new Dictionary<string, object> { ["type"] = "ClusterIP" },
        };
        var daemon = new Dictionary<string, object>
        {
            ["runtime"] = "containerd",
            ["socketPath"] = args.RuntimeSocket,
            ["privileged"] = true,

            // Experiments may aim at pods on GPU and spot nodes, whatever their taints.
            ["tolerations"] = new object[] { new Dictionary<string, object> { ["operator"] = "Exists" } },
            ["resources"] = new Dictionary<string, object>
            {
                ["requests"] = new Dictionary<string, object> { ["cpu"] = "25m", ["memory"] = "64Mi" },
                ["limits"] = new Dictionary<string, object> { ["memory"] = "512Mi" },
            },
        };
        var values = new Dictionary<string, object>
        {
            ["controllerManager"] = controller,
            ["chaosDaemon"] = daemon,
            ["dashboard"] = dashboard,
            ["dnsServer"] = new Dictionary<string, object> { ["create"] = false },
        };

        if (args.PriorityClassName is not null)
        {
            controller["priorityClassName"] = args.PriorityClassName;
            daemon["priorityClassName"] = args.PriorityClassName;
            dashboard["priorityClassName"] = args.PriorityClassName;
        }

        return values;
    }
}
