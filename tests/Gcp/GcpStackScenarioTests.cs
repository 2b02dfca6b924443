using System.Text.Json.Nodes;
using MlPlatform.Infra.Plan;
using MlPlatform.Policies;
using MlPlatform.Stacks.Shared;
using MlPlatform.Tests.Aws;
using MlPlatform.Tests.Support;
using Moq;
using Pulumi.Testing;
using Xunit;

namespace MlPlatform.Tests.Gcp;

/// <summary>The GCP stack files, each planned once for the whole class.</summary>
public class GcpStackScenarioTests
{
    private const string ProductionCluster = "mlplatform-gcp-production";
    private const string ProductionProject = "acme-ml-prod";

    // Production runs through a Moq proxy of the mocks, so the invoke test reads the calls of the shared plan.
    private static readonly Mock<PlanMocks> ProductionMocks = new("us-central1", FakeCloud.AccountId) { CallBase = true };
    private static readonly Lazy<Task<PlanResult>> Production = new(() => Scenario.StackFileAsync("gcp-production", ProductionMocks.Object));
    private static readonly Lazy<Task<PlanResult>> Staging = new(() => Scenario.StackFileAsync("gcp-staging"));

    private static JsonObject Single(PlanResult plan, string type, string name) => plan.Get(type, name).Inputs;

    private static JsonObject Release(PlanResult plan, string name) =>
        plan.OfType("kubernetes:helm.sh/v3:Release").Single(r => r.Name == name).Inputs;

    private static JsonObject CustomResource(PlanResult plan, string kind, string name) =>
        plan.Resources.Single(r => r.Custom && r.Inputs["kind"]?.ToString() == kind && r.Inputs["metadata"]?["name"]?.ToString() == name).Inputs;

    [Fact]
    public async Task Production_cluster_is_private_with_dataplane_v2_workload_identity_and_shielded_nodes()
    {
        var plan = await Production.Value;

        Assert.Equal("gcp", plan.Cloud);
        var cluster = Single(plan, "gcp:container/cluster:Cluster", "gke");
        Assert.Equal((ProductionCluster, "us-central1"), (cluster["name"]!.GetValue<string>(), cluster["location"]!.GetValue<string>()));
        Assert.True(cluster["privateClusterConfig"]!["enablePrivateNodes"]!.GetValue<bool>());
        Assert.True(cluster["privateClusterConfig"]!["enablePrivateEndpoint"]!.GetValue<bool>());
        Assert.Empty(cluster["masterAuthorizedNetworksConfig"]!["cidrBlocks"]!.AsArray());
        Assert.Equal("ADVANCED_DATAPATH", cluster["datapathProvider"]!.GetValue<string>());
        Assert.Equal($"{ProductionProject}.svc.id.goog", cluster["workloadIdentityConfig"]!["workloadPool"]!.GetValue<string>());
        Assert.True(cluster["enableShieldedNodes"]!.GetValue<bool>());
        Assert.True(cluster["deletionProtection"]!.GetValue<bool>());
        Assert.Equal("PROJECT_SINGLETON_POLICY_ENFORCE", cluster["binaryAuthorization"]!["evaluationMode"]!.GetValue<string>());
        Assert.Equal("STABLE", cluster["releaseChannel"]!["channel"]!.GetValue<string>());
        Assert.EndsWith("/cryptoKeys/gke-secrets", cluster["databaseEncryption"]!["keyName"]!.GetValue<string>(), StringComparison.Ordinal);

        var network = Assert.Single(plan.OfType("gcp:compute/subnetwork:Subnetwork")).Inputs;
        Assert.Equal("10.80.0.0/20", network["ipCidrRange"]!.GetValue<string>());
        Assert.Equal(("INTERVAL_5_SEC", 0.5), (network["logConfig"]!["aggregationInterval"]!.GetValue<string>(), network["logConfig"]!["flowSampling"]!.GetValue<double>()));
        Assert.Equal(365, Assert.Single(plan.OfType("gcp:logging/projectBucketConfig:ProjectBucketConfig")).Inputs["retentionDays"]!.AsInt());
    }

    [Fact]
    public async Task Production_nodes_use_a_dedicated_account_everywhere_and_nap_is_limited_per_gpu_type()
    {
        var plan = await Production.Value;
        var cluster = Single(plan, "gcp:container/cluster:Cluster", "gke");
        var nodeAccount = plan.Outputs["nodeServiceAccount"]!.GetValue<string>();

        Assert.EndsWith($"@{ProductionProject}.iam.gserviceaccount.com", nodeAccount, StringComparison.Ordinal);
        Assert.DoesNotContain("compute@developer.gserviceaccount.com", nodeAccount, StringComparison.Ordinal);
        Assert.Equal(nodeAccount, cluster["nodeConfig"]!["serviceAccount"]!.GetValue<string>());
        Assert.Equal(nodeAccount, cluster["clusterAutoscaling"]!["autoProvisioningDefaults"]!["serviceAccount"]!.GetValue<string>());
        Assert.All(plan.OfType("gcp:container/nodePool:NodePool"), p => Assert.Equal(nodeAccount, p.Inputs["nodeConfig"]!["serviceAccount"]!.GetValue<string>()));

        // Limits: the sums of the pools' maxima (system 6 x n2-standard-4, 12 x g2-standard-8, 4 x a3-highgpu-8g, 40 x n2-standard-8).
        var limits = cluster["clusterAutoscaling"]!["resourceLimits"]!.AsArray()
            .ToDictionary(l => l!["resourceType"]!.GetValue<string>(), l => l!["maximum"]!.AsInt());
        Assert.Equal(new Dictionary<string, int>
        {
            ["cpu"] = (6 * 4) + (12 * 8) + (4 * 208) + (40 * 8),
            ["memory"] = (6 * 16) + (12 * 32) + (4 * 1872) + (40 * 32),
            ["nvidia-l4"] = 12,
            ["nvidia-h100-80gb"] = 32,
        }, limits);
        Assert.Equal("OPTIMIZE_UTILIZATION", cluster["clusterAutoscaling"]!["autoscalingProfile"]!.GetValue<string>());
        Assert.Equal("COS_CONTAINERD", cluster["clusterAutoscaling"]!["autoProvisioningDefaults"]!["imageType"]!.GetValue<string>());
    }

    [Fact]
    public async Task Production_gpu_pools_scale_to_zero_on_gke_installed_drivers_with_gkes_taint_only()
    {
        var plan = await Production.Value;
        var pools = plan.OfType("gcp:container/nodePool:NodePool").ToDictionary(p => p.Inputs["name"]!.GetValue<string>(), p => p.Inputs);

        Assert.Equal(new[] { "cpu-batch", "gpu-inference", "gpu-training", "system" }, pools.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, machine, type, count) in new[] { ("gpu-inference", "g2-standard-8", "nvidia-l4", 1), ("gpu-training", "a3-highgpu-8g", "nvidia-h100-80gb", 8) })
        {
            var pool = pools[name];
            Assert.Equal(0, pool["autoscaling"]!["totalMinNodeCount"]!.AsInt());
            Assert.Equal(machine, pool["nodeConfig"]!["machineType"]!.GetValue<string>());
            var gpu = Assert.Single(pool["nodeConfig"]!["guestAccelerators"]!.AsArray())!;
            Assert.Equal((type, count, "LATEST"), (gpu["type"]!.GetValue<string>(), gpu["count"]!.AsInt(), gpu["gpuDriverInstallationConfig"]!["gpuDriverVersion"]!.GetValue<string>()));
            Assert.DoesNotContain((pool["nodeConfig"]!["taints"] as JsonArray) ?? [], t => t!["key"]!.GetValue<string>() == "nvidia.com/gpu");
            Assert.Equal(new[] { "us-central1-a", "us-central1-c" }, pool["nodeLocations"]!.AsArray().Select(z => z!.GetValue<string>()));
        }

        Assert.True(pools["gpu-inference"]["nodeConfig"]!["spot"]!.GetValue<bool>());
        Assert.False(pools["gpu-training"]["nodeConfig"]!["spot"]!.GetValue<bool>());
        Assert.False(pools["system"]["nodeConfig"]!["spot"]!.GetValue<bool>());
        Assert.Equal(3, pools["system"]["autoscaling"]!["totalMinNodeCount"]!.AsInt());

        // GKE runs the driver and device plugin: no GPU operator, no privileged gpu-operator namespace.
        Assert.DoesNotContain(plan.OfType("kubernetes:helm.sh/v3:Release"), r => r.Name == "gpu-operator");
        Assert.DoesNotContain(plan.OfType("kubernetes:core/v1:Namespace"), n => n.Inputs["metadata"]!["name"]!.GetValue<string>() == "gpu-operator");
        Assert.True(Single(plan, "gcp:container/cluster:Cluster", "gke")["monitoringConfig"]!["managedPrometheus"]!["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Production_spot_pools_with_fallback_get_a_compute_class_and_carry_its_label_and_taint()
    {
        var plan = await Production.Value;

        foreach (var (name, machine) in new[] { ("gpu-inference", "g2-standard-8"), ("cpu-batch", "n2-standard-8") })
        {
            var computeClass = CustomResource(plan, "ComputeClass", name);
            Assert.Empty(CrdSchema.Problems("cloud.google.com", "v1", "ComputeClass", computeClass));
            var priorities = computeClass["spec"]!["priorities"]!.AsArray();
            Assert.Equal(name, priorities[0]!["nodepools"]![0]!.GetValue<string>());
            Assert.Equal((machine, false), (priorities[1]!["machineType"]!.GetValue<string>(), priorities[1]!["spot"]!.GetValue<bool>()));

            var pool = plan.OfType("gcp:container/nodePool:NodePool").Single(p => p.Inputs["name"]!.GetValue<string>() == name).Inputs["nodeConfig"]!;
            Assert.Equal(name, pool["labels"]!["cloud.google.com/compute-class"]!.GetValue<string>());
            Assert.Contains(pool["taints"]!.AsArray(), t => t!["key"]!.GetValue<string>() == "cloud.google.com/compute-class" && t["effect"]!.GetValue<string>() == "NO_SCHEDULE");
        }

        Assert.DoesNotContain(plan.Resources, r => r.Inputs["kind"]?.ToString() == "ComputeClass" && r.Inputs["metadata"]!["name"]!.GetValue<string>() == "gpu-training");
    }

    [Fact]
    public async Task Production_data_stores_are_private_highly_available_and_protected()
    {
        var plan = await Production.Value;

        foreach (var type in new[] { "gcp:storage/bucket:Bucket", "gcp:sql/databaseInstance:DatabaseInstance", "gcp:sql/database:Database", "gcp:secretmanager/secret:Secret", "gcp:artifactregistry/repository:Repository" })
        {
            Assert.True(Assert.Single(plan.OfType(type)).Protected, $"{type} is not protected");
        }

        Assert.All(plan.OfType("gcp:kms/cryptoKey:CryptoKey"), k => Assert.True(k.Protected, $"{k.Name} is not protected"));
        Assert.Equal(4, plan.OfType("gcp:kms/cryptoKey:CryptoKey").Count());
        Assert.DoesNotContain(plan.Resources, r => r.Protected && r.Type.StartsWith("kubernetes:", StringComparison.Ordinal));

        var bucket = Assert.Single(plan.OfType("gcp:storage/bucket:Bucket")).Inputs;
        Assert.True(bucket["uniformBucketLevelAccess"]!.GetValue<bool>());
        Assert.Equal("enforced", bucket["publicAccessPrevention"]!.GetValue<string>());
        Assert.True(bucket["versioning"]!["enabled"]!.GetValue<bool>());
        Assert.EndsWith("/cryptoKeys/mlflow-artifacts", bucket["encryption"]!["defaultKmsKeyName"]!.GetValue<string>(), StringComparison.Ordinal);

        var instance = Assert.Single(plan.OfType("gcp:sql/databaseInstance:DatabaseInstance")).Inputs;
        Assert.Equal("REGIONAL", instance["settings"]!["availabilityType"]!.GetValue<string>());
        Assert.True(instance["deletionProtection"]!.GetValue<bool>());
        Assert.True(instance["settings"]!["deletionProtectionEnabled"]!.GetValue<bool>());
        Assert.False(instance["settings"]!["ipConfiguration"]!["ipv4Enabled"]!.GetValue<bool>());
        Assert.Equal("ENCRYPTED_ONLY", instance["settings"]!["ipConfiguration"]!["sslMode"]!.GetValue<string>());
        Assert.True(instance["settings"]!["backupConfiguration"]!["pointInTimeRecoveryEnabled"]!.GetValue<bool>());
        Assert.Equal("db-custom-4-16384", instance["settings"]!["tier"]!.GetValue<string>());
        Assert.Equal("10.90.0.3:5432", plan.Outputs["databaseEndpoint"]!.GetValue<string>());

        // CMEK: the database key is granted to the project's Cloud SQL agent, and the instance waits for the grant.
        Assert.Equal($"projects/{ProductionProject}/locations/us-central1/keyRings/{ProductionCluster}-keys/cryptoKeys/mlflow-database", instance["encryptionKeyName"]!.GetValue<string>());
        var agent = plan.Get("gcp:projects/serviceIdentity:ServiceIdentity", "cloud-sql-agent");
        Assert.Equal("sqladmin.googleapis.com", agent.Inputs["service"]!.GetValue<string>());
        var grant = plan.Get("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", "keys-mlflow-database-0");
        Assert.Matches(@"^serviceAccount:service-\d+@gcp-sa-cloud-sql\.iam\.gserviceaccount\.com$", grant.Inputs["member"]!.GetValue<string>());
        Assert.Equal("roles/cloudkms.cryptoKeyEncrypterDecrypter", grant.Inputs["role"]!.GetValue<string>());
        var db = Assert.Single(plan.OfType("gcp:sql/databaseInstance:DatabaseInstance"));
        var component = plan.Resources.Single(r => r.Urn == db.Parent);
        Assert.Contains(grant.Urn, component.DependsOn);
        Assert.Equal($"{ProductionProject}:us-central1:{ProductionCluster}-mlflow", plan.Outputs["databaseInstance"]!.GetValue<string>());
    }

    [Fact]
    public async Task Production_workload_identities_bind_exactly_their_service_accounts_and_reach_only_their_resources()
    {
        var plan = await Production.Value;

        var bindings = plan.OfType("gcp:serviceaccount/iAMMember:IAMMember").ToDictionary(b => b.Name, b => b.Inputs);
        Assert.Equal(new[] { "cert-manager-identity-workload-identity", "external-secrets-identity-workload-identity", "mlflow-identity-workload-identity" }, bindings.Keys.Order(StringComparer.Ordinal));
        Assert.Equal($"serviceAccount:{ProductionProject}.svc.id.goog[cert-manager/cert-manager]", bindings["cert-manager-identity-workload-identity"]["member"]!.GetValue<string>());

        // cert-manager's DNS-01 account administers the configured managed zone only.
        var dnsGrant = Assert.Single(plan.OfType("gcp:dns/dnsManagedZoneIamMember:DnsManagedZoneIamMember")).Inputs;
        Assert.Equal(("ml-example-com", "roles/dns.admin", $"serviceAccount:{plan.Outputs["certManagerServiceAccount"]!.GetValue<string>()}"),
            (dnsGrant["managedZone"]!.GetValue<string>(), dnsGrant["role"]!.GetValue<string>(), dnsGrant["member"]!.GetValue<string>()));
        Assert.Equal($"serviceAccount:{ProductionProject}.svc.id.goog[mlflow/mlflow]", bindings["mlflow-identity-workload-identity"]["member"]!.GetValue<string>());
        Assert.Equal($"serviceAccount:{ProductionProject}.svc.id.goog[external-secrets/external-secrets]", bindings["external-secrets-identity-workload-identity"]["member"]!.GetValue<string>());
        Assert.All(bindings.Values, b => Assert.Equal("roles/iam.workloadIdentityUser", b["role"]!.GetValue<string>()));

        var mlflowAccount = plan.Outputs["mlflowServiceAccount"]!.GetValue<string>();
        var secretsAccount = plan.Outputs["externalSecretsServiceAccount"]!.GetValue<string>();
        var bucketGrant = Assert.Single(plan.OfType("gcp:storage/bucketIAMMember:BucketIAMMember")).Inputs;
        Assert.Equal(($"serviceAccount:{mlflowAccount}", "roles/storage.objectAdmin"), (bucketGrant["member"]!.GetValue<string>(), bucketGrant["role"]!.GetValue<string>()));
        var secretGrant = Assert.Single(plan.OfType("gcp:secretmanager/secretIamMember:SecretIamMember"), g => g.Name.StartsWith("mlflow-db", StringComparison.Ordinal)).Inputs;
        Assert.Equal(($"serviceAccount:{secretsAccount}", $"{ProductionCluster}-mlflow-database"), (secretGrant["member"]!.GetValue<string>(), secretGrant["secretId"]!.GetValue<string>()));
        // Neither identity holds a project-wide role; the only project role is the nodes'.
        Assert.Equal("roles/container.defaultNodeServiceAccount", Assert.Single(plan.OfType("gcp:projects/iAMMember:IAMMember")).Inputs["role"]!.GetValue<string>());

        Assert.Equal(mlflowAccount, Release(plan, "mlflow")["values"]!["serviceAccount"]!["annotations"]!["iam.gke.io/gcp-service-account"]!.GetValue<string>());
        Assert.Equal(secretsAccount, Release(plan, "external-secrets")["values"]!["serviceAccount"]!["annotations"]!["iam.gke.io/gcp-service-account"]!.GetValue<string>());
    }

    [Fact]
    public async Task Workload_identity_namespaces_reach_the_gke_metadata_server_and_no_other_does()
    {
        var plan = await Production.Value;

        var policies = plan.OfType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
            .Where(p => p.Inputs["metadata"]!["name"]!.GetValue<string>() == "allow-gke-metadata-server")
            .ToDictionary(p => p.Inputs["metadata"]!["namespace"]!.GetValue<string>(), p => p.Inputs["spec"]!);
        Assert.Equal(new[] { "cert-manager", "external-secrets", "mlflow" }, policies.Keys.Order(StringComparer.Ordinal));
        var egress = policies["mlflow"]["egress"]![0]!;
        Assert.Equal(new[] { "169.254.169.254/32", "169.254.169.252/32" }, egress["to"]!.AsArray().Select(t => t!["ipBlock"]!["cidr"]!.GetValue<string>()));
        Assert.Equal(new[] { 80, 988 }, egress["ports"]!.AsArray().Select(p => p!["port"]!.AsInt()));
    }

    [Fact]
    public async Task Production_ml_layer_uses_cloud_sql_gcs_and_secret_manager()
    {
        var plan = await Production.Value;

        var values = Release(plan, "mlflow")["values"]!;
        Assert.Equal("10.90.0.3", values["backendStore"]!["postgres"]!["host"]!.GetValue<string>());
        Assert.Equal("mlflow", values["backendStore"]!["postgres"]!["database"]!.GetValue<string>());
        Assert.True(values["artifactRoot"]!["gcs"]!["enabled"]!.GetValue<bool>());
        Assert.Equal(plan.Outputs["artifactBucket"]!.GetValue<string>(), values["artifactRoot"]!["gcs"]!["bucket"]!.GetValue<string>());
        Assert.Equal($"gs://{ProductionProject}-{ProductionCluster}-mlflow", plan.Outputs["artifactStoreUri"]!.GetValue<string>());

        var store = CustomResource(plan, "ClusterSecretStore", "cloud-secrets")["spec"]!["provider"]!["gcpsm"]!;
        Assert.Equal(ProductionProject, store["projectID"]!.GetValue<string>());
        var identity = store["auth"]!["workloadIdentity"]!;
        Assert.Equal((ProductionCluster, "us-central1", ProductionProject),
            (identity["clusterName"]!.GetValue<string>(), identity["clusterLocation"]!.GetValue<string>(), identity["clusterProjectID"]!.GetValue<string>()));
        var externalSecret = CustomResource(plan, "ExternalSecret", "mlflow-database");
        Assert.Equal($"{ProductionCluster}-mlflow-database", externalSecret["spec"]!["data"]![0]!["remoteRef"]!["key"]!.GetValue<string>());
    }

    [Fact]
    public async Task Monitoring_scrapes_what_gke_runs_no_kube_proxy_under_dataplane_v2_and_kube_dns()
    {
        var values = Release(await Production.Value, "kube-prometheus-stack")["values"]!;

        Assert.False(values["kubeProxy"]!["enabled"]!.GetValue<bool>());
        Assert.False(values["coreDns"]!["enabled"]!.GetValue<bool>());
        Assert.True(values["kubeDns"]!["enabled"]!.GetValue<bool>());
        Assert.False(values["kubeEtcd"]!["enabled"]!.GetValue<bool>());
        Assert.True(CloudIntegration.None.HasKubeProxy);
        Assert.False(CloudIntegration.None.KubeDns);
    }

    [Fact]
    public async Task Every_object_uses_its_provider_and_the_kubernetes_one_authenticates_with_gke_gcloud_auth_plugin()
    {
        var plan = await Production.Value;

        var kubernetes = Assert.Single(plan.OfType("pulumi:providers:kubernetes"));
        var kubeconfig = JsonNode.Parse(kubernetes.Inputs["kubeconfig"]!.GetValue<string>())!;
        Assert.Equal("gke-gcloud-auth-plugin", kubeconfig["users"]![0]!["user"]!["exec"]!["command"]!.GetValue<string>());
        Assert.Equal("https://172.16.80.2", kubeconfig["clusters"]![0]!["cluster"]!["server"]!.GetValue<string>());
        Assert.All(plan.Resources.Where(r => r.Custom && r.Type.StartsWith("kubernetes:", StringComparison.Ordinal)),
            r => Assert.StartsWith(kubernetes.Urn + "::", r.Provider ?? "", StringComparison.Ordinal));

        var gcp = Assert.Single(plan.OfType("pulumi:providers:gcp"));
        Assert.Equal((ProductionProject, "us-central1"), (gcp.Inputs["project"]!.GetValue<string>(), gcp.Inputs["region"]!.GetValue<string>()));
        Assert.Equal(ProductionCluster, JsonNode.Parse(gcp.Inputs["defaultLabels"]!.GetValue<string>())!["mlplatform-cluster"]!.GetValue<string>());
        Assert.All(plan.Resources.Where(r => r.Custom && r.Type.StartsWith("gcp:", StringComparison.Ordinal)),
            r => Assert.StartsWith(gcp.Urn + "::", r.Provider ?? "", StringComparison.Ordinal));

        // The shared layers wait for the node pools.
        var tenancy = plan.Get("mlplatform:kubernetes:Tenancy", "tenancy");
        Assert.Contains(plan.Get("gcp:container/nodePool:NodePool", "node-pools-system").Urn, tenancy.DependsOn);
    }

    [Fact]
    public async Task Production_passes_the_gate_with_gkes_managed_namespaces_left_alone()
    {
        var plan = await Production.Value;

        Assert.Empty(PlanRules.Check(plan.ToPolicyItems()));
        var exclusions = CustomResource(plan, "ClusterPolicy", "require-resource-limits").ToJsonString();
        Assert.Contains("gke-managed-system", exclusions, StringComparison.Ordinal);
        Assert.Contains("gmp-system", exclusions, StringComparison.Ordinal);
        Assert.Contains("Node pools:", PlanReport.Render(plan), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invokes_are_answered_by_the_fake_gcp()
    {
        var plan = await Production.Value;
        var mocks = ProductionMocks;

        foreach (var token in new[] { "gcp:organizations/getProject:getProject", "gcp:storage/getProjectServiceAccount:getProjectServiceAccount" })
        {
            mocks.Verify(m => m.CallAsync(It.Is<MockCallArgs>(c => c.Token == token)), Times.AtLeastOnce(), token);
        }

        Assert.All(mocks.Object.Calls, c => Assert.StartsWith("gcp:", c.Token, StringComparison.Ordinal));
        var number = FakeGcp.ProjectNumber(ProductionProject);
        var keyMembers = plan.OfType("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember").Select(m => m.Inputs["member"]!.GetValue<string>()).Order(StringComparer.Ordinal);
        Assert.Equal(new[]
        {
            $"serviceAccount:service-{number}@compute-system.iam.gserviceaccount.com",
            $"serviceAccount:service-{number}@container-engine-robot.iam.gserviceaccount.com",
            $"serviceAccount:service-{number}@gcp-sa-cloud-sql.iam.gserviceaccount.com",
            $"serviceAccount:service-{number}@gs-project-accounts.iam.gserviceaccount.com",
        }, keyMembers);
    }

    [Fact]
    public async Task Staging_is_zonal_public_to_its_ranges_small_and_spot()
    {
        var plan = await Staging.Value;

        var cluster = Single(plan, "gcp:container/cluster:Cluster", "gke");
        Assert.Equal("us-central1-a", cluster["location"]!.GetValue<string>());
        Assert.False(cluster["privateClusterConfig"]!["enablePrivateEndpoint"]!.GetValue<bool>());
        Assert.True(cluster["privateClusterConfig"]!["enablePrivateNodes"]!.GetValue<bool>());
        Assert.Equal("203.0.113.0/24", Assert.Single(cluster["masterAuthorizedNetworksConfig"]!["cidrBlocks"]!.AsArray())!["cidrBlock"]!.GetValue<string>());
        Assert.False(cluster["deletionProtection"]!.GetValue<bool>());
        Assert.Equal("DISABLED", cluster["binaryAuthorization"]!["evaluationMode"]!.GetValue<string>());

        var instance = Assert.Single(plan.OfType("gcp:sql/databaseInstance:DatabaseInstance"));
        Assert.True(instance.Protected);
        Assert.Equal(("ZONAL", "db-custom-1-3840"), (instance.Inputs["settings"]!["availabilityType"]!.GetValue<string>(), instance.Inputs["settings"]!["tier"]!.GetValue<string>()));
        Assert.Null(Assert.Single(plan.OfType("gcp:storage/bucket:Bucket"), b => b.Name == "mlflow-artifacts").Inputs["encryption"]);
        // Secrets, node disks and the database: staging's bucket keeps Google-managed keys, its database has CMEK.
        Assert.Equal(3, plan.OfType("gcp:kms/cryptoKey:CryptoKey").Count());

        var pools = plan.OfType("gcp:container/nodePool:NodePool").Where(p => p.Inputs["name"]!.GetValue<string>() != "system").ToList();
        Assert.All(pools, p => Assert.True(p.Inputs["nodeConfig"]!["spot"]!.GetValue<bool>()));
        Assert.All(pools, p => Assert.Equal(0, p.Inputs["autoscaling"]!["totalMinNodeCount"]!.AsInt()));
        Assert.All(plan.Outputs["nodePools"]!.AsArray(), p => Assert.Equal(0, p!["min"]!.AsInt()));
        Assert.Equal("n1-standard-16", pools.Single(p => p.Inputs["name"]!.GetValue<string>() == "gpu-training").Inputs["nodeConfig"]!["machineType"]!.GetValue<string>());
        Assert.Equal("e2-standard-4", plan.OfType("gcp:container/nodePool:NodePool").Single(p => p.Inputs["name"]!.GetValue<string>() == "system").Inputs["nodeConfig"]!["machineType"]!.GetValue<string>());
        Assert.Empty(PlanRules.Check(plan.ToPolicyItems()));
    }

    [Fact]
    public async Task Staging_sample_model_lands_on_its_pools_compute_class()
    {
        var plan = await Staging.Value;

        var predictor = plan.Resources.Single(r => r.Inputs["kind"]?.ToString() == "InferenceService").Inputs["spec"]!["predictor"]!;
        Assert.Equal("""{"cloud.google.com/compute-class":"gpu-inference"}""", predictor["nodeSelector"]!.ToJsonString());
        Assert.Contains(predictor["tolerations"]!.AsArray(), t => t!["key"]!.GetValue<string>() == "nvidia.com/gpu");

        // The training pool has no class: the pipeline selects it by its labels.
        Assert.Contains("\"mlplatform.io/workload\":\"training\"", CustomResource(plan, "WorkflowTemplate", "seed-training-pipeline").ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_mlflow_there_is_no_bucket_database_or_identity_for_it()
    {
        var config = new Dictionary<string, object>
        {
            ["cloud"] = "gcp",
            ["environment"] = "development",
            ["region"] = "europe-west4",
            ["gcp"] = new Dictionary<string, object> { ["projectId"] = "acme-ml-dev", ["zone"] = "europe-west4-b" },
            ["addons"] = new Dictionary<string, object> { ["mlflow"] = false },
        };
        var plan = await Scenario.RunAsync(config, new PlanMocks("europe-west4"), stack: "dev");

        // The telemetry bucket (logging and tracing) and its two identities are the only ones left.
        Assert.Equal("telemetry", Assert.Single(plan.OfType("gcp:storage/bucket:Bucket")).Name);
        Assert.Empty(plan.OfType("gcp:sql/databaseInstance:DatabaseInstance"));
        Assert.All(plan.OfType("gcp:serviceaccount/iAMMember:IAMMember"), m => Assert.Matches("^(loki|tempo)-", m.Name));
        Assert.Empty(plan.OfType("kubernetes:cloud.google.com/v1:ComputeClass"));
        Assert.Single(plan.OfType("gcp:container/nodePool:NodePool"));
        Assert.Equal("BALANCED", Single(plan, "gcp:container/cluster:Cluster", "gke")["clusterAutoscaling"]!["autoscalingProfile"]!.GetValue<string>());
        Assert.Equal("europe-west4-b", plan.Outputs["clusterLocation"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_stack_name_gke_cannot_take_fails_before_anything_is_registered()
    {
        var mocks = new Mock<PlanMocks>("us-central1", FakeCloud.AccountId) { CallBase = true };
        var config = new Dictionary<string, object>
        {
            ["cloud"] = "gcp",
            ["environment"] = "staging",
            ["region"] = "us-central1",
            ["gcp"] = new Dictionary<string, object> { ["projectId"] = "acme-ml-dev" },
        };

        var error = await Assert.ThrowsAnyAsync<Exception>(() => Scenario.RunAsync(config, mocks.Object, stack: "a-stack-name-far-too-long-for-gke"));

        Assert.Contains("stack name", error.ToString(), StringComparison.Ordinal);
        mocks.Verify(m => m.NewResourceAsync(It.IsAny<MockResourceArgs>()), Times.Never);
    }
}
