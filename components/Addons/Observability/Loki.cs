using Pulumi;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Components.Addons.Observability;

/// <summary>
/// Grafana Loki from the grafana-community chart: monolithic (one single-binary StatefulSet) outside high
/// availability, simple-scalable (three write, two read and two backend replicas, each with the chart's disruption
/// budget) with it; chunks and the TSDB index in the stack's bucket through the service account's cloud identity
/// (or on the pod's volume without a bucket), retention applied by the compactor, single tenant, no gateway, caches,
/// canary or test pod (the Pod Security level of the namespace is restricted, and Grafana and the collectors call the
/// Loki services directly). Logs arrive over OTLP (<c>/otlp</c>); the namespace, pod and container become index labels.
/// </summary>
public sealed class Loki : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:addons:Loki";

    /// <summary>The Helm release name (also the chart's fullname, its Services' prefix).</summary>
    public const string ReleaseName = "loki";

    /// <summary>Loki's service account, bound to the cloud identity that may use the bucket.</summary>
    public const string ServiceAccountName = "loki";

    /// <summary>Loki's HTTP port (push, OTLP and query APIs), on its pods and Services.</summary>
    public const int HttpPort = 3100;

    /// <summary>The TSDB schema's start: any date before the first install.</summary>
    public const string SchemaFrom = "2024-04-01";

    /// <summary>The resource attributes that become index labels (<c>k8s_namespace_name</c>, ...), from the collectors' OTLP logs.</summary>
    public static IReadOnlyList<string> IndexLabels { get; } = ["k8s.namespace.name", "k8s.pod.name", "k8s.container.name"];

    /// <summary>Creates the release.</summary>
    public Loki(string name, TelemetryBackendArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        Release = HelmReleases.Create(ReleaseName, VersionCatalog.Loki, args.Namespace, TelemetryBackends.Values(args, Values), AddonResources.Child(this, options));
        RegisterOutputs(new Dictionary<string, object?> { ["releaseName"] = Release.Name, ["version"] = VersionCatalog.Loki.Version });
    }

    /// <summary>The Helm release.</summary>
    public K8s.Helm.V3.Release Release { get; }

    /// <summary>Where the collectors push logs (the write path: the single binary, or the write Service).</summary>
    public static string PushUrl(string @namespace, bool highAvailability) =>
        $"http://{(highAvailability ? $"{ReleaseName}-write" : ReleaseName)}.{@namespace}.svc.cluster.local:{HttpPort}";

    /// <summary>Where Grafana queries logs (the read path: the single binary, or the read Service).</summary>
    public static string QueryUrl(string @namespace, bool highAvailability) =>
        $"http://{(highAvailability ? $"{ReleaseName}-read" : ReleaseName)}.{@namespace}.svc.cluster.local:{HttpPort}";

    /// <summary>The object store type of Loki's configuration for a bucket (or the pod's volume).</summary>
    public static string StoreType(ArtifactStore? store) => store?.Kind switch
    {
        ArtifactStoreKind.S3 => "s3",
        ArtifactStoreKind.Gcs => "gcs",
        ArtifactStoreKind.AzureBlob => "azure",
        _ => "filesystem",
    };

    /// <summary>The chart values.</summary>
    public static Dictionary<string, object> Values(TelemetryBackendSettings settings)
    {
        if (settings.Store is null && settings.HighAvailability)
        {
            // The chart's simple-scalable mode requires object storage.
            throw new ArgumentException("Loki's simple-scalable mode needs a bucket.", nameof(settings));
        }

        var storeType = StoreType(settings.Store);
        var storage = new Dictionary<string, object> { ["type"] = storeType };
        if (settings.Store is { } store)
        {
            // One bucket (container) for chunks and rules; the ruler is off, its name is only required by the chart.
            storage["bucketNames"] = new Dictionary<string, object> { ["chunks"] = store.Bucket, ["ruler"] = store.Bucket, ["admin"] = store.Bucket };
            switch (store.Kind)
            {
                case ArtifactStoreKind.S3:
                    storage["s3"] = new Dictionary<string, object> { ["region"] = settings.Region ?? throw new ArgumentException("An S3 store needs its region.", nameof(settings)) };
                    break;
                case ArtifactStoreKind.AzureBlob:
                    // The federated token of Azure workload identity, never an account key.
                    storage["azure"] = new Dictionary<string, object> { ["accountName"] = store.Account!, ["useFederatedToken"] = true };
                    break;
            }
        }

        var loki = new Dictionary<string, object>
        {
            ["auth_enabled"] = false,
            ["commonConfig"] = new Dictionary<string, object> { ["replication_factor"] = settings.HighAvailability ? 3 : 1 },
            ["storage"] = storage,
            ["schemaConfig"] = new Dictionary<string, object>
            {
                ["configs"] = new object[]
                {
                    new Dictionary<string, object>
                    {
                        ["from"] = SchemaFrom,
                        ["store"] = "tsdb",
                        ["object_store"] = storeType,
                        ["schema"] = "v13",
                        ["index"] = new Dictionary<string, object> { ["prefix"] = "index_", ["period"] = "24h" },
                    },
                },
            },
            ["limits_config"] = new Dictionary<string, object>
            {
                ["retention_period"] = settings.Retention,
                ["otlp_config"] = new Dictionary<string, object>
                {
                    ["resource_attributes"] = new Dictionary<string, object>
                    {
                        ["attributes_config"] = new object[]
                        {
                            new Dictionary<string, object> { ["action"] = "index_label", ["attributes"] = IndexLabels.ToArray() },
                        },
                    },
                },
            },
            ["compactor"] = new Dictionary<string, object>
            {
                ["retention_enabled"] = true,
                ["delete_request_store"] = storeType,
            },
        };
        if (!settings.PodLabels.IsEmpty)
        {
            loki["podLabels"] = settings.PodLabels;
        }

        var serviceAccount = new Dictionary<string, object> { ["name"] = ServiceAccountName };
        if (!settings.ServiceAccountAnnotations.IsEmpty)
        {
            serviceAccount["annotations"] = settings.ServiceAccountAnnotations;
        }

        Dictionary<string, object> Target(int replicas, string cpu, string memory, string limit, bool volume)
        {
            var target = new Dictionary<string, object>
            {
                ["replicas"] = replicas,
                ["resources"] = TelemetryBackends.Resources(cpu, memory, limit),
            };
            if (volume)
            {
                target["persistence"] = new Dictionary<string, object> { ["size"] = settings.StorageSize };
            }

            if (settings.PriorityClassName is not null)
            {
                target["priorityClassName"] = settings.PriorityClassName;
            }

            return target;
        }

        Dictionary<string, object> Off()
        {
            // Not rendered in this mode; the priority class is still set, so that switching modes keeps the tier.
            var target = new Dictionary<string, object> { ["replicas"] = 0 };
            if (settings.PriorityClassName is not null)
            {
                target["priorityClassName"] = settings.PriorityClassName;
            }

            return target;
        }

        var ha = settings.HighAvailability;
        return new Dictionary<string, object>
        {
            ["deploymentMode"] = ha ? "SimpleScalable" : "Monolithic",
            ["loki"] = loki,
            ["serviceAccount"] = serviceAccount,
            ["singleBinary"] = ha ? Off() : Target(1, "250m", "1Gi", "2Gi", volume: true),
            ["write"] = ha ? Target(3, "250m", "1Gi", "2Gi", volume: true) : Off(),
            ["read"] = ha ? Target(2, "250m", "512Mi", "1Gi", volume: false) : Off(),
            ["backend"] = ha ? Target(2, "100m", "512Mi", "1Gi", volume: true) : Off(),
            ["gateway"] = new Dictionary<string, object> { ["enabled"] = false },

            // Prometheus scrapes Loki's own metrics (the chart's ServiceMonitor skips the headless Services).
            ["monitoring"] = new Dictionary<string, object>
            {
                ["serviceMonitor"] = new Dictionary<string, object> { ["enabled"] = true },
            },
            ["chunksCache"] = new Dictionary<string, object> { ["enabled"] = false },
            ["resultsCache"] = new Dictionary<string, object> { ["enabled"] = false },
            ["lokiCanary"] = new Dictionary<string, object> { ["enabled"] = false },
            ["test"] = new Dictionary<string, object> { ["enabled"] = false },
        };
    }
}
