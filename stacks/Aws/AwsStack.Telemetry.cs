using System.Collections.Immutable;
using MlPlatform.Components.Addons.Observability;
using MlPlatform.Components.Aws;
using MlPlatform.Stacks.Configuration;
using MlPlatform.Stacks.Shared;
using Pulumi;

namespace MlPlatform.Stacks.Aws;

/// <summary>The telemetry bucket of the <c>aws</c> target.</summary>
public static partial class AwsStack
{
    /// <summary>How long S3 keeps the old versions of telemetry objects that Loki's and Tempo's compactors replaced or deleted.</summary>
    public const int TelemetryNoncurrentVersionDays = 7;

    /// <summary>The prefix of the telemetry bucket's name (S3 appends a unique suffix; at most 37 characters).</summary>
    public static string TelemetryBucketPrefix(string clusterName)
    {
        var prefix = $"{clusterName}-telemetry-";
        return prefix.Length <= 37 ? prefix : $"{prefix[..36].TrimEnd('-')}-";
    }

    /// <summary>
    /// The bucket of Loki and Tempo when logging or tracing is on: encrypted with its own KMS key, private,
    /// versioned with old versions expiring, and one role per service account that may use only this bucket (IRSA or
    /// Pod Identity, as the stack's identity mode says).
    /// </summary>
    private static TelemetryStorage? TelemetryBucket(
        PlatformConfig config, string clusterName, string region, ImmutableDictionary<string, string> tags, ComponentResourceOptions awsOptions,
        Func<string, ServiceAccountPermissions, ServiceAccountIdentity> identity, Dictionary<string, object?> outputs)
    {
        if (!config.Addons.Logging && !config.Addons.Tracing)
        {
            return null;
        }

        var bucket = new ArtifactBucket("telemetry", new ArtifactBucketArgs
        {
            NamePrefix = TelemetryBucketPrefix(clusterName),
            Description = $"Logs and traces of {clusterName}",
            NoncurrentVersionDays = TelemetryNoncurrentVersionDays,
            Tags = tags,
        }, awsOptions);
        var policy = Output.Tuple(bucket.BucketArn, bucket.KmsKeyArn).Apply(t => IamPolicies.BucketReadWrite(t.Item1, t.Item2));
        if (config.Addons.Logging)
        {
            outputs["lokiRoleArn"] = identity("loki", new ServiceAccountPermissions(
                PlatformNamespaces.Loki, Loki.ServiceAccountName, $"Loki of {clusterName}: its telemetry bucket only", policy)).RoleArn;
        }

        if (config.Addons.Tracing)
        {
            outputs["tempoRoleArn"] = identity("tempo", new ServiceAccountPermissions(
                PlatformNamespaces.Tempo, Tempo.ServiceAccountName, $"Tempo of {clusterName}: its telemetry bucket only", policy)).RoleArn;
        }

        outputs["telemetryBucket"] = bucket.BucketName;
        return new TelemetryStorage(bucket.Uri, region);
    }
}
