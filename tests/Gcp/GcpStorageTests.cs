using MlPlatform.Components.Gcp;
using MlPlatform.Tests.Aws;
using MlPlatform.Tests.Support;
using Pulumi;
using Xunit;

namespace MlPlatform.Tests.Gcp;

/// <summary>
/// The stateful GCP resources and the identities that reach them. Protect is read from the options each resource
/// is created with, through a resource transformation on the component (<see cref="OptionsRecorder"/>).
/// </summary>
public class GcpStorageTests
{
    private const string Key = "projects/acme-ml/locations/europe-west4/keyRings/ml-keys/cryptoKeys/mlflow-artifacts";

    private static CloudSqlPostgresArgs Database(bool production, params Input<string>[] accessors) => new()
    {
        InstanceName = "ml-mlflow",
        ProjectId = "acme-ml",
        Region = "europe-west4",
        NetworkId = "projects/acme-ml/global/networks/ml",
        AllocatedIpRange = "ml-private-services",
        PrivateServicesConnection = new Pulumi.Gcp.ServiceNetworking.Connection("peering", new Pulumi.Gcp.ServiceNetworking.ConnectionArgs
        {
            Network = "projects/acme-ml/global/networks/ml",
            Service = "servicenetworking.googleapis.com",
            ReservedPeeringRanges = { "ml-private-services" },
        }),
        DatabaseName = "mlflow",
        Username = "mlflow",
        SecretId = "ml-mlflow-database",
        SecretAccessors = [.. accessors],
        Tier = production ? "db-custom-2-8192" : "db-custom-1-3840",
        DatabaseVersion = "POSTGRES_17",
        DiskSizeGb = 100,
        BackupRetentionDays = 14,
        TransactionLogRetentionDays = 7,
        HighAvailability = production,
        DeletionProtection = production,
    };

    [Fact]
    public async Task Bucket_is_uniform_never_public_versioned_soft_deleted_cmek_encrypted_and_protected()
    {
        var recorder = new OptionsRecorder();
        var mocks = await ComponentTest.RunAsync(() => _ = new GcsBucket("artifacts", new GcsBucketArgs
        {
            Name = "acme-ml-ml-mlflow",
            ProjectId = "acme-ml",
            Location = "europe-west4",
            KmsKeyId = Key,
            ObjectAdmins = ["serviceAccount:ml-mlflow@acme-ml.iam.gserviceaccount.com"],
            SoftDeleteDays = 30,
        }, recorder.Options()));

        Assert.True(recorder.IsProtected("gcp:storage/bucket:Bucket", "artifacts"));
        var bucket = mocks.Inputs("gcp:storage/bucket:Bucket", "artifacts");
        Assert.True(bucket["uniformBucketLevelAccess"]!.GetValue<bool>());
        Assert.Equal("enforced", bucket["publicAccessPrevention"]!.GetValue<string>());
        Assert.True(bucket["versioning"]!["enabled"]!.GetValue<bool>());
        Assert.False(bucket["forceDestroy"]!.GetValue<bool>());
        Assert.Equal(30 * 86400, bucket["softDeletePolicy"]!["retentionDurationSeconds"]!.AsInt());
        Assert.Equal(Key, bucket["encryption"]!["defaultKmsKeyName"]!.GetValue<string>());
        Assert.Equal("Delete", bucket["lifecycleRules"]![0]!["action"]!["type"]!.GetValue<string>());

        var grant = Assert.Single(mocks.OfType("gcp:storage/bucketIAMMember:BucketIAMMember")).Json();
        Assert.Equal(("acme-ml-ml-mlflow", "roles/storage.objectAdmin"), (grant["bucket"]!.GetValue<string>(), grant["role"]!.GetValue<string>()));
        Assert.Equal("serviceAccount:ml-mlflow@acme-ml.iam.gserviceaccount.com", grant["member"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bucket_without_cmek_uses_google_managed_keys_and_names_fit_gcs()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new GcsBucket("artifacts", new GcsBucketArgs { Name = "b-mlflow", ProjectId = "acme-ml", Location = "us-central1" }));
        Assert.Null(mocks.Inputs("gcp:storage/bucket:Bucket", "artifacts")["encryption"]);
        Assert.Empty(mocks.OfType("gcp:storage/bucketIAMMember:BucketIAMMember"));

        Assert.Equal("acme-ml-ml-mlflow", GcsBucket.NameFor("acme-ml", "ml", "mlflow"));
        var longName = GcsBucket.NameFor("a-very-long-project-id-x1", "mlplatform-some-long-stack-name", "mlflow");
        Assert.True(longName.Length <= 63, longName);
        Assert.Equal(longName, GcsBucket.NameFor("a-very-long-project-id-x1", "mlplatform-some-long-stack-name", "mlflow"));
    }

    [Fact]
    public async Task Production_database_is_private_tls_only_backed_up_highly_available_and_protected()
    {
        var recorder = new OptionsRecorder();
        var mocks = await ComponentTest.RunAsync(() => _ = new CloudSqlPostgres("db", Database(production: true), recorder.Options()));

        Assert.True(recorder.IsProtected("gcp:sql/databaseInstance:DatabaseInstance", "db"));
        Assert.True(recorder.IsProtected("gcp:sql/database:Database", "db-database"));
        Assert.True(recorder.IsProtected("gcp:secretmanager/secret:Secret", "db-credentials"));
        Assert.Contains(await recorder.DependenciesOf("gcp:sql/databaseInstance:DatabaseInstance", "db"), d => d.GetResourceName() == "peering");

        var instance = mocks.Inputs("gcp:sql/databaseInstance:DatabaseInstance", "db");
        Assert.Equal("POSTGRES_17", instance["databaseVersion"]!.GetValue<string>());
        Assert.True(instance["deletionProtection"]!.GetValue<bool>());
        var settings = instance["settings"]!;
        Assert.Equal(("db-custom-2-8192", "ENTERPRISE", "REGIONAL"), (settings["tier"]!.GetValue<string>(), settings["edition"]!.GetValue<string>(), settings["availabilityType"]!.GetValue<string>()));
        Assert.True(settings["deletionProtectionEnabled"]!.GetValue<bool>());
        Assert.True(settings["retainBackupsOnDelete"]!.GetValue<bool>());
        var ip = settings["ipConfiguration"]!;
        Assert.False(ip["ipv4Enabled"]!.GetValue<bool>());
        Assert.Equal("projects/acme-ml/global/networks/ml", ip["privateNetwork"]!.GetValue<string>());
        Assert.Equal("ml-private-services", ip["allocatedIpRange"]!.GetValue<string>());
        Assert.Equal("ENCRYPTED_ONLY", ip["sslMode"]!.GetValue<string>());
        Assert.Null(ip["authorizedNetworks"]);
        var backups = settings["backupConfiguration"]!;
        Assert.True(backups["enabled"]!.GetValue<bool>());
        Assert.True(backups["pointInTimeRecoveryEnabled"]!.GetValue<bool>());
        Assert.Equal(14, backups["backupRetentionSettings"]!["retainedBackups"]!.AsInt());
        Assert.Equal(7, backups["transactionLogRetentionDays"]!.AsInt());
    }

    [Fact]
    public async Task Staging_database_is_zonal_and_deletable_at_the_api_but_still_protected()
    {
        var recorder = new OptionsRecorder();
        var mocks = await ComponentTest.RunAsync(() => _ = new CloudSqlPostgres("db", Database(production: false), recorder.Options()));

        var instance = mocks.Inputs("gcp:sql/databaseInstance:DatabaseInstance", "db");
        Assert.Equal("ZONAL", instance["settings"]!["availabilityType"]!.GetValue<string>());
        Assert.False(instance["deletionProtection"]!.GetValue<bool>());
        Assert.False(instance["settings"]!["deletionProtectionEnabled"]!.GetValue<bool>());
        Assert.True(recorder.IsProtected("gcp:sql/databaseInstance:DatabaseInstance", "db"));
    }

    [Fact]
    public async Task Password_is_generated_kept_in_secret_manager_and_readable_only_by_the_named_member()
    {
        const string reader = "serviceAccount:ml-secrets@acme-ml.iam.gserviceaccount.com";
        var mocks = await ComponentTest.RunAsync(() => _ = new CloudSqlPostgres("db", Database(true, reader)));

        var password = Assert.Single(mocks.OfType("random:index/randomPassword:RandomPassword")).Json();
        Assert.Equal((40, CloudSqlPostgres.PasswordSpecials), (password["length"]!.AsInt(), password["overrideSpecial"]!.GetValue<string>()));
        Assert.All(CloudSqlPostgres.PasswordSpecials, c => Assert.Equal(c.ToString(), Uri.EscapeDataString(c.ToString())));

        var user = mocks.Inputs("gcp:sql/user:User", "db-user");
        Assert.Equal(("mlflow", "ml-mlflow", "ABANDON"), (user["name"]!.GetValue<string>(), user["instance"]!.GetValue<string>(), user["deletionPolicy"]!.GetValue<string>()));

        var secret = mocks.Inputs("gcp:secretmanager/secret:Secret", "db-credentials");
        Assert.Equal("ml-mlflow-database", secret["secretId"]!.GetValue<string>());
        Assert.Equal("europe-west4", secret["replication"]!["userManaged"]!["replicas"]![0]!["location"]!.GetValue<string>());
        var version = mocks.Inputs("gcp:secretmanager/secretVersion:SecretVersion", "db-credentials");
        Assert.Equal("projects/acme-ml/secrets/ml-mlflow-database", version["secret"]!.GetValue<string>());
        var data = AwsTestSupport.ParseString(version["secretData"]);
        Assert.Equal(("mlflow", "mlflow", 5432), (data["username"]!.GetValue<string>(), data["dbname"]!.GetValue<string>(), data["port"]!.AsInt()));
        Assert.Equal("10.100.0.3", data["host"]!.GetValue<string>());
        Assert.Equal(user["password"]!.GetValue<string>(), data["password"]!.GetValue<string>());

        var grant = Assert.Single(mocks.OfType("gcp:secretmanager/secretIamMember:SecretIamMember")).Json();
        Assert.Equal(("ml-mlflow-database", "roles/secretmanager.secretAccessor", reader),
            (grant["secretId"]!.GetValue<string>(), grant["role"]!.GetValue<string>(), grant["member"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Registry_is_a_protected_docker_repository_readable_by_the_nodes_only()
    {
        var recorder = new OptionsRecorder();
        const string nodes = "serviceAccount:ml-nodes@acme-ml.iam.gserviceaccount.com";
        ArtifactRegistry? registry = null;
        var mocks = await ComponentTest.RunAsync(() => registry = new ArtifactRegistry("images", new ArtifactRegistryArgs
        {
            RepositoryId = "ml",
            ProjectId = "acme-ml",
            Location = "europe-west4",
            ImmutableTags = true,
            Readers = [nodes],
        }, recorder.Options()));

        Assert.True(recorder.IsProtected("gcp:artifactregistry/repository:Repository", "images"));
        var repository = mocks.Inputs("gcp:artifactregistry/repository:Repository", "images");
        Assert.Equal("DOCKER", repository["format"]!.GetValue<string>());
        Assert.True(repository["dockerConfig"]!["immutableTags"]!.GetValue<bool>());
        var grant = Assert.Single(mocks.OfType("gcp:artifactregistry/repositoryIamMember:RepositoryIamMember")).Json();
        Assert.Equal(("ml", "roles/artifactregistry.reader", nodes), (grant["repository"]!.GetValue<string>(), grant["role"]!.GetValue<string>(), grant["member"]!.GetValue<string>()));
        Assert.Equal("europe-west4-docker.pkg.dev/acme-ml/ml", registry!.RepositoryUrl);
    }

    [Fact]
    public async Task Keys_rotate_are_protected_and_usable_only_by_their_service_agents()
    {
        var recorder = new OptionsRecorder();
        var mocks = await ComponentTest.RunAsync(() => _ = new KeyRing("keys", new KeyRingArgs
        {
            Name = "ml-keys",
            ProjectId = "acme-ml",
            Location = "europe-west4",
            Keys =
            [
                new KeySpec("gke-secrets", ["serviceAccount:service-1@container-engine-robot.iam.gserviceaccount.com"]),
                new KeySpec("node-disks", ["serviceAccount:service-1@compute-system.iam.gserviceaccount.com"]),
            ],
        }, recorder.Options()));

        foreach (var key in mocks.OfType("gcp:kms/cryptoKey:CryptoKey"))
        {
            Assert.True(recorder.IsProtected("gcp:kms/cryptoKey:CryptoKey", key.Name!));
            Assert.Equal("7776000s", key.Json()["rotationPeriod"]!.GetValue<string>());
            Assert.Equal("projects/acme-ml/locations/europe-west4/keyRings/ml-keys", key.Json()["keyRing"]!.GetValue<string>());
        }

        var grants = mocks.OfType("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember").Select(g => g.Json()).ToList();
        Assert.Equal(2, grants.Count);
        Assert.All(grants, g => Assert.Equal(KeyRing.EncrypterRole, g["role"]!.GetValue<string>()));
        Assert.Contains(grants, g => g["cryptoKeyId"]!.GetValue<string>().EndsWith("/cryptoKeys/gke-secrets", StringComparison.Ordinal)
            && g["member"]!.GetValue<string>().Contains("container-engine-robot", StringComparison.Ordinal));
        Assert.Empty(mocks.OfType("gcp:projects/iAMMember:IAMMember"));
    }

    [Fact]
    public async Task Workload_identity_binds_exactly_one_kubernetes_service_account_and_annotates_it()
    {
        WorkloadIdentity? identity = null;
        var mocks = await ComponentTest.RunAsync(() => identity = new WorkloadIdentity("mlflow", new WorkloadIdentityArgs
        {
            AccountId = "ml-mlflow",
            ProjectId = "acme-ml",
            Namespace = "mlflow",
            ServiceAccount = "mlflow",
            Description = "MLflow",
        }));

        var binding = Assert.Single(mocks.OfType("gcp:serviceaccount/iAMMember:IAMMember")).Json();
        Assert.Equal("roles/iam.workloadIdentityUser", binding["role"]!.GetValue<string>());
        Assert.Equal("serviceAccount:acme-ml.svc.id.goog[mlflow/mlflow]", binding["member"]!.GetValue<string>());
        Assert.Equal("projects/acme-ml/serviceAccounts/ml-mlflow@acme-ml.iam.gserviceaccount.com", binding["serviceAccountId"]!.GetValue<string>());
        Assert.Empty(mocks.OfType("gcp:projects/iAMMember:IAMMember"));
        Assert.Equal("mlflow/mlflow", identity!.ServiceAccountKey);
        var annotations = await Output.Create(identity.Annotations.ToOutput()).Apply(a => a).GetValueAsync();
        Assert.Equal("ml-mlflow@acme-ml.iam.gserviceaccount.com", annotations[WorkloadIdentity.ServiceAccountAnnotation]);
    }

    [Theory]
    [InlineData("ml", "nodes", "ml-nodes")]
    [InlineData("mlplatform-gcp-production", "nodes", "mlplatform-gcp-prod-050a-nodes")]
    [InlineData("mlplatform-gcp-production", "secrets", "mlplatform-gcp-pr-050a-secrets")]
    public void Service_account_ids_fit_iams_thirty_characters(string cluster, string purpose, string expected)
    {
        var id = GcpNames.ServiceAccountId(cluster, purpose);
        Assert.Equal(expected, id);
        Assert.InRange(id.Length, 6, GcpNames.MaxServiceAccountIdLength);
    }

    [Fact]
    public async Task Cluster_logs_get_their_own_bucket_and_retention_and_leave_default_once()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new ClusterLogs("logs", new ClusterLogsArgs
        {
            ClusterName = "ml",
            SubnetworkName = "ml-nodes",
            ProjectId = "acme-ml",
            Location = "europe-west4",
            RetentionDays = 365,
        }));

        var bucket = mocks.Inputs("gcp:logging/projectBucketConfig:ProjectBucketConfig", "logs-bucket");
        Assert.Equal((365, "europe-west4", "ml"), (bucket["retentionDays"]!.AsInt(), bucket["location"]!.GetValue<string>(), bucket["bucketId"]!.GetValue<string>()));
        var sink = mocks.Inputs("gcp:logging/projectSink:ProjectSink", "logs-sink");
        Assert.Equal("logging.googleapis.com/projects/acme-ml/locations/europe-west4/buckets/ml", sink["destination"]!.GetValue<string>());
        var filter = sink["filter"]!.GetValue<string>();
        Assert.Contains("resource.labels.cluster_name=\"ml\"", filter, StringComparison.Ordinal);
        Assert.Contains("resource.labels.subnetwork_name=\"ml-nodes\"", filter, StringComparison.Ordinal);
        Assert.Equal(filter, mocks.Inputs("gcp:logging/projectExclusion:ProjectExclusion", "logs-exclusion")["filter"]!.GetValue<string>());
    }

    [Fact]
    public async Task Project_services_stay_enabled_when_the_stack_goes()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new ProjectServices("services", new ProjectServicesArgs { ProjectId = "acme-ml" }));

        var services = mocks.OfType("gcp:projects/service:Service").Select(s => s.Json()).ToList();
        Assert.Equal(ProjectServices.Platform.Length, services.Count);
        Assert.Contains(services, s => s["service"]!.GetValue<string>() == "container.googleapis.com");
        Assert.All(services, s => Assert.False(s["disableOnDestroy"]!.GetValue<bool>()));
        Assert.All(services, s => Assert.Equal("acme-ml", s["project"]!.GetValue<string>()));
    }
}
