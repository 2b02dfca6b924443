using System.Collections.Immutable;
using MlPlatform.Components.Addons.Observability;
using MlPlatform.Components.Gcp;
using MlPlatform.Stacks.Configuration;
using MlPlatform.Stacks.Shared;
using Pulumi;

namespace MlPlatform.Stacks.Gcp;

/// <summary>The telemetry bucket of the <c>gcp</c> target.</summary>
public static partial class GcpStack
{
    /// <summary>
    /// The bucket of Loki and Tempo when logging or tracing is on (uniform access, the MLflow bucket's key with
    /// <c>bucketCmek</c>), and one Google service account per Kubernetes service account (GKE workload identity) that
    /// is object admin of this bucket only.
    /// </summary>
    private static TelemetryStorage? TelemetryBucket(
        PlatformConfig config, string clusterName, string project, string region, Output<string>? kmsKeyId,
        ComponentResourceOptions afterCluster, ComponentResourceOptions afterKeys,
        ImmutableDictionary<string, InputMap<string>>.Builder annotations, Dictionary<string, object?> outputs)
    {
        if (!config.Addons.Logging && !config.Addons.Tracing)
        {
            return null;
        }

        var members = new List<Input<string>>();
        void Identity(string name, string @namespace, string serviceAccount, string purpose)
        {
            var identity = new WorkloadIdentity($"{name}-identity", new WorkloadIdentityArgs
            {
                AccountId = GcpNames.ServiceAccountId(clusterName, name),
                ProjectId = project,
                Namespace = @namespace,
                ServiceAccount = serviceAccount,
                Description = $"{purpose} of {clusterName}: its telemetry bucket only",
            }, afterCluster);
            annotations[identity.ServiceAccountKey] = identity.Annotations;
            members.Add(identity.Member);
            outputs[$"{name}ServiceAccount"] = identity.Email;
        }

        if (config.Addons.Logging)
        {
            Identity("loki", PlatformNamespaces.Loki, Loki.ServiceAccountName, "Loki");
        }

        if (config.Addons.Tracing)
        {
            Identity("tempo", PlatformNamespaces.Tempo, Tempo.ServiceAccountName, "Tempo");
        }

        var bucket = new GcsBucket("telemetry", new GcsBucketArgs
        {
            Name = GcsBucket.NameFor(project, clusterName, "telemetry"),
            ProjectId = project,
            Location = region,
            KmsKeyId = kmsKeyId is null ? null : (Input<string>)kmsKeyId,
            ObjectAdmins = [.. members],
            SoftDeleteDays = 7,
        }, afterKeys);
        outputs["telemetryBucket"] = bucket.BucketName;
        return new TelemetryStorage(bucket.Uri);
    }
}
