using System.Collections.Immutable;
using MlPlatform.Components.Kubernetes;
using Pulumi;
using Pulumi.Kubernetes.Types.Inputs.Meta.V1;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Components.Addons;

/// <summary>An Argo CD Application syncing one directory of a Git repository into one namespace.</summary>
public sealed record GitOpsApplication
{
    /// <summary>The Application's name.</summary>
    public required string Name { get; init; }

    /// <summary>The Git repository URL.</summary>
    public required string RepoUrl { get; init; }

    /// <summary>The directory in the repository.</summary>
    public string Path { get; init; } = ".";

    /// <summary>Branch, tag or commit.</summary>
    public string TargetRevision { get; init; } = "HEAD";

    /// <summary>The destination namespace.</summary>
    public required string Namespace { get; init; }

    /// <summary>Delete what was removed from Git.</summary>
    public bool Prune { get; init; } = true;

    /// <summary>Revert drift made outside Git.</summary>
    public bool SelfHeal { get; init; } = true;

    /// <summary>The Application <c>spec</c>.</summary>
    public ImmutableDictionary<string, object> Spec() => ImmutableDictionary<string, object>.Empty
        .Add("project", "default")
        .Add("source", new Dictionary<string, object> { ["repoURL"] = RepoUrl, ["path"] = Path, ["targetRevision"] = TargetRevision })
        .Add("destination", new Dictionary<string, object> { ["server"] = "https://kubernetes.default.svc", ["namespace"] = Namespace })
        .Add("syncPolicy", new Dictionary<string, object>
        {
            ["automated"] = new Dictionary<string, object> { ["prune"] = Prune, ["selfHeal"] = SelfHeal },

            // Namespaces come from the platform's tenancy layer, with their quotas and policies, never from an app.
            ["syncOptions"] = new object[] { "CreateNamespace=false" },
            ["retry"] = new Dictionary<string, object>
            {
                ["limit"] = 5,
                ["backoff"] = new Dictionary<string, object> { ["duration"] = "10s", ["factor"] = 2, ["maxDuration"] = "5m" },
            },
        });
}

/// <summary>Inputs of <see cref="ArgoCd"/>.</summary>
public sealed class ArgoCdArgs
{
    /// <summary>The namespace (<c>argocd</c>).</summary>
    public required Input<string> Namespace { get; init; }

    /// <summary>The namespace component with its guard rails.</summary>
    public required Resource NamespaceReady { get; init; }

    /// <summary>The chart's documented HA mode: redis-ha and two replicas of the stateless parts (production).</summary>
    public bool HighAvailability { get; init; }

    /// <summary>The PriorityClass of every Argo CD pod (the platform's <c>system-critical</c> tier); null keeps the cluster default.</summary>
    public string? PriorityClassName { get; init; }

    /// <summary>The PriorityClasses, when <see cref="PriorityClassName"/> names one: pods naming a missing class are refused.</summary>
    public Resource? PriorityClassesReady { get; init; }

    /// <summary>The workloads Application; null for none.</summary>
    public GitOpsApplication? Application { get; init; }

    /// <summary>What the Application waits for besides Argo CD (its destination namespace).</summary>
    public ImmutableArray<Resource> ApplicationReady { get; init; } = [];

    /// <summary>Labels of the objects the platform creates directly.</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// Argo CD for GitOps of workloads, with an optional Application. Metrics Services (label
/// <c>app.kubernetes.io/instance: argocd</c>, port <c>http-metrics</c>, path <c>/metrics</c>):
/// <c>argocd-application-controller-metrics</c> (<c>app.kubernetes.io/name: argocd-metrics</c>,
/// <c>app.kubernetes.io/component: application-controller</c>, 8082), <c>argocd-server-metrics</c>
/// (<c>argocd-server-metrics</c>, <c>server</c>, 8083), <c>argocd-repo-server-metrics</c>
/// (<c>argocd-repo-server-metrics</c>, <c>repo-server</c>, 8084) and <c>argocd-applicationset-controller-metrics</c>
/// (<c>argocd-metrics</c>, <c>applicationset-controller</c>, 8080).
/// </summary>
public sealed class ArgoCd : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:addons:ArgoCd";

    /// <summary>The Helm release name; the chart's name override is <c>argocd</c>, so objects are named <c>argocd-*</c>.</summary>
    public const string ReleaseName = "argocd";

    /// <summary>Installs Argo CD.</summary>
    public ArgoCd(string name, ArgoCdArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var releaseOptions = new CustomResourceOptions { Parent = this, DependsOn = { args.NamespaceReady } };
        if (args.PriorityClassesReady is { } priorityClasses)
        {
            releaseOptions.DependsOn.Add(priorityClasses);
        }

        Release = HelmReleases.Create(ReleaseName, VersionCatalog.ArgoCd, args.Namespace, Values(args.HighAvailability, args.PriorityClassName), releaseOptions);

        if (args.Application is { } app)
        {
            var appOptions = new CustomResourceOptions { Parent = this, DependsOn = { Release } };
            appOptions.DependsOn.AddRange(args.ApplicationReady.Select(r => (Input<Resource>)r).ToList());
            Application = new K8s.ApiExtensions.CustomResource($"{name}-{app.Name}", new KubernetesObjectArgs(
                "argoproj.io/v1alpha1",
                "Application",
                new ObjectMetaArgs
                {
                    Name = app.Name,
                    Namespace = args.Namespace,
                    Labels = args.Labels,

                    // Deleting the Application deletes what it deployed, instead of orphaning it.
                    Finalizers = { "resources-finalizer.argocd.argoproj.io" },
                },
                app.Spec()), appOptions);
        }

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["version"] = VersionCatalog.ArgoCd.Version,
            ["application"] = args.Application?.Name,
        });
    }

    /// <summary>The release.</summary>
    public K8s.Helm.V3.Release Release { get; }

    /// <summary>The Application; null when not configured.</summary>
    public K8s.ApiExtensions.CustomResource? Application { get; }

    /// <summary>The chart values.</summary>
    public static ImmutableDictionary<string, object> Values(bool highAvailability, string? priorityClassName = null)
    {
        var replicas = highAvailability ? 2 : 1;
        Dictionary<string, object> Metrics() => new() { ["enabled"] = true };

        // Without bounds the chart renders minAvailable: 0, which protects nothing: one pod at a time may go.
        Dictionary<string, object> Pdb(bool enabled) => enabled
            ? new() { ["enabled"] = true, ["maxUnavailable"] = 1 }
            : new() { ["enabled"] = false };
        Dictionary<string, object> Component(int count) => new() { ["replicas"] = count, ["metrics"] = Metrics(), ["pdb"] = Pdb(count > 1) };

        var global = new Dictionary<string, object>();
        if (highAvailability)
        {
            // Every component takes the global constraints, with its own selector filled in by the chart.
            global["topologySpreadConstraints"] = TopologySpread.Constraints();
        }

        if (priorityClassName is not null)
        {
            global["priorityClassName"] = priorityClassName; // redis-ha reads it through Helm's globals too
        }

        var values = ImmutableDictionary<string, object>.Empty
            // No SSO provider is configured by the platform: Dex would run idle.
            .Add("dex", new Dictionary<string, object> { ["enabled"] = false })
            .Add("redis-ha", RedisHa(highAvailability))

            // One application controller: more replicas only shard clusters, and Argo CD manages this one.
            .Add("controller", Component(1))
            .Add("server", Component(replicas))
            .Add("repoServer", Component(replicas))
            .Add("applicationSet", Component(replicas));
        return global.Count > 0 ? values.Add("global", global) : values;
    }

    // redis-ha renders its budgets from non-empty maps (as given) and spreads over zones with its own switch (the
    // template's default key is the zone); its hard anti-affinity already keeps the three servers and proxies on
    // three nodes. Sentinel keeps a quorum of two with one server gone.
    private static Dictionary<string, object> RedisHa(bool enabled)
    {
        var values = new Dictionary<string, object> { ["enabled"] = enabled };
        if (enabled)
        {
            values["podDisruptionBudget"] = new Dictionary<string, object> { ["maxUnavailable"] = 1 };
            values["haproxy"] = new Dictionary<string, object> { ["podDisruptionBudget"] = new Dictionary<string, object> { ["maxUnavailable"] = 1 } };
            values["topologySpreadConstraints"] = new Dictionary<string, object> { ["enabled"] = true };
        }

        return values;
    }
}
