using MlPlatform.Policies;
using Xunit;
using static MlPlatform.Tests.Policies.PolicyTestItems;

namespace MlPlatform.Tests.Policies;

public class StatefulRulesTests
{
    private static readonly PlanItem Bucket = Item("aws:s3/bucket:Bucket", "artifacts", """{"bucketPrefix":"ml-artifacts-","forceDestroy":false}""", isProtected: true);
    private static readonly PlanItem Key = Item("aws:kms/key:Key", "key", """{"enableKeyRotation":true,"deletionWindowInDays":30}""", isProtected: true);

    private static PlanItem[] Companions(string sse = "aws:kms") =>
    [
        Item("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "artifacts-sse",
            $$$"""{"bucket":"ml-artifacts-1234","rules":[{"applyServerSideEncryptionByDefault":{"sseAlgorithm":"{{{sse}}}"}}]}"""),
        Item("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "artifacts-pab",
            """{"bucket":"ml-artifacts-1234","blockPublicAcls":true,"blockPublicPolicy":true,"ignorePublicAcls":true,"restrictPublicBuckets":true}"""),
        Item("aws:s3/bucketVersioning:BucketVersioning", "artifacts-versioning", """{"bucket":"ml-artifacts-1234","versioningConfiguration":{"status":"Enabled"}}"""),
    ];

    [Fact]
    public void A_bucket_with_its_encryption_block_and_versioning_passes()
    {
        List<PlanItem> plan = [Bucket, Key, .. Companions()];

        Assert.Empty(StatefulRules.Encrypted(plan));
        Assert.Empty(StatefulRules.NotPublic(plan));
        Assert.Empty(StatefulRules.BackedUp(plan));
    }

    [Fact]
    public void A_bare_bucket_breaks_each_rule()
    {
        Assert.Equal("has no BucketServerSideEncryptionConfiguration", Assert.Single(StatefulRules.Encrypted([Bucket])).Message);
        Assert.Equal("has no BucketPublicAccessBlock with all four blocks on", Assert.Single(StatefulRules.NotPublic([Bucket])).Message);
        Assert.Equal("has no BucketVersioning with status Enabled", Assert.Single(StatefulRules.BackedUp([Bucket])).Message);
    }

    [Fact]
    public void S3_managed_keys_are_refused_when_the_stack_has_kms_keys()
    {
        Assert.Single(StatefulRules.Encrypted([Bucket, Key, .. Companions("AES256")]));
        Assert.Empty(StatefulRules.Encrypted([Bucket, .. Companions("AES256")]));
    }

    [Fact]
    public void Databases_must_be_encrypted_private_and_backed_up_on_every_cloud()
    {
        var rds = Item("aws:rds/instance:Instance", "db", """{"storageEncrypted":true,"publiclyAccessible":true,"backupRetentionPeriod":0}""");
        var flexible = Item("azure-native:dbforpostgresql:Server", "db", """{"backup":{"backupRetentionDays":3},"network":{"publicNetworkAccess":"Enabled"}}""");
        var cloudSql = Item("gcp:sql/databaseInstance:DatabaseInstance", "db", """{"settings":{"backupConfiguration":{"enabled":false},"ipConfiguration":{"ipv4Enabled":true}}}""");
        List<PlanItem> plan = [rds, flexible, cloudSql];

        Assert.Equal("kmsKeyId is not set: encrypt with the stack's KMS key", Assert.Single(StatefulRules.Encrypted(plan)).Message);
        Assert.Equal(3, StatefulRules.NotPublic(plan).Count());
        Assert.Equal(
            ["aws:rds/instance:Instance db", "azure-native:dbforpostgresql:Server db", "gcp:sql/databaseInstance:DatabaseInstance db"],
            StatefulRules.BackedUp(plan).Select(v => v.Resource).ToArray());
    }

    [Fact]
    public void Deletion_protection_is_required_in_production_only()
    {
        var cluster = Item("aws:eks/cluster:Cluster", "eks", """{"deletionProtection":false}""");
        var vault = Item("azure-native:keyvault:Vault", "vault", """{"properties":{"enablePurgeProtection":false}}""");

        Assert.Empty(StatefulRules.DeletionProtectedInProduction([Namespace("a"), cluster, vault]));
        Assert.Equal(2, StatefulRules.DeletionProtectedInProduction([Namespace("a", environment: "production"), cluster, vault]).Count());
    }

    [Fact]
    public void Public_blob_containers_and_buckets_are_refused()
    {
        var container = Item("azure-native:storage:BlobContainer", "c", """{"publicAccess":"Blob"}""");
        var gcs = Item("gcp:storage/bucket:Bucket", "b", """{"publicAccessPrevention":"inherited"}""");

        Assert.Equal(["publicAccess is Blob", "publicAccessPrevention is not enforced"], StatefulRules.NotPublic([container, gcs]).Select(v => v.Message).ToArray());
    }
}
