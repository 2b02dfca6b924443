using System.Collections.Immutable;
using System.Text;
using Pulumi;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Components.Addons;

/// <summary>Inputs of <see cref="Kueue"/>.</summary>
public sealed class KueueArgs
{
    /// <summary>The namespace (<c>kueue-system</c>), created by the tenancy layer.</summary>
    public required Input<string> Namespace { get; init; }

    /// <summary>
    /// The namespaces whose Jobs and pods Kueue manages (the team namespaces and the pipelines' namespace): its
    /// <c>managedJobsNamespaceSelector</c>, which also limits its fail-closed pod webhook to them.
    /// </summary>
    public ImmutableArray<string> ManagedNamespaces { get; init; } = [];

    /// <summary>Two replicas of the controller (leader-elected) with a PodDisruptionBudget and zone spread.</summary>
    public bool HighAvailability { get; init; }

    /// <summary>The PriorityClass of the controller (the platform's <c>system-critical</c> tier); null keeps the cluster default.</summary>
    public string? PriorityClassName { get; init; }
}

/// <summary>
/// Kueue from its chart with its CRDs: the controller that admits queued batch work against ClusterQueue quotas,
/// with its admission webhooks (9443) and visibility API server (8082), both called by the API server. It manages
/// <c>batch/v1</c> Jobs and plain pods (how Argo Workflows' step pods are queued) that carry the
/// <c>kueue.x-k8s.io/queue-name</c> label, only in <see cref="KueueArgs.ManagedNamespaces"/>; work without the label is
/// left alone (<c>manageJobsWithoutQueueName: false</c>).
/// </summary>
public sealed class Kueue : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:addons:Kueue";

    /// <summary>The Helm release name.</summary>
    public const string ReleaseName = "kueue";

    /// <summary>The label that sends a Job or pod to a LocalQueue of its namespace.</summary>
    public const string QueueNameLabel = "kueue.x-k8s.io/queue-name";

    /// <summary>The controller image as published with the chart (the in-repository values name a staging image).</summary>
    public const string ImageRepository = "registry.k8s.io/kueue/kueue";

    /// <summary>The integrations Kueue runs: Jobs, and plain pods for Argo Workflows' steps.</summary>
    public static ImmutableArray<string> Frameworks { get; } = ["batch/job", "pod"];

    /// <summary>Creates the release.</summary>
    public Kueue(string name, KueueArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        Release = HelmReleases.Create(ReleaseName, VersionCatalog.Kueue, args.Namespace, Values(args).ToImmutableDictionary(), AddonResources.Child(this, options));
        RegisterOutputs(new Dictionary<string, object?> { ["releaseName"] = Release.Name, ["version"] = VersionCatalog.Kueue.Version });
    }

    /// <summary>The Helm release.</summary>
    public K8s.Helm.V3.Release Release { get; }

    /// <summary>The chart values.</summary>
    public static Dictionary<string, object> Values(KueueArgs args)
    {
        var manager = new Dictionary<string, object>
        {
            ["image"] = new Dictionary<string, object>
            {
                ["repository"] = ImageRepository,
                ["tag"] = $"v{VersionCatalog.Kueue.Version}",
                ["pullPolicy"] = "IfNotPresent",
            },
        };
        if (args.PriorityClassName is not null)
        {
            manager["priorityClassName"] = args.PriorityClassName;
        }

        var controller = new Dictionary<string, object>
        {
            ["replicas"] = args.HighAvailability ? 2 : 1,
            ["manager"] = manager,
        };
        if (args.HighAvailability)
        {
            controller["podDisruptionBudget"] = new Dictionary<string, object> { ["enabled"] = true, ["minAvailable"] = 1 };
            controller["topologySpreadConstraints"] = TopologySpread.Constraints(TopologySpread.Labels(
                ("app.kubernetes.io/name", "kueue"), ("app.kubernetes.io/instance", ReleaseName), ("control-plane", "controller-manager")));
        }

        return new Dictionary<string, object>
        {
            ["controllerManager"] = controller,
            ["managerConfig"] = new Dictionary<string, object> { ["controllerManagerConfigYaml"] = ManagerConfig(args.ManagedNamespaces) },
        };
    }

    /// <summary>
    /// The controller's configuration (<c>config.kueue.x-k8s.io/v1beta2</c>): the chart's defaults, with only the
    /// platform's integrations and the namespaces it manages.
    /// </summary>
    public static string ManagerConfig(ImmutableArray<string> managedNamespaces)
    {
        var yaml = new StringBuilder();
        yaml.AppendLine("apiVersion: config.kueue.x-k8s.io/v1beta2");
        yaml.AppendLine("kind: Configuration");
        yaml.AppendLine("health:");
        yaml.AppendLine("  healthProbeBindAddress: :8081");
        yaml.AppendLine("metrics:");
        yaml.AppendLine("  bindAddress: :8443");
        yaml.AppendLine("webhook:");
        yaml.AppendLine("  port: 9443");
        yaml.AppendLine("leaderElection:");
        yaml.AppendLine("  leaderElect: true");
        yaml.AppendLine("  resourceName: c1f6bfd2.kueue.x-k8s.io");
        yaml.AppendLine("controller:");
        yaml.AppendLine("  groupKindConcurrency:");
        yaml.AppendLine("    Job.batch: 5");
        yaml.AppendLine("    Pod: 5");
        yaml.AppendLine("    Workload.kueue.x-k8s.io: 10");
        yaml.AppendLine("    LocalQueue.kueue.x-k8s.io: 5");
        yaml.AppendLine("    ClusterQueue.kueue.x-k8s.io: 5");
        yaml.AppendLine("    ResourceFlavor.kueue.x-k8s.io: 1");
        yaml.AppendLine("clientConnection:");
        yaml.AppendLine("  qps: 300");
        yaml.AppendLine("  burst: 500");
        yaml.AppendLine("manageJobsWithoutQueueName: false");
        yaml.AppendLine("managedJobsNamespaceSelector:");
        yaml.AppendLine("  matchExpressions:");
        yaml.AppendLine("    - key: kubernetes.io/metadata.name");
        if (managedNamespaces.IsEmpty)
        {
            // Every namespace has the label: no namespace is managed.
            yaml.AppendLine("      operator: DoesNotExist");
        }
        else
        {
            yaml.AppendLine("      operator: In");
            yaml.AppendLine("      values:");
            foreach (var ns in managedNamespaces)
            {
                yaml.AppendLine($"        - {ns}");
            }
        }

        yaml.AppendLine("integrations:");
        yaml.AppendLine("  frameworks:");
        foreach (var framework in Frameworks)
        {
            yaml.AppendLine($"    - \"{framework}\"");
        }

        return yaml.ToString();
    }
}
