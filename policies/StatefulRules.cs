using System.Text.Json.Nodes;
using static MlPlatform.Policies.JsonFacts;

namespace MlPlatform.Policies;

/// <summary>
/// The gate's rules for the resources that hold data, on every cloud: encrypted (with the stack's customer-managed
/// key where it has one), not public, backed up, and protected from deletion in production. Protection itself
/// (<c>Protect = true</c>) is <see cref="PlanRules.StatefulResourcesAreProtected"/>.
/// </summary>
public static class StatefulRules
{
    private const string Bucket = "aws:s3/bucket:Bucket";

    /// <summary>Buckets, databases, secrets, registries and volumes are encrypted at rest, with the stack's key where it has one.</summary>
    public static IEnumerable<PolicyViolation> Encrypted(IReadOnlyList<PlanItem> plan)
    {
        const string Rule = "stateful-encrypted";
        var awsKeys = plan.Any(r => r.Type == "aws:kms/key:Key");
        var gcsKeys = plan.Any(r => r.Type == "gcp:storage/bucket:Bucket" && r.Inputs["encryption"]?["defaultKmsKeyName"] is not null);
        var production = DisruptionBudgetRule.IsProduction(plan);
        foreach (var item in plan)
        {
            string? problem = item.Type switch
            {
                Bucket => Companion(plan, item, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration") is not { } sse
                    ? "has no BucketServerSideEncryptionConfiguration"
                    : awsKeys && !(sse.Inputs["rules"] as JsonArray ?? []).Any(r => r?["applyServerSideEncryptionByDefault"]?["sseAlgorithm"]?.ToString() is "aws:kms" or "aws:kms:dsse")
                        ? "is encrypted with S3-managed keys although the stack has KMS keys: use sseAlgorithm aws:kms with the stack's key"
                        : null,
                "aws:rds/instance:Instance" or "aws:rds/cluster:Cluster" => !IsTrue(item.Inputs["storageEncrypted"]) ? "storageEncrypted is not true"
                    : item.Inputs["kmsKeyId"] is null ? "kmsKeyId is not set: encrypt with the stack's KMS key" : null,
                "aws:secretsmanager/secret:Secret" => awsKeys && item.Inputs["kmsKeyId"] is null ? "kmsKeyId is not set: encrypt with the stack's KMS key" : null,
                "aws:ecr/repository:Repository" => (item.Inputs["encryptionConfigurations"] as JsonArray ?? []).Any(e => e?["encryptionType"]?.ToString() == "KMS")
                    ? null : "encryptionConfigurations has no KMS entry",
                "aws:ebs/volume:Volume" => IsTrue(item.Inputs["encrypted"]) ? null : "encrypted is not true",
                "azure-native:storage:StorageAccount" => item.Inputs["encryption"]?["services"]?["blob"]?["enabled"] is JsonValue enabled && !IsTrue(enabled)
                    ? "encryption.services.blob.enabled is false" : null,
                "gcp:storage/bucket:Bucket" => gcsKeys && item.Inputs["encryption"]?["defaultKmsKeyName"] is null
                    ? "encryption.defaultKmsKeyName is not set although the stack encrypts its other buckets with its Cloud KMS keys" : null,
                "gcp:sql/databaseInstance:DatabaseInstance" => production && item.Inputs["encryptionKeyName"] is null
                    ? "encryptionKeyName is not set: a production database is encrypted with the stack's Cloud KMS key" : null,
                "kubernetes:storage.k8s.io/v1:StorageClass" => item.Inputs["provisioner"]?.ToString() == "ebs.csi.aws.com"
                    && item.Inputs["parameters"]?["encrypted"]?.ToString() != "true" ? "EBS volumes of this class are not encrypted (parameters.encrypted: \"true\")" : null,
                _ => null,
            };
            if (problem is not null)
            {
                yield return PolicyViolation.Of(Rule, item, problem);
            }
        }
    }

    /// <summary>Nothing that holds data is reachable from the internet or anonymously.</summary>
    public static IEnumerable<PolicyViolation> NotPublic(IReadOnlyList<PlanItem> plan)
    {
        const string Rule = "stateful-private";
        var production = DisruptionBudgetRule.IsProduction(plan);
        foreach (var item in plan)
        {
            string? problem = item.Type switch
            {
                Bucket => Companion(plan, item, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock") is not { } block
                    || new[] { "blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets" }.Any(f => !IsTrue(block.Inputs[f]))
                    ? "has no BucketPublicAccessBlock with all four blocks on" : null,
                "aws:rds/instance:Instance" or "aws:rds/cluster:Cluster" => IsTrue(item.Inputs["publiclyAccessible"]) ? "publiclyAccessible is true" : null,
                "azure-native:storage:StorageAccount" => !IsFalse(item.Inputs["allowBlobPublicAccess"]) ? "allowBlobPublicAccess is not false" : null,
                "azure-native:storage:BlobContainer" => item.Inputs["publicAccess"]?.ToString() is { } access && access != "None" ? $"publicAccess is {access}" : null,
                "azure-native:dbforpostgresql:Server" => item.Inputs["network"]?["publicNetworkAccess"]?.ToString() == "Enabled"
                    || (item.Inputs["network"]?["delegatedSubnetResourceId"] is null && item.Inputs["network"]?["publicNetworkAccess"] is null)
                    ? "is reachable from the internet: deploy into a delegated subnet (network.delegatedSubnetResourceId)" : null,
                "azure-native:containerregistry:Registry" => IsTrue(item.Inputs["anonymousPullEnabled"]) ? "anonymousPullEnabled is true" : null,
                "azure-native:keyvault:Vault" when production => item.Inputs["properties"]?["networkAcls"]?["defaultAction"]?.ToString() != "Deny"
                    && item.Inputs["properties"]?["publicNetworkAccess"]?.ToString() != "Disabled" ? "is reachable from any network: disable public network access or deny by default" : null,
                "gcp:storage/bucket:Bucket" => item.Inputs["publicAccessPrevention"]?.ToString() != "enforced" ? "publicAccessPrevention is not enforced" : null,
                "gcp:sql/databaseInstance:DatabaseInstance" => !IsFalse(item.Inputs["settings"]?["ipConfiguration"]?["ipv4Enabled"]) ? "settings.ipConfiguration.ipv4Enabled is not false: use the private IP only" : null,
                _ => null,
            };
            if (problem is not null)
            {
                yield return PolicyViolation.Of(Rule, item, problem);
            }
        }
    }

    /// <summary>Databases keep backups, and buckets keep earlier versions (or deleted objects) to restore from.</summary>
    public static IEnumerable<PolicyViolation> BackedUp(IReadOnlyList<PlanItem> plan)
    {
        const string Rule = "stateful-backed-up";
        foreach (var item in plan)
        {
            string? problem = item.Type switch
            {
                Bucket => Companion(plan, item, "aws:s3/bucketVersioning:BucketVersioning") is not { } versioning
                    || versioning.Inputs["versioningConfiguration"]?["status"]?.ToString() != "Enabled" ? "has no BucketVersioning with status Enabled" : null,
                "aws:rds/instance:Instance" or "aws:rds/cluster:Cluster" => Number(item.Inputs["backupRetentionPeriod"]) is not > 0 ? "backupRetentionPeriod is not above 0" : null,
                "azure-native:dbforpostgresql:Server" => Number(item.Inputs["backup"]?["backupRetentionDays"]) is not >= 7 ? "backup.backupRetentionDays is below 7" : null,
                "azure-native:storage:BlobServiceProperties" => !IsTrue(item.Inputs["deleteRetentionPolicy"]?["enabled"]) ? "deleteRetentionPolicy (blob soft delete) is not enabled" : null,
                "gcp:storage/bucket:Bucket" => !IsTrue(item.Inputs["versioning"]?["enabled"]) && Number(item.Inputs["softDeletePolicy"]?["retentionDurationSeconds"]) is not > 0
                    ? "has neither versioning nor a soft delete policy" : null,
                "gcp:sql/databaseInstance:DatabaseInstance" => !IsTrue(item.Inputs["settings"]?["backupConfiguration"]?["enabled"]) ? "settings.backupConfiguration.enabled is not true" : null,
                _ => null,
            };
            if (problem is not null)
            {
                yield return PolicyViolation.Of(Rule, item, problem);
            }
        }
    }

    /// <summary>In production, clusters, databases, buckets and secrets refuse deletion by the cloud too, not only by Pulumi.</summary>
    public static IEnumerable<PolicyViolation> DeletionProtectedInProduction(IReadOnlyList<PlanItem> plan)
    {
        const string Rule = "deletion-protection";
        if (!DisruptionBudgetRule.IsProduction(plan))
        {
            yield break;
        }

        foreach (var item in plan)
        {
            string? problem = item.Type switch
            {
                "aws:rds/instance:Instance" or "aws:rds/cluster:Cluster" or "aws:eks/cluster:Cluster" or "gcp:container/cluster:Cluster" or "gcp:secretmanager/secret:Secret"
                    => !IsTrue(item.Inputs["deletionProtection"]) ? "deletionProtection is not true" : null,
                "gcp:sql/databaseInstance:DatabaseInstance" => !IsTrue(item.Inputs["deletionProtection"]) || !IsTrue(item.Inputs["settings"]?["deletionProtectionEnabled"])
                    ? "deletionProtection and settings.deletionProtectionEnabled must both be true" : null,
                Bucket or "gcp:storage/bucket:Bucket" => IsTrue(item.Inputs["forceDestroy"]) ? "forceDestroy is true" : null,
                "azure-native:keyvault:Vault" => !IsTrue(item.Inputs["properties"]?["enablePurgeProtection"]) ? "properties.enablePurgeProtection is not true" : null,
                "aws:kms/key:Key" => Number(item.Inputs["deletionWindowInDays"]) is not >= 30 ? "deletionWindowInDays is below 30" : null,
                _ => null,
            };
            if (problem is not null)
            {
                yield return PolicyViolation.Of(Rule, item, problem);
            }
        }
    }

    /// <summary>The S3 configuration resource of <paramref name="bucket"/>: its <c>bucket</c> is the bucket's name, or starts with its prefix.</summary>
    private static PlanItem? Companion(IReadOnlyList<PlanItem> plan, PlanItem bucket, string type)
    {
        var name = bucket.Inputs["bucket"]?.ToString();
        var prefix = bucket.Inputs["bucketPrefix"]?.ToString();
        return plan.FirstOrDefault(r => r.Type == type && r.Inputs["bucket"]?.ToString() is { } target
            && (target == name || (prefix is not null && target.StartsWith(prefix, StringComparison.Ordinal))));
    }
}
