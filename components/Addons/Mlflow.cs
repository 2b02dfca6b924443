using System.Collections.Immutable;
using MlPlatform.Components.Kubernetes;
using Pulumi;
using Pulumi.Kubernetes.Types.Inputs.Core.V1;
using Pulumi.Kubernetes.Types.Inputs.Meta.V1;
using Pulumi.Kubernetes.Types.Inputs.Policy.V1;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Components.Addons;

/// <summary>Inputs of <see cref="Mlflow"/>.</summary>
public sealed class MlflowArgs
{
    /// <summary>The namespace (<c>mlflow</c>), from the tenancy layer.</summary>
    public required Input<string> Namespace { get; init; }

    /// <summary>The namespace component with its guard rails.</summary>
    public required Resource NamespaceReady { get; init; }

    /// <summary>
    /// Tracking server replicas; more than one adds a PodDisruptionBudget and keeps the replicas on different nodes.
    /// Forced to 1 when SQLite or artifacts live on the fallback volume.
    /// </summary>
    public int Replicas { get; init; } = 1;

    /// <summary>The PriorityClass of the server (the platform's <c>interactive</c> tier: users and model servers wait on it); null keeps the cluster default.</summary>
    public string? PriorityClassName { get; init; }

    /// <summary>The PriorityClasses, when <see cref="PriorityClassName"/> names one: pods naming a missing class are refused.</summary>
    public Resource? PriorityClassesReady { get; init; }

    /// <summary>The backend database; null runs the self-contained fallback (SQLite and artifacts on a volume).</summary>
    public MlflowDatabase? Database { get; init; }

    /// <summary>The artifact store URI (<c>s3://</c>, <c>gs://</c>, <c>wasbs://</c>); null keeps artifacts on the volume.</summary>
    public Input<string>? ArtifactStoreUri { get; init; }

    /// <summary>Annotations of the <c>mlflow</c> service account: its cloud identity (IRSA, workload identity).</summary>
    public InputMap<string> ServiceAccountAnnotations { get; init; } = [];

    /// <summary>Labels of the server's pods that the cloud identity needs (e.g. <c>azure.workload.identity/use</c>).</summary>
    public ImmutableDictionary<string, string> PodLabels { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Size of the fallback volume.</summary>
    public string FallbackVolumeSize { get; init; } = "20Gi";

    /// <summary>The StorageClass of the fallback volume; null for the cluster default.</summary>
    public string? StorageClassName { get; init; }

    /// <summary>Labels of the objects the platform creates directly.</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// The MLflow tracking server and model registry (community chart). Backed by the cloud's PostgreSQL and
/// bucket through workload identity when the cloud provides them, otherwise by SQLite and artifacts on one
/// persistent volume. Clients upload artifacts through the server (proxied artifact storage), so only the
/// <c>mlflow</c> service account needs bucket access.
/// Metrics: <c>/metrics</c> on Service <c>mlflow</c> (labels <c>app.kubernetes.io/name: mlflow</c>,
/// <c>app.kubernetes.io/instance: mlflow</c>), port <c>http</c> (80, container port 5000).
/// </summary>
public sealed class Mlflow : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:addons:Mlflow";

    /// <summary>The Helm release name, also the Service and service account name.</summary>
    public const string ReleaseName = "mlflow";

    /// <summary>The Secret holding the database user name and password.</summary>
    public const string DatabaseSecretName = "mlflow-database";

    /// <summary>The fallback volume claim.</summary>
    public const string FallbackClaimName = "mlflow-data";

    /// <summary>The Service port.</summary>
    public const int ServicePort = 80;

    /// <summary>Installs MLflow.</summary>
    public Mlflow(string name, MlflowArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var releaseOptions = new CustomResourceOptions { Parent = this, DependsOn = { args.NamespaceReady } };
        if (args.PriorityClassesReady is { } priorityClasses)
        {
            releaseOptions.DependsOn.Add(priorityClasses);
        }

        var childOptions = new CustomResourceOptions { Parent = this, DependsOn = { args.NamespaceReady } };
        // SQLite or artifacts on a ReadWriteOnce volume: exactly one server.
        var usesVolume = args.Database is null || args.ArtifactStoreUri is null;
        var replicas = usesVolume ? 1 : Math.Max(1, args.Replicas);

        if (args.Database is { } database)
        {
            if (database.SecretStore is { } store)
            {
                var storeOptions = new CustomResourceOptions { Parent = this, DependsOn = { args.NamespaceReady, store.Store } };
                DatabaseCredentials = new K8s.ApiExtensions.CustomResource($"{name}-database", new KubernetesObjectArgs(
                    "external-secrets.io/v1",
                    "ExternalSecret",
                    new ObjectMetaArgs { Name = DatabaseSecretName, Namespace = args.Namespace, Labels = args.Labels },
                    store.RemoteKey.Apply(key => ExternalSecretSpec(store.StoreName, key, database.Username))), storeOptions);
            }
            else
            {
                DatabaseCredentials = new K8s.Core.V1.Secret($"{name}-database", new SecretArgs
                {
                    Metadata = new ObjectMetaArgs { Name = DatabaseSecretName, Namespace = args.Namespace, Labels = args.Labels },
                    Type = "Opaque",
                    StringData =
                    {
                        ["username"] = database.Username,
                        ["password"] = Output.CreateSecret((database.Password
                            ?? throw new ArgumentException("A database without a secret store needs its password.", nameof(args))).ToOutput()),
                    },
                }, childOptions);
            }

            releaseOptions.DependsOn.Add(DatabaseCredentials);
        }

        if (usesVolume)
        {
            var volumeSpec = new PersistentVolumeClaimSpecArgs
            {
                AccessModes = { "ReadWriteOnce" },
                Resources = new VolumeResourceRequirementsArgs { Requests = { ["storage"] = args.FallbackVolumeSize } },
            };
            if (args.StorageClassName is not null)
            {
                volumeSpec.StorageClassName = args.StorageClassName;
            }

            FallbackVolume = new K8s.Core.V1.PersistentVolumeClaim($"{name}-data", new PersistentVolumeClaimArgs
            {
                Metadata = new ObjectMetaArgs { Name = FallbackClaimName, Namespace = args.Namespace, Labels = args.Labels },
                Spec = volumeSpec,
            }, new CustomResourceOptions { Parent = this, DependsOn = { args.NamespaceReady }, Protect = true });
            releaseOptions.DependsOn.Add(FallbackVolume);
        }

        var host = args.Database?.Host.ToOutput() ?? Output.Create(string.Empty);
        var port = args.Database?.Port.ToOutput() ?? Output.Create(0);
        var uri = args.ArtifactStoreUri is null ? Output.Create((string?)null) : args.ArtifactStoreUri.Apply(u => (string?)u);
        var databaseName = args.Database?.Name;
        InputMap<object> values = Output.Tuple(host, port, uri, args.ServiceAccountAnnotations.ToOutput(), args.Namespace.ToOutput()).Apply(t => Values(new MlflowSettings
        {
            Namespace = t.Item5,
            Replicas = replicas,
            PriorityClassName = args.PriorityClassName,
            Database = databaseName is null ? null : new PostgresBackend(t.Item1, t.Item2, databaseName),
            Artifacts = t.Item3 is null ? null : ArtifactStore.Parse(t.Item3),
            ServiceAccountAnnotations = t.Item4,
            PodLabels = args.PodLabels,
        }));

        Release = HelmReleases.Create(ReleaseName, VersionCatalog.Mlflow, args.Namespace, values, releaseOptions);

        if (replicas > 1)
        {
            DisruptionBudget = new K8s.Policy.V1.PodDisruptionBudget($"{name}-pdb", new PodDisruptionBudgetArgs
            {
                Metadata = new ObjectMetaArgs { Name = ReleaseName, Namespace = args.Namespace, Labels = args.Labels },
                Spec = new PodDisruptionBudgetSpecArgs
                {
                    // The chart has no budget template: one server at a time may go, and a crash-looping one never
                    // holds a drain up.
                    MaxUnavailable = 1,
                    UnhealthyPodEvictionPolicy = "AlwaysAllow",
                    Selector = new LabelSelectorArgs { MatchLabels = SelectorLabels() },
                },
            }, new CustomResourceOptions { Parent = this, DependsOn = { Release } });
        }

        TrackingUri = args.Namespace.Apply(ns => TrackingUriIn(ns));
        RegisterOutputs(new Dictionary<string, object?>
        {
            ["version"] = VersionCatalog.Mlflow.Version,
            ["trackingUri"] = TrackingUri,
            ["replicas"] = replicas,
        });
    }

    /// <summary>The release.</summary>
    public K8s.Helm.V3.Release Release { get; }

    /// <summary>The database credentials (an ExternalSecret or a Secret); null for the fallback.</summary>
    public Resource? DatabaseCredentials { get; }

    /// <summary>The fallback volume; null with a database and a bucket.</summary>
    public K8s.Core.V1.PersistentVolumeClaim? FallbackVolume { get; }

    /// <summary>The PodDisruptionBudget; null with one replica.</summary>
    public K8s.Policy.V1.PodDisruptionBudget? DisruptionBudget { get; }

    /// <summary>The in-cluster tracking URI (<c>MLFLOW_TRACKING_URI</c>).</summary>
    public Output<string> TrackingUri { get; }

    /// <summary>The in-cluster tracking URI of an MLflow release in a namespace.</summary>
    public static string TrackingUriIn(string @namespace) => $"http://{ReleaseName}.{@namespace}.svc.cluster.local:{ServicePort}";

    /// <summary>The labels of the chart's pods (and the metrics Service's selector).</summary>
    public static ImmutableDictionary<string, string> SelectorLabels() => ImmutableDictionary<string, string>.Empty
        .Add("app.kubernetes.io/name", "mlflow")
        .Add("app.kubernetes.io/instance", ReleaseName);

    /// <summary>
    /// The ExternalSecret <c>spec</c> that materialises the database Secret from the cloud secret service:
    /// the password from the <c>password</c> property of the remote JSON secret, the user name from the stack.
    /// </summary>
    public static ImmutableDictionary<string, object> ExternalSecretSpec(string storeName, string remoteKey, string username) =>
        ImmutableDictionary<string, object>.Empty
            .Add("refreshInterval", "1h")
            .Add("secretStoreRef", new Dictionary<string, object> { ["kind"] = "ClusterSecretStore", ["name"] = storeName })
            .Add("target", new Dictionary<string, object>
            {
                ["name"] = DatabaseSecretName,
                ["creationPolicy"] = "Owner",
                ["template"] = new Dictionary<string, object>
                {
                    ["type"] = "Opaque",
                    ["data"] = new Dictionary<string, object> { ["username"] = username, ["password"] = "{{ .password }}" },
                },
            })
            .Add("data", new object[]
            {
                new Dictionary<string, object>
                {
                    ["secretKey"] = "password",
                    ["remoteRef"] = new Dictionary<string, object> { ["key"] = remoteKey, ["property"] = "password" },
                },
            });

    /// <summary>The chart values for the given settings.</summary>
    public static ImmutableDictionary<string, object> Values(MlflowSettings settings)
    {
        var usesVolume = settings.Database is null || settings.Artifacts is null;
        var values = new Dictionary<string, object>
        {
            ["replicaCount"] = settings.Replicas,
            ["image"] = new Dictionary<string, object> { ["repository"] = ImageCatalog.Mlflow.Repository, ["tag"] = ImageCatalog.Mlflow.Tag },
            ["initImages"] = new Dictionary<string, object>
            {
                ["mlflowDbMigration"] = new Dictionary<string, object> { ["repository"] = ImageCatalog.Mlflow.Repository, ["tag"] = ImageCatalog.Mlflow.Tag },
            },

            // One replica on a ReadWriteOnce volume must stop before its successor mounts the volume.
            ["strategy"] = new Dictionary<string, object> { ["type"] = usesVolume ? "Recreate" : "RollingUpdate" },
            ["serviceAccount"] = new Dictionary<string, object>
            {
                ["create"] = true,
                ["name"] = ReleaseName,
                ["automount"] = false,
                ["annotations"] = settings.ServiceAccountAnnotations.ToDictionary(a => a.Key, a => (object)a.Value),
            },
            ["podSecurityContext"] = new Dictionary<string, object>
            {
                ["fsGroup"] = 1001,
                ["fsGroupChangePolicy"] = "OnRootMismatch",

                // The chart sets no seccomp profile; Pod Security "restricted" requires one.
                ["seccompProfile"] = new Dictionary<string, object> { ["type"] = "RuntimeDefault" },
            },
            ["securityContext"] = new Dictionary<string, object>
            {
                ["allowPrivilegeEscalation"] = false,
                ["capabilities"] = new Dictionary<string, object> { ["drop"] = new object[] { "ALL" } },
                ["readOnlyRootFilesystem"] = true,
                ["runAsNonRoot"] = true,
                ["privileged"] = false,
                ["runAsUser"] = 1001,
                ["runAsGroup"] = 1001,
            },
            ["resources"] = new Dictionary<string, object>
            {
                ["requests"] = new Dictionary<string, object> { ["cpu"] = "250m", ["memory"] = "1Gi" },
                ["limits"] = new Dictionary<string, object> { ["cpu"] = "2", ["memory"] = "2Gi" },
            },

            // --expose-prometheus serves /metrics; its multiprocess files go to the chart's writable /tmp.
            ["extraArgs"] = new Dictionary<string, object> { ["exposePrometheus"] = "/tmp/prometheus-metrics" },
            ["telemetry"] = new Dictionary<string, object> { ["enabled"] = false },

            // MLflow 3 rejects Host headers other than localhost and private IPs (DNS rebinding protection):
            // name the Service's in-cluster names, and keep private IPs for scrapes of the pod address.
            ["serverAllowedHosts"] = AllowedHosts(settings.Namespace).Cast<object>().ToArray(),
            ["backendStore"] = BackendStore(settings.Database),
            ["artifactRoot"] = ArtifactRoot(settings.Artifacts),
        };

        if (usesVolume)
        {
            values["extraVolumes"] = new object[]
            {
                new Dictionary<string, object>
                {
                    ["name"] = "data",
                    ["persistentVolumeClaim"] = new Dictionary<string, object> { ["claimName"] = FallbackClaimName },
                },
            };
            values["extraVolumeMounts"] = new object[] { new Dictionary<string, object> { ["name"] = "data", ["mountPath"] = FallbackMountPath } };
        }

        if (settings.Replicas > 1)
        {
            // The chart takes an affinity only (no topology spread): never two servers on one node.
            values["affinity"] = TopologySpread.AntiAffinity(SelectorLabels());
        }

        if (settings.PriorityClassName is not null)
        {
            values["priorityClassName"] = settings.PriorityClassName;
        }

        if (!settings.PodLabels.IsEmpty)
        {
            values["extraPodLabels"] = settings.PodLabels.OrderBy(l => l.Key, StringComparer.Ordinal).ToDictionary(l => l.Key, l => (object)l.Value);
        }

        return values.ToImmutableDictionary();
    }

    private const string FallbackMountPath = "/mlflow/data";

    /// <summary>
    /// The Host headers the server accepts (MLflow matches them with <c>fnmatch</c>): its Service names (with any
    /// port), localhost, and the private (RFC 1918) and shared (RFC 6598, 100.64.0.0/10: EKS custom networking and
    /// other CNIs) address ranges pod IPs come from, which Prometheus scrapes by.
    /// </summary>
    public static ImmutableArray<string> AllowedHosts(string @namespace)
    {
        var names = new[]
        {
            ReleaseName, $"{ReleaseName}.{@namespace}", $"{ReleaseName}.{@namespace}.svc", $"{ReleaseName}.{@namespace}.svc.cluster.local", "localhost", "127.0.0.1",
        };
        return
        [
            .. names.SelectMany(n => new[] { n, $"{n}:*" }),
            "10.*", "172.1[6-9].*", "172.2[0-9].*", "172.3[01].*", "192.168.*",
            "100.6[4-9].*", "100.[7-9][0-9].*", "100.1[01][0-9].*", "100.12[0-7].*",
        ];
    }

    private static Dictionary<string, object> BackendStore(PostgresBackend? database)
    {
        if (database is null)
        {
            return new Dictionary<string, object> { ["defaultSqlitePath"] = $"{FallbackMountPath}/mlflow.db" };
        }

        return new Dictionary<string, object>
        {
            // Creates and upgrades the schema before the server starts, after waiting for the database.
            ["databaseMigration"] = true,
            ["databaseConnectionCheck"] = true,
            ["postgres"] = new Dictionary<string, object>
            {
                ["enabled"] = true,
                ["host"] = database.Host,
                ["port"] = database.Port,
                ["database"] = database.Name,
            },
            ["existingDatabaseSecret"] = new Dictionary<string, object>
            {
                ["name"] = DatabaseSecretName,
                ["usernameKey"] = "username",
                ["passwordKey"] = "password",
            },
        };
    }

    private static Dictionary<string, object> ArtifactRoot(ArtifactStore? store)
    {
        var root = new Dictionary<string, object> { ["proxiedArtifactStorage"] = true };
        switch (store?.Kind)
        {
            case null:
                root["defaultArtifactsDestination"] = $"{FallbackMountPath}/artifacts";
                break;
            case ArtifactStoreKind.S3:
                root["s3"] = new Dictionary<string, object> { ["enabled"] = true, ["bucket"] = store.Bucket, ["path"] = store.Path };
                break;
            case ArtifactStoreKind.Gcs:
                root["gcs"] = new Dictionary<string, object> { ["enabled"] = true, ["bucket"] = store.Bucket, ["path"] = store.Path };
                break;
            case ArtifactStoreKind.AzureBlob:
                root["azureBlob"] = new Dictionary<string, object>
                {
                    ["enabled"] = true,
                    ["container"] = store.Bucket,
                    ["storageAccount"] = store.Account!,
                    ["path"] = store.Path,
                };
                break;
        }

        return root;
    }
}

/// <summary>What the MLflow values depend on, resolved.</summary>
public sealed record MlflowSettings
{
    /// <summary>The namespace of the release (its Service's DNS names).</summary>
    public string Namespace { get; init; } = "mlflow";

    /// <summary>Replicas.</summary>
    public int Replicas { get; init; } = 1;

    /// <summary>The PriorityClass of the server; null for the cluster default.</summary>
    public string? PriorityClassName { get; init; }

    /// <summary>The PostgreSQL backend; null for SQLite on the fallback volume.</summary>
    public PostgresBackend? Database { get; init; }

    /// <summary>The artifact store; null for the fallback volume.</summary>
    public ArtifactStore? Artifacts { get; init; }

    /// <summary>Annotations of the service account.</summary>
    public ImmutableDictionary<string, string> ServiceAccountAnnotations { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Labels of the server's pods (a cloud identity's webhook selects pods by label).</summary>
    public ImmutableDictionary<string, string> PodLabels { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>A resolved PostgreSQL endpoint.</summary>
/// <param name="Host">Host.</param>
/// <param name="Port">Port.</param>
/// <param name="Name">Database name.</param>
public sealed record PostgresBackend(string Host, int Port, string Name);
