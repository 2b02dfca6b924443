using System.Collections.Immutable;
using MlPlatform.Components.Addons;
using MlPlatform.Components.Kubernetes;
using Pulumi;
using Pulumi.Kubernetes.Types.Inputs.Core.V1;
using Pulumi.Kubernetes.Types.Inputs.Meta.V1;
using Pulumi.Random;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Components.Workloads;

/// <summary>Where a PostgreSQL cluster's backups go, and how it authenticates there (never with a static key).</summary>
/// <param name="DestinationPath">The bucket path (<c>s3://bucket/cnpg</c>, <c>gs://bucket/cnpg</c>, <c>https://account.blob.core.windows.net/container/cnpg</c>).</param>
/// <param name="Credentials">The <c>barmanObjectStore</c> credentials block: the node/pod identity of the cloud.</param>
public sealed record BackupTarget(string DestinationPath, ImmutableDictionary<string, object> Credentials)
{
    /// <summary>The credentials block of a bucket URI: IAM role (IRSA), GKE workload identity, or Azure AD workload identity.</summary>
    public static BackupTarget For(string bucketUri, string name)
    {
        var scheme = bucketUri.Split("://")[0];
        var (key, block) = scheme switch
        {
            "s3" => ("s3Credentials", new Dictionary<string, object> { ["inheritFromIAMRole"] = true }),
            "gs" => ("googleCredentials", new Dictionary<string, object> { ["gkeEnvironment"] = true }),
            _ => ("azureCredentials", new Dictionary<string, object> { ["inheritFromAzureAD"] = true }),
        };
        return new BackupTarget($"{bucketUri.TrimEnd('/')}/cnpg/{name}", ImmutableDictionary<string, object>.Empty.Add(key, block));
    }
}

/// <summary>Inputs of <see cref="PostgresCluster"/>.</summary>
public sealed record PostgresClusterArgs
{
    /// <summary>Cluster name.</summary>
    public required string Name { get; init; }

    /// <summary>Namespace.</summary>
    public required string Namespace { get; init; }

    /// <summary>Primary plus replicas.</summary>
    public int Instances { get; init; } = 3;

    /// <summary>Volume size per instance.</summary>
    public required string StorageSize { get; init; }

    /// <summary>StorageClass; null for the cluster default.</summary>
    public string? StorageClass { get; init; }

    /// <summary>Requests and limits per instance.</summary>
    public WorkloadResources Resources { get; init; } = new("1", "2Gi", "2", "4Gi");

    /// <summary>Placement.</summary>
    public WorkloadPlacement Placement { get; init; } = WorkloadPlacement.Anywhere;

    /// <summary>The cloud bucket the nightly backups go to (<c>s3://</c>, <c>gs://</c>, <c>https://…blob…</c>); null for no backups.</summary>
    public Input<string>? BackupBucketUri { get; init; }

    /// <summary>Create a PodMonitor for the instances' metrics.</summary>
    public bool PodMonitor { get; init; } = true;

    /// <summary>PriorityClass.</summary>
    public string PriorityClassName { get; init; } = "interactive";

    /// <summary>What the objects wait for (the namespace, the operator release).</summary>
    public ImmutableArray<Resource> Ready { get; init; } = [];

    /// <summary>Labels.</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// A PostgreSQL cluster run by the CloudNativePG operator: a primary and streaming replicas on their own volumes,
/// spread over zones, with the credentials in a Secret the operator generates (<c>NAME-app</c>), a PodMonitor, and
/// nightly backups to the cloud bucket through the pods' cloud identity.
/// </summary>
public sealed class PostgresCluster : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:workloads:PostgresCluster";

    /// <summary>The metrics port of an instance.</summary>
    public const int MetricsPort = 9187;

    /// <summary>Creates the cluster.</summary>
    public PostgresCluster(string name, PostgresClusterArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var child = new CustomResourceOptions { Parent = this };
        child.DependsOn.AddRange(args.Ready.Select(r => (Input<Resource>)r).ToList());
        InputMap<object> spec = args.BackupBucketUri is { } bucket
            ? bucket.ToOutput().Apply(uri => ClusterSpec(args, BackupTarget.For(uri, args.Name)).ToImmutableDictionary())
            : ClusterSpec(args, null).ToImmutableDictionary();
        Cluster = new K8s.ApiExtensions.CustomResource(name, new KubernetesObjectArgs(
            "postgresql.cnpg.io/v1", "Cluster", Meta(args.Name, args), spec),
            CustomResourceOptions.Merge(child, new CustomResourceOptions { Protect = true }));
        var afterCluster = CustomResourceOptions.Merge(child, new CustomResourceOptions { DependsOn = { Cluster } });
        if (args.BackupBucketUri is not null)
        {
            _ = new K8s.ApiExtensions.CustomResource($"{name}-backup", new KubernetesObjectArgs(
                "postgresql.cnpg.io/v1", "ScheduledBackup", Meta($"{args.Name}-nightly", args), ScheduledBackupSpec(args.Name).ToImmutableDictionary()), afterCluster);
        }

        if (args.PodMonitor)
        {
            _ = new K8s.ApiExtensions.CustomResource($"{name}-metrics", new KubernetesObjectArgs(
                "monitoring.coreos.com/v1", "PodMonitor", Meta(args.Name, args), PodMonitorSpec(args.Name).ToImmutableDictionary()), afterCluster);
        }

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["host"] = $"{args.Name}-rw.{args.Namespace}.svc.cluster.local",
            ["credentialsSecret"] = $"{args.Name}-app",
        });
    }

    /// <summary>The Cluster.</summary>
    public K8s.ApiExtensions.CustomResource Cluster { get; }

    /// <summary>The Cluster <c>spec</c>.</summary>
    /// <param name="args">The cluster.</param>
    /// <param name="backup">Where backups go; null for none.</param>
    public static Dictionary<string, object> ClusterSpec(PostgresClusterArgs args, BackupTarget? backup)
    {
        var r = args.Resources;
        var storage = new Dictionary<string, object> { ["size"] = args.StorageSize };
        if (args.StorageClass is { } storageClass)
        {
            storage["storageClass"] = storageClass;
        }

        var affinity = new Dictionary<string, object>
        {
            // One instance per node, required: losing a node never loses two copies.
            ["enablePodAntiAffinity"] = true,
            ["podAntiAffinityType"] = "required",
            ["topologyKey"] = TopologySpread.HostKey,
        };
        if (!args.Placement.NodeSelector.IsEmpty)
        {
            affinity["nodeSelector"] = args.Placement.NodeSelector.ToDictionary(l => l.Key, l => (object)l.Value);
        }

        if (!args.Placement.Tolerations.IsEmpty)
        {
            affinity["tolerations"] = PodToleration.List(args.Placement.Tolerations);
        }

        var spec = new Dictionary<string, object>
        {
            ["instances"] = args.Instances,
            ["primaryUpdateStrategy"] = "unsupervised",
            ["enablePDB"] = true,
            ["storage"] = storage,
            ["resources"] = new Dictionary<string, object>
            {
                ["requests"] = new Dictionary<string, object> { ["cpu"] = r.RequestsCpu, ["memory"] = r.RequestsMemory },
                ["limits"] = new Dictionary<string, object> { ["cpu"] = r.LimitsCpu, ["memory"] = r.LimitsMemory },
            },
            ["affinity"] = affinity,
            ["topologySpreadConstraints"] = new object[]
            {
                new Dictionary<string, object>
                {
                    ["maxSkew"] = 1,
                    ["topologyKey"] = TopologySpread.ZoneKey,
                    ["whenUnsatisfiable"] = "ScheduleAnyway",
                    ["labelSelector"] = new Dictionary<string, object> { ["matchLabels"] = new Dictionary<string, object> { ["cnpg.io/cluster"] = args.Name } },
                },
            },
            ["priorityClassName"] = args.PriorityClassName,
        };
        if (backup is not null)
        {
            var store = new Dictionary<string, object> { ["destinationPath"] = backup.DestinationPath };
            foreach (var (key, value) in backup.Credentials)
            {
                store[key] = value;
            }

            spec["backup"] = new Dictionary<string, object> { ["barmanObjectStore"] = store, ["retentionPolicy"] = "30d" };
        }

        return spec;
    }

    /// <summary>The ScheduledBackup <c>spec</c>: every night at 03:00 (the operator's cron has a seconds field).</summary>
    public static Dictionary<string, object> ScheduledBackupSpec(string cluster) => new()
    {
        ["schedule"] = "0 0 3 * * *",
        ["cluster"] = new Dictionary<string, object> { ["name"] = cluster },
        ["method"] = "barmanObjectStore",
        ["backupOwnerReference"] = "self",
    };

    /// <summary>The PodMonitor <c>spec</c> of the instances' metrics port.</summary>
    public static Dictionary<string, object> PodMonitorSpec(string cluster) => new()
    {
        ["selector"] = new Dictionary<string, object> { ["matchLabels"] = new Dictionary<string, object> { ["cnpg.io/cluster"] = cluster } },
        ["podMetricsEndpoints"] = new object[] { new Dictionary<string, object> { ["port"] = "metrics" } },
    };

    private static ObjectMetaArgs Meta(string name, PostgresClusterArgs args) => new() { Name = name, Namespace = args.Namespace, Labels = args.Labels };
}

/// <summary>Inputs of <see cref="ValkeyCache"/>.</summary>
public sealed record ValkeyCacheArgs
{
    /// <summary>Release name.</summary>
    public required string Name { get; init; }

    /// <summary>Namespace.</summary>
    public required string Namespace { get; init; }

    /// <summary>Primary plus replicas.</summary>
    public int Instances { get; init; } = 3;

    /// <summary>Volume size per instance; null for none (standalone only).</summary>
    public string? StorageSize { get; init; }

    /// <summary>StorageClass; null for the cluster default.</summary>
    public string? StorageClass { get; init; }

    /// <summary>Requests and limits.</summary>
    public WorkloadResources Resources { get; init; } = new("250m", "512Mi", "1", "1Gi");

    /// <summary>PriorityClass.</summary>
    public string PriorityClassName { get; init; } = "interactive";

    /// <summary>Export metrics (the chart's exporter sidecar and PodMonitor).</summary>
    public bool Metrics { get; init; } = true;

    /// <summary>What the release waits for.</summary>
    public ImmutableArray<Resource> Ready { get; init; } = [];

    /// <summary>Labels.</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// A Redis-compatible cache: the official Valkey chart (the valkey-io image, no Bitnami), a primary and replicas,
/// ACL authentication with a generated password in a Secret the chart reads (<c>NAME-auth</c>, key <c>default</c>),
/// optional persistence, a disruption budget and spreading, restricted pods.
/// </summary>
public sealed class ValkeyCache : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:workloads:ValkeyCache";

    /// <summary>The Valkey image tag the chart runs (its appVersion), pinned.</summary>
    public const string ImageTag = "9.1.1";

    /// <summary>Creates the cache.</summary>
    public ValkeyCache(string name, ValkeyCacheArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var child = new CustomResourceOptions { Parent = this };
        child.DependsOn.AddRange(args.Ready.Select(r => (Input<Resource>)r).ToList());
        var password = new RandomPassword($"{name}-password", new RandomPasswordArgs { Length = 32, Special = false }, new CustomResourceOptions { Parent = this });
        var secret = new K8s.Core.V1.Secret($"{name}-auth", new SecretArgs
        {
            Metadata = new ObjectMetaArgs { Name = AuthSecretName(args.Name), Namespace = args.Namespace, Labels = args.Labels },
            Type = "Opaque",
            StringData = { ["default"] = Output.CreateSecret(password.Result) },
        }, child);
        Release = HelmReleases.Create(args.Name, VersionCatalog.Valkey, args.Namespace, Values(args).ToImmutableDictionary(),
            CustomResourceOptions.Merge(child, new CustomResourceOptions { DependsOn = { secret } }));
        RegisterOutputs(new Dictionary<string, object?> { ["host"] = $"{args.Name}.{args.Namespace}.svc.cluster.local", ["authSecret"] = AuthSecretName(args.Name) });
    }

    /// <summary>The Helm release.</summary>
    public K8s.Helm.V3.Release Release { get; }

    /// <summary>The name of the Secret with the <c>default</c> user's password.</summary>
    public static string AuthSecretName(string name) => $"{name}-auth";

    /// <summary>The chart values.</summary>
    public static Dictionary<string, object> Values(ValkeyCacheArgs args)
    {
        var r = args.Resources;
        var replicated = args.Instances > 1;
        var values = new Dictionary<string, object>
        {
            ["image"] = new Dictionary<string, object> { ["registry"] = "docker.io", ["repository"] = "valkey/valkey", ["tag"] = ImageTag },
            ["priorityClassName"] = args.PriorityClassName,
            ["resources"] = new Dictionary<string, object>
            {
                ["requests"] = new Dictionary<string, object> { ["cpu"] = r.RequestsCpu, ["memory"] = r.RequestsMemory },
                ["limits"] = new Dictionary<string, object> { ["cpu"] = r.LimitsCpu, ["memory"] = r.LimitsMemory },
            },
            ["podSecurityContext"] = new Dictionary<string, object>
            {
                ["fsGroup"] = 1000,
                ["runAsUser"] = 1000,
                ["runAsGroup"] = 1000,
                ["seccompProfile"] = new Dictionary<string, object> { ["type"] = "RuntimeDefault" },
            },
            ["auth"] = new Dictionary<string, object>
            {
                ["enabled"] = true,
                ["usersExistingSecret"] = AuthSecretName(args.Name),
                ["aclUsers"] = new Dictionary<string, object> { ["default"] = new Dictionary<string, object> { ["permissions"] = "~* &* +@all" } },
            },
            ["topologySpreadConstraints"] = TopologySpread.Constraints(TopologySpread.Labels(("app.kubernetes.io/name", "valkey"), ("app.kubernetes.io/instance", args.Name))),
            ["metrics"] = new Dictionary<string, object>
            {
                ["enabled"] = args.Metrics,
                ["podMonitor"] = new Dictionary<string, object> { ["enabled"] = args.Metrics },
            },
        };
        if (replicated)
        {
            var persistence = new Dictionary<string, object> { ["size"] = args.StorageSize ?? "8Gi" };
            if (args.StorageClass is { } storageClass)
            {
                persistence["storageClass"] = storageClass;
            }

            values["replica"] = new Dictionary<string, object> { ["enabled"] = true, ["replicas"] = args.Instances - 1, ["persistence"] = persistence };
            values["podDisruptionBudget"] = new Dictionary<string, object> { ["enabled"] = true, ["maxUnavailable"] = 1 };
        }
        else if (args.StorageSize is { } size)
        {
            var data = new Dictionary<string, object> { ["enabled"] = true, ["requestedSize"] = size };
            if (args.StorageClass is { } storageClass)
            {
                data["className"] = storageClass;
            }

            values["dataStorage"] = data;
        }

        return values;
    }
}
