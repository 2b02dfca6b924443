using System.Collections.Immutable;
using Pulumi;
using Pulumi.Aws.Kms;
using Pulumi.Aws.S3;
using S3Inputs = Pulumi.Aws.S3.Inputs;

namespace MlPlatform.Components.Aws;

/// <summary>Inputs of <see cref="ArtifactBucket"/>.</summary>
public sealed class ArtifactBucketArgs
{
    /// <summary>The prefix of the bucket's name (AWS appends a unique suffix: bucket names are global).</summary>
    public required string NamePrefix { get; init; }

    /// <summary>What the bucket holds (the KMS key description).</summary>
    public required string Description { get; init; }

    /// <summary>Tags.</summary>
    public ImmutableDictionary<string, string> Tags { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>
    /// Days a replaced or deleted object's old version is kept, for buckets whose writers delete on their own
    /// schedule (Loki's and Tempo's compactors); null keeps every version (artifacts).
    /// </summary>
    public int? NoncurrentVersionDays { get; init; }
}

/// <summary>
/// An S3 bucket for ML artifacts: versioned, encrypted with its own KMS key (bucket keys on, to keep KMS costs
/// down), private (public access block, bucket-owner-enforced ownership), TLS only, and protected from deletion.
/// </summary>
public sealed class ArtifactBucket : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:aws:ArtifactBucket";

    /// <summary>Creates the bucket.</summary>
    public ArtifactBucket(string name, ArtifactBucketArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var child = new CustomResourceOptions { Parent = this };
        // Losing the key loses every object: the key is as protected as the bucket.
        var protectedChild = new CustomResourceOptions { Parent = this, Protect = true };

        var key = new Key($"{name}-key", new KeyArgs
        {
            Description = args.Description,
            EnableKeyRotation = true,
            DeletionWindowInDays = 30,
            Tags = AwsTags.Of(args.Tags),
        }, protectedChild);
        KmsKeyArn = key.Arn;

        var bucket = new Bucket(name, new BucketArgs
        {
            BucketPrefix = args.NamePrefix,
            ForceDestroy = false,
            Tags = AwsTags.Of(args.Tags),
        }, protectedChild);
        BucketName = bucket.BucketName;
        BucketArn = bucket.Arn;

        var publicAccess = PrivateBucket.LockDown(name, bucket, child);
        _ = new BucketVersioning($"{name}-versioning", new BucketVersioningArgs
        {
            Bucket = bucket.Id,
            VersioningConfiguration = new S3Inputs.BucketVersioningVersioningConfigurationArgs { Status = "Enabled" },
        }, child);
        if (args.NoncurrentVersionDays is { } days)
        {
            _ = new BucketLifecycleConfiguration($"{name}-noncurrent", new BucketLifecycleConfigurationArgs
            {
                Bucket = bucket.Id,
                Rules =
                {
                    new S3Inputs.BucketLifecycleConfigurationRuleArgs
                    {
                        Id = "expire-noncurrent-versions",
                        Status = "Enabled",
                        Filter = new S3Inputs.BucketLifecycleConfigurationRuleFilterArgs { Prefix = "" },
                        NoncurrentVersionExpiration = new S3Inputs.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs { NoncurrentDays = days },
                    },
                },
            }, child);
        }

        _ = new BucketServerSideEncryptionConfiguration($"{name}-encryption", new BucketServerSideEncryptionConfigurationArgs
        {
            Bucket = bucket.Id,
            Rules =
            {
                new S3Inputs.BucketServerSideEncryptionConfigurationRuleArgs
                {
                    ApplyServerSideEncryptionByDefault = new S3Inputs.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs
                    {
                        SseAlgorithm = "aws:kms",
                        KmsMasterKeyId = key.Arn,
                    },
                    BucketKeyEnabled = true,
                },
            },
        }, child);
        // After the public access block: a policy written before it could be judged public and rejected.
        _ = new BucketPolicy($"{name}-tls-only", new BucketPolicyArgs
        {
            Bucket = bucket.Id,
            Policy = bucket.Arn.Apply(IamPolicies.TlsOnlyBucket),
        }, new CustomResourceOptions { Parent = this, DependsOn = { publicAccess } });

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["bucketName"] = BucketName,
            ["bucketArn"] = BucketArn,
        });
    }

    /// <summary>The bucket's name.</summary>
    public Output<string> BucketName { get; }

    /// <summary>The bucket's ARN.</summary>
    public Output<string> BucketArn { get; }

    /// <summary>The bucket's KMS key.</summary>
    public Output<string> KmsKeyArn { get; }

    /// <summary>The bucket as an S3 URI.</summary>
    public Output<string> Uri => BucketName.Apply(b => $"s3://{b}");
}
