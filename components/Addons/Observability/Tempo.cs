using Pulumi;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Components.Addons.Observability;

/// <summary>
/// Grafana Tempo, single binary, from the grafana-community chart: traces in the stack's bucket under
/// <see cref="Prefix"/> through the service account's cloud identity (or on the pod's volume without a bucket), the
/// write-ahead log on a volume, retention applied by the compactor, restricted security contexts. It receives OTLP
/// from the OpenTelemetry Collector only (the network policies open nothing else towards it) and serves Grafana's
/// queries on <see cref="HttpPort"/>.
/// </summary>
public sealed class Tempo : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:addons:Tempo";

    /// <summary>The Helm release name (also the chart's fullname: the Service is <c>tempo</c>).</summary>
    public const string ReleaseName = "tempo";

    /// <summary>Tempo's service account, bound to the cloud identity that may use the bucket.</summary>
    public const string ServiceAccountName = "tempo";

    /// <summary>Tempo's query API port.</summary>
    public const int HttpPort = 3200;

    /// <summary>Tempo's OTLP gRPC receiver port, which the collector exports to.</summary>
    public const int OtlpGrpcPort = 4317;

    /// <summary>The prefix of Tempo's objects in a shared bucket (Loki writes its own paths next to it).</summary>
    public const string Prefix = "traces";

    /// <summary>Creates the release.</summary>
    public Tempo(string name, TelemetryBackendArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        Release = HelmReleases.Create(ReleaseName, VersionCatalog.Tempo, args.Namespace, TelemetryBackends.Values(args, Values), AddonResources.Child(this, options));
        RegisterOutputs(new Dictionary<string, object?> { ["releaseName"] = Release.Name, ["version"] = VersionCatalog.Tempo.Version });
    }

    /// <summary>The Helm release.</summary>
    public K8s.Helm.V3.Release Release { get; }

    /// <summary>Tempo's OTLP gRPC endpoint (host:port), for the collector's exporter.</summary>
    public static string OtlpEndpoint(string @namespace) => $"{ReleaseName}.{@namespace}.svc.cluster.local:{OtlpGrpcPort}";

    /// <summary>Tempo's query URL, for Grafana.</summary>
    public static string QueryUrl(string @namespace) => $"http://{ReleaseName}.{@namespace}.svc.cluster.local:{HttpPort}";

    /// <summary>The trace storage block of Tempo's configuration (<c>storage.trace</c>).</summary>
    public static Dictionary<string, object> TraceStorage(TelemetryBackendSettings settings)
    {
        var trace = new Dictionary<string, object> { ["wal"] = new Dictionary<string, object> { ["path"] = "/var/tempo/wal" } };
        switch (settings.Store)
        {
            case null:
                trace["backend"] = "local";
                trace["local"] = new Dictionary<string, object> { ["path"] = "/var/tempo/traces" };
                break;
            case { Kind: ArtifactStoreKind.S3 } s3:
                trace["backend"] = "s3";
                trace["s3"] = new Dictionary<string, object>
                {
                    ["bucket"] = s3.Bucket,
                    ["endpoint"] = settings.S3Endpoint,
                    ["region"] = settings.Region!,
                    ["prefix"] = Prefix,
                };
                break;
            case { Kind: ArtifactStoreKind.Gcs } gcs:
                trace["backend"] = "gcs";
                trace["gcs"] = new Dictionary<string, object> { ["bucket_name"] = gcs.Bucket, ["prefix"] = Prefix };
                break;
            case { Kind: ArtifactStoreKind.AzureBlob } blob:
                trace["backend"] = "azure";
                trace["azure"] = new Dictionary<string, object>
                {
                    ["container_name"] = blob.Bucket,
                    ["storage_account_name"] = blob.Account!,
                    // The federated token of Azure workload identity, never an account key.
                    ["use_federated_token"] = true,
                    ["prefix"] = Prefix,
                };
                break;
        }

        return trace;
    }

    /// <summary>The chart values.</summary>
    public static Dictionary<string, object> Values(TelemetryBackendSettings settings)
    {
        var serviceAccount = new Dictionary<string, object> { ["name"] = ServiceAccountName };
        if (!settings.ServiceAccountAnnotations.IsEmpty)
        {
            serviceAccount["annotations"] = settings.ServiceAccountAnnotations;
        }

        var values = new Dictionary<string, object>
        {
            ["replicas"] = 1,
            ["tempo"] = new Dictionary<string, object>
            {
                ["retention"] = settings.Retention,
                ["reportingEnabled"] = false,
                ["storage"] = new Dictionary<string, object> { ["trace"] = TraceStorage(settings) },
                ["resources"] = TelemetryBackends.Resources("250m", "1Gi", "2Gi"),
                ["securityContext"] = AddonResources.RestrictedContainer(),
            },
            ["securityContext"] = new Dictionary<string, object>
            {
                ["runAsUser"] = 10001,
                ["runAsGroup"] = 10001,
                ["fsGroup"] = 10001,
                ["runAsNonRoot"] = true,
                ["seccompProfile"] = new Dictionary<string, object> { ["type"] = "RuntimeDefault" },
            },
            ["serviceAccount"] = serviceAccount,
            ["persistence"] = new Dictionary<string, object> { ["enabled"] = true, ["size"] = settings.StorageSize },

            // Prometheus scrapes Tempo's own metrics through the chart's ServiceMonitor.
            ["serviceMonitor"] = new Dictionary<string, object> { ["enabled"] = true },
        };
        if (!settings.PodLabels.IsEmpty)
        {
            values["podLabels"] = settings.PodLabels;
        }

        if (settings.PriorityClassName is not null)
        {
            values["priorityClassName"] = settings.PriorityClassName;
        }

        return values;
    }
}
