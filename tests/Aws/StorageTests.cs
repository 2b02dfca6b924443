using System.Collections.Immutable;
using MlPlatform.Components.Aws;
using MlPlatform.Tests.Support;
using Pulumi;
using Xunit;

namespace MlPlatform.Tests.Aws;

/// <summary>
/// The stateful resources. Protect is not part of a mock registration, so it is read from the options each
/// resource is created with, through a resource transformation on the component (<see cref="OptionsRecorder"/>).
/// </summary>
public class StorageTests
{
    private static PostgresDatabaseArgs Database(bool production) => new()
    {
        Identifier = "ml-mlflow",
        VpcId = "vpc-1",
        SubnetIds = Output.Create(ImmutableArray.Create("subnet-a", "subnet-b", "subnet-c")),
        ClientSecurityGroupIds = [Output.Create("sg-cluster")],
        DatabaseName = "mlflow",
        Username = "mlflow",
        SecretName = "ml/mlflow/database",
        InstanceClass = "db.r7g.large",
        AllocatedStorage = 100,
        BackupRetentionDays = 14,
        EngineVersion = "17",
        MultiAz = production,
        DeletionProtection = production,
    };

    [Fact]
    public async Task Bucket_is_versioned_kms_encrypted_private_tls_only_and_protected()
    {
        var recorder = new OptionsRecorder();
        var mocks = await ComponentTest.RunAsync(() => _ = new ArtifactBucket("artifacts", new ArtifactBucketArgs
        {
            NamePrefix = "ml-mlflow-",
            Description = "MLflow artifacts",
        }, recorder.Options()));

        Assert.True(recorder.IsProtected("aws:s3/bucket:Bucket", "artifacts"));
        Assert.True(recorder.IsProtected("aws:kms/key:Key", "artifacts-key"));
        Assert.False(recorder.IsProtected("aws:s3/bucketVersioning:BucketVersioning", "artifacts-versioning"));

        var bucket = mocks.Inputs("aws:s3/bucket:Bucket", "artifacts");
        Assert.False(bucket["forceDestroy"]!.GetValue<bool>());
        Assert.Equal("Enabled", mocks.Inputs("aws:s3/bucketVersioning:BucketVersioning", "artifacts-versioning")["versioningConfiguration"]!["status"]!.GetValue<string>());
        var rule = mocks.Inputs("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "artifacts-encryption")["rules"]![0]!;
        Assert.Equal("aws:kms", rule["applyServerSideEncryptionByDefault"]!["sseAlgorithm"]!.GetValue<string>());
        Assert.StartsWith("arn:aws:kms:", rule["applyServerSideEncryptionByDefault"]!["kmsMasterKeyId"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(rule["bucketKeyEnabled"]!.GetValue<bool>());
        var block = mocks.Inputs("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "artifacts-public-access");
        Assert.All(new[] { "blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets" }, k => Assert.True(block[k]!.GetValue<bool>()));
        var policy = AwsTestSupport.ParseString(mocks.Inputs("aws:s3/bucketPolicy:BucketPolicy", "artifacts-tls-only")["policy"]);
        Assert.Equal("false", policy["Statement"]![0]!["Condition"]!["Bool"]!["aws:SecureTransport"]!.GetValue<string>());
        Assert.Contains(await recorder.DependenciesOf("aws:s3/bucketPolicy:BucketPolicy", "artifacts-tls-only"), d => d.GetResourceName() == "artifacts-public-access");
    }

    [Fact]
    public async Task Production_database_is_encrypted_private_backed_up_highly_available_and_protected()
    {
        var recorder = new OptionsRecorder();
        var mocks = await ComponentTest.RunAsync(() => _ = new PostgresDatabase("db", Database(production: true), recorder.Options()));

        Assert.True(recorder.IsProtected("aws:rds/instance:Instance", "db"));
        Assert.True(recorder.IsProtected("aws:kms/key:Key", "db-key"));
        Assert.True(recorder.IsProtected("aws:secretsmanager/secret:Secret", "db-credentials"));

        var instance = mocks.Inputs("aws:rds/instance:Instance", "db");
        Assert.Equal("postgres", instance["engine"]!.GetValue<string>());
        Assert.True(instance["storageEncrypted"]!.GetValue<bool>());
        Assert.StartsWith("arn:aws:kms:", instance["kmsKeyId"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(instance["publiclyAccessible"]!.GetValue<bool>());
        Assert.True(instance["multiAz"]!.GetValue<bool>());
        Assert.True(instance["deletionProtection"]!.GetValue<bool>());
        Assert.Equal(14, instance["backupRetentionPeriod"]!.AsInt());
        Assert.False(instance["skipFinalSnapshot"]!.GetValue<bool>());
        Assert.Equal("ml-mlflow", instance["dbSubnetGroupName"]!.GetValue<string>());
        Assert.Equal(3, mocks.Inputs("aws:rds/subnetGroup:SubnetGroup", "db-subnets")["subnetIds"]!.AsArray().Count);

        // The exported logs land in groups created first, with a retention.
        Assert.Equal(new[] { "postgresql", "upgrade" }, instance["enabledCloudwatchLogsExports"]!.AsArray().Select(l => l!.GetValue<string>()));
        var logGroups = mocks.OfType("aws:cloudwatch/logGroup:LogGroup").Select(g => g.Json()).ToList();
        Assert.Equal(new[] { "/aws/rds/instance/ml-mlflow/postgresql", "/aws/rds/instance/ml-mlflow/upgrade" }, logGroups.Select(g => g["name"]!.GetValue<string>()));
        Assert.All(logGroups, g => Assert.Equal(30, g["retentionInDays"]!.AsInt()));
        Assert.Equal(2, (await recorder.DependenciesOf("aws:rds/instance:Instance", "db")).Count(d => d.GetResourceType() == "aws:cloudwatch/logGroup:LogGroup"));
    }

    [Fact]
    public async Task Staging_database_is_single_zone_without_api_deletion_protection_but_still_protected()
    {
        var recorder = new OptionsRecorder();
        var mocks = await ComponentTest.RunAsync(() => _ = new PostgresDatabase("db", Database(production: false), recorder.Options()));
        var instance = mocks.Inputs("aws:rds/instance:Instance", "db");
        Assert.False(instance["multiAz"]!.GetValue<bool>());
        Assert.False(instance["deletionProtection"]!.GetValue<bool>());
        Assert.True(recorder.IsProtected("aws:rds/instance:Instance", "db"));
    }

    [Fact]
    public async Task Database_is_reachable_on_5432_from_the_cluster_only()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new PostgresDatabase("db", Database(production: true)));

        var group = mocks.Inputs("aws:ec2/securityGroup:SecurityGroup", "db-sg");
        Assert.Null(group["ingress"]);
        Assert.Null(group["egress"]);
        var rule = Assert.Single(mocks.OfType("aws:ec2/securityGroupRule:SecurityGroupRule")).Json();
        Assert.Equal("ingress", rule["type"]!.GetValue<string>());
        Assert.Equal("sg-cluster", rule["sourceSecurityGroupId"]!.GetValue<string>());
        Assert.Equal((5432, 5432), (rule["fromPort"]!.AsInt(), rule["toPort"]!.AsInt()));
        Assert.Null(rule["cidrBlocks"]);
    }

    [Fact]
    public async Task Password_is_generated_and_stored_in_an_encrypted_secret()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new PostgresDatabase("db", Database(production: true)));

        var password = Assert.Single(mocks.OfType("random:index/randomPassword:RandomPassword")).Json();
        Assert.Equal(40, password["length"]!.AsInt());
        // Nothing RDS refuses, nothing a connection URL would decode or split.
        var specials = password["overrideSpecial"]!.GetValue<string>();
        Assert.Equal(PostgresDatabase.PasswordSpecials, specials);
        Assert.All(specials, c => Assert.Equal(c.ToString(), Uri.EscapeDataString(c.ToString())));
        Assert.DoesNotContain(specials, c => c is '/' or '@' or '"' or ' ' or '%' or ':' or '#' or '?');
        var secret = mocks.Inputs("aws:secretsmanager/secret:Secret", "db-credentials");
        Assert.Equal("ml/mlflow/database", secret["name"]!.GetValue<string>());
        Assert.StartsWith("arn:aws:kms:", secret["kmsKeyId"]!.GetValue<string>(), StringComparison.Ordinal);
        var version = AwsTestSupport.ParseString(mocks.Inputs("aws:secretsmanager/secretVersion:SecretVersion", "db-credentials")["secretString"]);
        Assert.Equal("mlflow", version["username"]!.GetValue<string>());
        Assert.Equal("ml-mlflow.c2a33349e7e6.us-east-1.rds.amazonaws.com", version["host"]!.GetValue<string>());
        Assert.Equal(5432, version["port"]!.AsInt());
        Assert.Equal(mocks.Inputs("aws:rds/instance:Instance", "db")["password"]!.GetValue<string>(), version["password"]!.GetValue<string>());
    }

    [Fact]
    public async Task Irsa_role_trusts_one_service_account_and_holds_only_its_policy()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new IrsaRole("mlflow", new IrsaRoleArgs
        {
            OidcProviderArn = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC",
            OidcIssuer = "https://oidc.eks.us-east-1.amazonaws.com/id/ABC",
            Namespace = "mlflow",
            ServiceAccount = "mlflow",
            Description = "MLflow",
            InlinePolicy = IamPolicies.BucketReadWrite("arn:aws:s3:::b", "arn:aws:kms:us-east-1:123456789012:key/k"),
        }));

        var trust = AwsTestSupport.ParseString(mocks.Inputs("aws:iam/role:Role", "mlflow")["assumeRolePolicy"]);
        Assert.Equal("system:serviceaccount:mlflow:mlflow", trust["Statement"]![0]!["Condition"]!["StringEquals"]!["oidc.eks.us-east-1.amazonaws.com/id/ABC:sub"]!.GetValue<string>());
        Assert.Empty(mocks.OfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment"));
        Assert.Single(mocks.OfType("aws:iam/rolePolicy:RolePolicy"));
    }
}
