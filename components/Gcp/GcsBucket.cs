using System.Collections.Immutable;
using Pulumi;
using Pulumi.Gcp.Storage;
using Pulumi.Gcp.Storage.Inputs;

namespace MlPlatform.Components.Gcp;

/// <summary>Inputs of <see cref="GcsBucket"/>.</summary>
public sealed class GcsBucketArgs
{
    /// <summary>The bucket's name (global: it carries the project ID).</summary>
    public required string Name { get; init; }

    /// <summary>The project.</summary>
    public required string ProjectId { get; init; }

    /// <summary>The bucket's location, the cluster's region.</summary>
    public required string Location { get; init; }

    /// <summary>A Cloud KMS key to encrypt new objects with (CMEK); null for Google-managed keys.</summary>
    public Input<string>? KmsKeyId { get; init; }

    /// <summary>The members (<c>serviceAccount:...</c>) given <c>roles/storage.objectAdmin</c> on this bucket only.</summary>
    public ImmutableArray<Input<string>> ObjectAdmins { get; init; } = [];

    /// <summary>How long deleted objects can be restored, in days (soft delete, 7 to 90).</summary>
    public int SoftDeleteDays { get; init; } = 7;

    /// <summary>Days a replaced or deleted object version is kept before it is removed.</summary>
    public int NoncurrentVersionDays { get; init; } = 30;
}

/// <summary>
/// A GCS bucket for ML artifacts: uniform bucket-level access (IAM only, no ACLs), public access prevention
/// enforced, object versioning with a bounded history, soft delete, optional CMEK, and protected from deletion
/// (<c>forceDestroy</c> off as well). Access is granted per member on the bucket, never on the project.
/// </summary>
public sealed class GcsBucket : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:gcp:ArtifactBucket";

    /// <summary>The role of the bucket's writers.</summary>
    public const string ObjectAdminRole = "roles/storage.objectAdmin";

    /// <summary>Creates the bucket.</summary>
    public GcsBucket(string name, GcsBucketArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var bucketArgs = new BucketArgs
        {
            Name = args.Name,
            Project = args.ProjectId,
            Location = args.Location,
            StorageClass = "STANDARD",
            UniformBucketLevelAccess = true,
            PublicAccessPrevention = "enforced",
            ForceDestroy = false,
            Versioning = new BucketVersioningArgs { Enabled = true },
            SoftDeletePolicy = new BucketSoftDeletePolicyArgs { RetentionDurationSeconds = args.SoftDeleteDays * 86400 },
            LifecycleRules =
            {
                new BucketLifecycleRuleArgs
                {
                    Action = new BucketLifecycleRuleActionArgs { Type = "Delete" },
                    Condition = new BucketLifecycleRuleConditionArgs { DaysSinceNoncurrentTime = args.NoncurrentVersionDays, WithState = "ARCHIVED" },
                },
            },
        };
        if (args.KmsKeyId is not null)
        {
            bucketArgs.Encryption = new BucketEncryptionArgs { DefaultKmsKeyName = args.KmsKeyId };
        }

        var bucket = new Bucket(name, bucketArgs, new CustomResourceOptions { Parent = this, Protect = true });
        BucketName = bucket.Name;
        Uri = bucket.Name.Apply(b => $"gs://{b}");

        Grants = [.. args.ObjectAdmins.Select((member, i) => (Resource)new BucketIAMMember($"{name}-object-admin-{i}", new BucketIAMMemberArgs
        {
            Bucket = bucket.Name,
            Role = ObjectAdminRole,
            Member = member,
        }, new CustomResourceOptions { Parent = this }))];

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["bucketName"] = BucketName,
            ["uri"] = Uri,
        });
    }

    /// <summary>The bucket's name.</summary>
    public Output<string> BucketName { get; }

    /// <summary>The bucket as a <c>gs://</c> URI.</summary>
    public Output<string> Uri { get; }

    /// <summary>The object admin grants.</summary>
    public ImmutableArray<Resource> Grants { get; }

    /// <summary>
    /// A bucket name for a project and cluster: <c>&lt;project&gt;-&lt;cluster&gt;-&lt;purpose&gt;</c>, shortened with a hash
    /// to GCS's 63 characters.
    /// </summary>
    public static string NameFor(string projectId, string clusterName, string purpose)
    {
        var full = $"{projectId}-{clusterName}-{purpose}";
        if (full.Length <= 63)
        {
            return full;
        }

        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(full)))[..8].ToLowerInvariant();
        return $"{full[..(63 - hash.Length - 1)].TrimEnd('-')}-{hash}";
    }
}
