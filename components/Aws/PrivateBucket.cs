using Pulumi;
using Pulumi.Aws.S3;
using S3Inputs = Pulumi.Aws.S3.Inputs;

namespace MlPlatform.Components.Aws;

/// <summary>What makes a bucket private, shared by the platform's buckets.</summary>
internal static class PrivateBucket
{
    /// <summary>
    /// Bucket-owner-enforced ownership (no ACLs) and a public access block (<c>NAME-ownership</c>, <c>NAME-public-access</c>).
    /// </summary>
    /// <returns>The public access block: bucket policies go after it, or S3 may judge them public and refuse them.</returns>
    public static BucketPublicAccessBlock LockDown(string name, Bucket bucket, CustomResourceOptions options)
    {
        _ = new BucketOwnershipControls($"{name}-ownership", new BucketOwnershipControlsArgs
        {
            Bucket = bucket.Id,
            Rule = new S3Inputs.BucketOwnershipControlsRuleArgs { ObjectOwnership = "BucketOwnerEnforced" },
        }, options);
        return new BucketPublicAccessBlock($"{name}-public-access", new BucketPublicAccessBlockArgs
        {
            Bucket = bucket.Id,
            BlockPublicAcls = true,
            BlockPublicPolicy = true,
            IgnorePublicAcls = true,
            RestrictPublicBuckets = true,
        }, options);
    }
}
