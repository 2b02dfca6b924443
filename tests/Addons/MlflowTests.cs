using System.Collections.Immutable;
using System.Text.Json.Nodes;
using MlPlatform.Components.Addons;
using MlPlatform.Tests.Support;
using Pulumi;
using Pulumi.Kubernetes.Types.Inputs.Core.V1;
using Pulumi.Kubernetes.Types.Inputs.Meta.V1;
using Xunit;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Tests.Addons;

public class MlflowTests
{
    // The chart passes podSecurityContext to the pod's securityContext as given (values.schema.json allows
    // additional properties there) but its values.yaml lists only fsGroup: seccompProfile is a documented
    // pass-through, not a typo.
    private static readonly string[] PassThrough = ["podSecurityContext.seccompProfile"];

    private static readonly MlflowSettings Cloud = new()
    {
        Replicas = 2,
        Database = new PostgresBackend("mlflow.cluster-abc.us-east-1.rds.amazonaws.com", 5432, "mlflow"),
        Artifacts = ArtifactStore.Parse("s3://mlplatform-artifacts/mlflow"),
        ServiceAccountAnnotations = ImmutableDictionary<string, string>.Empty.Add("eks.amazonaws.com/role-arn", "arn:aws:iam::123456789012:role/mlflow"),
    };

    [Theory]
    [InlineData("s3://bucket/a/b", ArtifactStoreKind.S3, "bucket", "a/b", null)]
    [InlineData("s3://bucket", ArtifactStoreKind.S3, "bucket", "", null)]
    [InlineData("gs://bucket/mlflow/", ArtifactStoreKind.Gcs, "bucket", "mlflow", null)]
    [InlineData("wasbs://artifacts@mlplatformsa.blob.core.windows.net/mlflow", ArtifactStoreKind.AzureBlob, "artifacts", "mlflow", "mlplatformsa")]
    public void Parses_artifact_store_uris(string uri, ArtifactStoreKind kind, string bucket, string path, string? account)
    {
        Assert.Equal(new ArtifactStore(kind, bucket, path, account), ArtifactStore.Parse(uri));
    }

    [Theory]
    [InlineData("https://bucket.s3.amazonaws.com")]
    [InlineData("wasbs://artifacts@example.com/x")]
    [InlineData("not a uri")]
    public void Rejects_other_uris(string uri)
    {
        Assert.Throws<ArgumentException>(() => ArtifactStore.Parse(uri));
    }

    [Fact]
    public void Cloud_values_exist_in_the_chart()
    {
        Assert.Empty(ChartValues.UnknownKeys("mlflow", "1.11.5", DependencyRecorder.Json(Mlflow.Values(Cloud)), PassThrough));
    }

    [Fact]
    public void Fallback_values_exist_in_the_chart()
    {
        Assert.Empty(ChartValues.UnknownKeys("mlflow", "1.11.5", DependencyRecorder.Json(Mlflow.Values(new MlflowSettings())), PassThrough));
    }

    [Fact]
    public void Backend_is_the_cloud_postgres_with_credentials_from_the_secret_only()
    {
        var values = DependencyRecorder.Json(Mlflow.Values(Cloud));
        var store = values["backendStore"]!;

        Assert.True(store["postgres"]!["enabled"]!.GetValue<bool>());
        Assert.Equal("mlflow.cluster-abc.us-east-1.rds.amazonaws.com", store["postgres"]!["host"]!.GetValue<string>());
        Assert.Equal(5432, store["postgres"]!["port"]!.GetValue<int>());
        Assert.Equal("mlflow", store["postgres"]!["database"]!.GetValue<string>());
        Assert.Null(store["postgres"]!["user"]);
        Assert.Null(store["postgres"]!["password"]);
        Assert.Equal(Mlflow.DatabaseSecretName, store["existingDatabaseSecret"]!["name"]!.GetValue<string>());
        Assert.True(store["databaseMigration"]!.GetValue<bool>());
    }

    [Fact]
    public void Artifacts_go_to_the_bucket_through_the_server_with_workload_identity()
    {
        var values = DependencyRecorder.Json(Mlflow.Values(Cloud));
        var root = values["artifactRoot"]!;

        Assert.True(root["proxiedArtifactStorage"]!.GetValue<bool>());
        Assert.True(root["s3"]!["enabled"]!.GetValue<bool>());
        Assert.Equal("mlplatform-artifacts", root["s3"]!["bucket"]!.GetValue<string>());
        Assert.Equal("mlflow", root["s3"]!["path"]!.GetValue<string>());
        Assert.Null(root["s3"]!["awsAccessKeyId"]);
        Assert.Equal("mlflow", values["serviceAccount"]!["name"]!.GetValue<string>());
        Assert.False(values["serviceAccount"]!["automount"]!.GetValue<bool>());
        Assert.Equal("arn:aws:iam::123456789012:role/mlflow", values["serviceAccount"]!["annotations"]!["eks.amazonaws.com/role-arn"]!.GetValue<string>());
        Assert.Null(values["extraVolumes"]);
        Assert.Equal(2, values["replicaCount"]!.GetValue<int>());
    }

    [Fact]
    public void Azure_artifacts_use_the_blob_store_and_pods_get_the_labels_their_identity_needs()
    {
        var settings = Cloud with { Artifacts = ArtifactStore.Parse("wasbs://artifacts@mlplatformsa.blob.core.windows.net/mlflow") };
        var values = DependencyRecorder.Json(Mlflow.Values(settings with
        {
            PodLabels = ImmutableDictionary<string, string>.Empty.Add("azure.workload.identity/use", "true"),
        }));

        Assert.Equal("artifacts", values["artifactRoot"]!["azureBlob"]!["container"]!.GetValue<string>());
        Assert.Equal("mlplatformsa", values["artifactRoot"]!["azureBlob"]!["storageAccount"]!.GetValue<string>());
        Assert.Null(values["artifactRoot"]!["azureBlob"]!["connectionString"]);
        Assert.Equal("true", values["extraPodLabels"]!["azure.workload.identity/use"]!.GetValue<string>());

        // The labels come from the cloud's identity binding, not from the artifact store's kind.
        Assert.Null(DependencyRecorder.Json(Mlflow.Values(settings))["extraPodLabels"]);
    }

    [Fact]
    public void Gcs_artifacts_use_the_gcs_store()
    {
        var values = DependencyRecorder.Json(Mlflow.Values(Cloud with { Artifacts = ArtifactStore.Parse("gs://mlplatform-artifacts") }));

        Assert.True(values["artifactRoot"]!["gcs"]!["enabled"]!.GetValue<bool>());
        Assert.Equal("mlplatform-artifacts", values["artifactRoot"]!["gcs"]!["bucket"]!.GetValue<string>());
        Assert.Null(values["artifactRoot"]!["s3"]);
    }

    [Fact]
    public void Pods_are_pod_security_restricted()
    {
        var values = DependencyRecorder.Json(Mlflow.Values(Cloud));

        Assert.Equal("RuntimeDefault", values["podSecurityContext"]!["seccompProfile"]!["type"]!.GetValue<string>());
        var container = values["securityContext"]!;
        Assert.True(container["runAsNonRoot"]!.GetValue<bool>());
        Assert.False(container["allowPrivilegeEscalation"]!.GetValue<bool>());
        Assert.Equal(["ALL"], container["capabilities"]!["drop"]!.AsArray().Select(c => c!.GetValue<string>()));
    }

    [Fact]
    public void Fallback_keeps_sqlite_and_artifacts_on_one_volume()
    {
        var values = DependencyRecorder.Json(Mlflow.Values(new MlflowSettings()));

        Assert.Equal("/mlflow/data/mlflow.db", values["backendStore"]!["defaultSqlitePath"]!.GetValue<string>());
        Assert.Null(values["backendStore"]!["postgres"]);
        Assert.Equal("/mlflow/data/artifacts", values["artifactRoot"]!["defaultArtifactsDestination"]!.GetValue<string>());
        Assert.Equal(Mlflow.FallbackClaimName, values["extraVolumes"]![0]!["persistentVolumeClaim"]!["claimName"]!.GetValue<string>());
        Assert.Equal("/mlflow/data", values["extraVolumeMounts"]![0]!["mountPath"]!.GetValue<string>());
        Assert.Equal("Recreate", values["strategy"]!["type"]!.GetValue<string>());
        Assert.Equal(1, values["replicaCount"]!.GetValue<int>());
    }

    [Fact]
    public void Server_accepts_its_service_names_and_pod_addresses()
    {
        var hosts = DependencyRecorder.Json(Mlflow.Values(Cloud with { Namespace = "ml" }))["serverAllowedHosts"]!.AsArray().Select(h => h!.GetValue<string>()).ToList();

        Assert.Contains("mlflow.ml.svc.cluster.local", hosts);
        Assert.Contains("mlflow.ml.svc.cluster.local:*", hosts);
        Assert.Contains("mlflow.ml", hosts);
        Assert.Contains("10.*", hosts);
        Assert.DoesNotContain("*", hosts);
    }

    [Theory]
    [InlineData("10.1.2.3:5000", true)]
    [InlineData("172.31.0.9:5000", true)]
    [InlineData("192.168.4.2:5000", true)]
    [InlineData("100.64.0.1:5000", true)]
    [InlineData("100.99.10.10:5000", true)]
    [InlineData("100.127.255.1:5000", true)]
    [InlineData("100.63.0.1:5000", false)]
    [InlineData("100.128.0.1:5000", false)]
    [InlineData("172.32.0.1:5000", false)]
    [InlineData("8.8.8.8:5000", false)]
    [InlineData("evil.example.com", false)]
    public void Pod_addresses_match_as_mlflow_matches_hosts(string host, bool allowed)
    {
        // MLflow matches Host headers with Python's fnmatch: *, ? and [...] classes over the whole value
        // (fnmatch.translate: "(?s:...)\Z", so '*' crosses line breaks and nothing may follow).
        static bool FnMatch(string pattern, string value) => System.Text.RegularExpressions.Regex.IsMatch(value,
            @"\A" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".").Replace(@"\[", "[") + @"\z",
            System.Text.RegularExpressions.RegexOptions.Singleline);

        Assert.Equal(allowed, Mlflow.AllowedHosts("mlflow").Any(p => FnMatch(p, host)));
    }

    [Fact]
    public void Metrics_endpoint_is_enabled_without_a_service_monitor()
    {
        var values = DependencyRecorder.Json(Mlflow.Values(Cloud));

        Assert.NotNull(values["extraArgs"]!["exposePrometheus"]);
        Assert.Null(values["serviceMonitor"]);
    }

    [Fact]
    public void External_secret_is_valid_and_reads_the_cloud_secret()
    {
        var spec = DependencyRecorder.Json(Mlflow.ExternalSecretSpec("cloud-secrets", "mlplatform/mlflow/db", "mlflow"));
        var problems = CrdSchema.Problems("external-secrets.io", "v1", "ExternalSecret", new JsonObject
        {
            ["apiVersion"] = "external-secrets.io/v1",
            ["kind"] = "ExternalSecret",
            ["metadata"] = new JsonObject { ["name"] = Mlflow.DatabaseSecretName, ["namespace"] = "mlflow" },
            ["spec"] = spec,
        });

        Assert.Empty(problems);
        Assert.Equal("cloud-secrets", spec["secretStoreRef"]!["name"]!.GetValue<string>());
        Assert.Equal("ClusterSecretStore", spec["secretStoreRef"]!["kind"]!.GetValue<string>());
        Assert.Equal("mlplatform/mlflow/db", spec["data"]![0]!["remoteRef"]!["key"]!.GetValue<string>());
        Assert.Equal(Mlflow.DatabaseSecretName, spec["target"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_a_secret_store_the_stack_creates_the_secret_and_keeps_the_password_out_of_values()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = NewMlflow(store: null));

        var secret = DependencyRecorder.Json(mocks.Single(Types.Secret, "mlflow-database"));
        Assert.Equal("s3cr3t-password", secret["stringData"]!["password"]!.GetValue<string>());
        Assert.Equal("mlflow_app", secret["stringData"]!["username"]!.GetValue<string>());
        Assert.Empty(mocks.OfType(Types.ExternalSecret));

        var release = mocks.Single(Types.Release, "mlflow");
        var json = DependencyRecorder.Json(release).ToJsonString();
        Assert.DoesNotContain("s3cr3t-password", json, StringComparison.Ordinal);
        var values = DependencyRecorder.Json(release)["values"]!;
        Assert.Equal("db.internal", values["backendStore"]!["postgres"]!["host"]!.GetValue<string>());
        Assert.Equal(5433, values["backendStore"]!["postgres"]!["port"]!.GetValue<int>());
        Assert.Equal("mlplatform-artifacts", values["artifactRoot"]!["s3"]!["bucket"]!.GetValue<string>());
        Assert.Equal("arn:aws:iam::123456789012:role/mlflow", values["serviceAccount"]!["annotations"]!["eks.amazonaws.com/role-arn"]!.GetValue<string>());
    }

    [Fact]
    public async Task With_a_secret_store_an_external_secret_feeds_the_database_secret()
    {
        var (mocks, graph) = await DependencyRecorder.RunAsync(() =>
        {
            var store = new K8s.Core.V1.ConfigMap("cluster-secret-store", new ConfigMapArgs());
            _ = NewMlflow(new ExternalSecretSource("cloud-secrets", Output.Create("mlplatform/mlflow/db"), store));
        });

        Assert.Empty(mocks.OfType(Types.Secret));
        var externalSecret = DependencyRecorder.Json(mocks.Single(Types.ExternalSecret, "mlflow-database"));
        Assert.Empty(CrdSchema.Problems("external-secrets.io", "v1", "ExternalSecret", externalSecret));
        Assert.Equal("mlplatform/mlflow/db", externalSecret["spec"]!["data"]![0]!["remoteRef"]!["key"]!.GetValue<string>());
        Assert.True(graph.DependsOn(Types.ExternalSecret, "mlflow-database", Types.ConfigMap, "cluster-secret-store"));
        Assert.True(graph.DependsOn(Types.Release, "mlflow", Types.ExternalSecret, "mlflow-database"));
    }

    [Fact]
    public async Task Two_replicas_get_a_disruption_budget_over_the_chart_pods()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = NewMlflow(store: null));

        var pdb = DependencyRecorder.Json(mocks.Single(Types.Pdb, "mlflow-pdb"));
        Assert.Equal(1, pdb["spec"]!["maxUnavailable"]!.GetValue<int>());
        Assert.Null(pdb["spec"]!["minAvailable"]);
        Assert.Equal("AlwaysAllow", pdb["spec"]!["unhealthyPodEvictionPolicy"]!.GetValue<string>());
        Assert.Equal("mlflow", pdb["spec"]!["selector"]!["matchLabels"]!["app.kubernetes.io/name"]!.GetValue<string>());
        Assert.Equal("mlflow", pdb["spec"]!["selector"]!["matchLabels"]!["app.kubernetes.io/instance"]!.GetValue<string>());
        Assert.Equal(2, DependencyRecorder.Json(mocks.Single(Types.Release, "mlflow"))["values"]!["replicaCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task Fallback_creates_the_volume_and_runs_one_replica_without_a_budget()
    {
        var (mocks, graph) = await DependencyRecorder.RunAsync(() =>
        {
            var ns = new K8s.Core.V1.Namespace("mlflow", new NamespaceArgs { Metadata = new ObjectMetaArgs { Name = "mlflow" } });
            _ = new Mlflow("mlflow", new MlflowArgs { Namespace = "mlflow", NamespaceReady = ns, Replicas = 2 });
        });

        var release = DependencyRecorder.Json(mocks.Single(Types.Release, "mlflow"));
        Assert.Equal("mlflow", release["chart"]!.GetValue<string>());
        Assert.Equal("1.11.5", release["version"]!.GetValue<string>());
        Assert.Equal("https://community-charts.github.io/helm-charts", release["repositoryOpts"]!["repo"]!.GetValue<string>());
        Assert.Equal("mlflow", release["namespace"]!.GetValue<string>());
        Assert.Equal(1, release["values"]!["replicaCount"]!.GetValue<int>());
        Assert.Single(mocks.OfType(Types.Pvc));
        Assert.True(graph.IsProtected(Types.Pvc, "mlflow-data"));
        Assert.True(graph.DependsOn(Types.Release, "mlflow", Types.Pvc, "mlflow-data"));
        Assert.Empty(mocks.OfType(Types.Pdb));
        Assert.Empty(mocks.OfType(Types.Secret));
    }

    private static Mlflow NewMlflow(ExternalSecretSource? store)
    {
        var ns = new K8s.Core.V1.Namespace("mlflow", new NamespaceArgs { Metadata = new ObjectMetaArgs { Name = "mlflow" } });
        return new Mlflow("mlflow", new MlflowArgs
        {
            Namespace = "mlflow",
            NamespaceReady = ns,
            Replicas = 2,
            Database = new MlflowDatabase
            {
                Host = Output.Create("db.internal"),
                Port = Output.Create(5433),
                Name = "mlflow",
                Username = "mlflow_app",
                Password = Output.CreateSecret("s3cr3t-password"),
                SecretStore = store,
            },
            ArtifactStoreUri = Output.Create("s3://mlplatform-artifacts/mlflow"),
            ServiceAccountAnnotations = new InputMap<string> { ["eks.amazonaws.com/role-arn"] = Output.Create("arn:aws:iam::123456789012:role/mlflow") },
        });
    }
}
