using System.Collections.Immutable;
using Pulumi;
using Pulumi.Aws.S3;
using S3Inputs = Pulumi.Aws.S3.Inputs;

namespace MlPlatform.Components.Aws;

/// <summary>Inputs of <see cref="AccessLogBucket"/>.</summary>
public sealed class AccessLogBucketArgs
{
    /// <summary>The prefix of the bucket's name (AWS appends a unique suffix).</summary>
    public required string NamePrefix { get; init; }

    /// <summary>The key prefix the load balancer writes under.</summary>
    public string LogPrefix { get; init; } = NlbService.AccessLogPrefix;

    /// <summary>The account (log delivery writes only under its own prefix).</summary>
    public required Input<string> AccountId { get; init; }

    /// <summary>The partition.</summary>
    public Input<string> Partition { get; init; } = "aws";

    /// <summary>The region of the load balancers.</summary>
    public required string Region { get; init; }

    /// <summary>Days the logs are kept.</summary>
    public int RetentionDays { get; init; } = 365;

    /// <summary>Tags.</summary>
    public ImmutableDictionary<string, string> Tags { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// The bucket of the load balancers' access logs: encrypted (SSE-S3, the encryption the log delivery service
/// writes with without a key grant), private, TLS only, writable only by log delivery for this account, expiring
/// after the retention, and protected from deletion.
/// </summary>
public sealed class AccessLogBucket : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:aws:AccessLogBucket";

    /// <summary>Creates the bucket.</summary>
    public AccessLogBucket(string name, AccessLogBucketArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var child = new CustomResourceOptions { Parent = this };
        var bucket = new Bucket(name, new BucketArgs
        {
            BucketPrefix = args.NamePrefix,
            ForceDestroy = false,
            Tags = AwsTags.Of(args.Tags),
        }, new CustomResourceOptions { Parent = this, Protect = true }); // audit evidence
        BucketName = bucket.BucketName;
        BucketArn = bucket.Arn;

        var publicAccess = PrivateBucket.LockDown(name, bucket, child);
        _ = new BucketServerSideEncryptionConfiguration($"{name}-encryption", new BucketServerSideEncryptionConfigurationArgs
        {
            Bucket = bucket.Id,
            Rules =
            {
                new S3Inputs.BucketServerSideEncryptionConfigurationRuleArgs
                {
                    ApplyServerSideEncryptionByDefault = new S3Inputs.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs
                    {
                        SseAlgorithm = "AES256",
                    },
                },
            },
        }, child);
        _ = new BucketLifecycleConfiguration($"{name}-retention", new BucketLifecycleConfigurationArgs
        {
            Bucket = bucket.Id,
            Rules =
            {
                new S3Inputs.BucketLifecycleConfigurationRuleArgs
                {
                    Id = "expire-access-logs",
                    Status = "Enabled",
                    Filter = new S3Inputs.BucketLifecycleConfigurationRuleFilterArgs { Prefix = $"{args.LogPrefix}/" },
                    Expiration = new S3Inputs.BucketLifecycleConfigurationRuleExpirationArgs { Days = args.RetentionDays },
                },
            },
        }, child);
        Policy = new BucketPolicy($"{name}-policy", new BucketPolicyArgs
        {
            Bucket = bucket.Id,
            Policy = Output.Tuple(bucket.Arn, args.AccountId.ToOutput(), args.Partition.ToOutput())
                .Apply(t => IamPolicies.AccessLogBucket(t.Item1, t.Item2, t.Item3, args.Region, args.LogPrefix)),
        }, new CustomResourceOptions { Parent = this, DependsOn = { publicAccess } });

        RegisterOutputs(new Dictionary<string, object?> { ["bucketName"] = BucketName });
    }

    /// <summary>The bucket's name.</summary>
    public Output<string> BucketName { get; }

    /// <summary>The bucket's ARN.</summary>
    public Output<string> BucketArn { get; }

    /// <summary>The policy that lets log delivery write (the load balancer's attribute is refused before it exists).</summary>
    public BucketPolicy Policy { get; }
}
