using System.Collections.Immutable;
using System.Text.Json.Nodes;
using MlPlatform.Components.Gcp;
using MlPlatform.Tests.Aws;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Gcp;

public class GkeClusterTests
{
    private const string Cluster = "gcp:container/cluster:Cluster";
    private const string SecretsKey = "projects/acme-ml/locations/europe-west4/keyRings/ml-keys/cryptoKeys/gke-secrets";
    private const string DiskKey = "projects/acme-ml/locations/europe-west4/keyRings/ml-keys/cryptoKeys/node-disks";

    private static GkeClusterArgs Args(ImmutableArray<string> authorized = default, bool production = true) => new()
    {
        Name = "ml",
        ProjectId = "acme-ml",
        Location = "europe-west4",
        KubernetesVersion = "1.34",
        ReleaseChannel = "STABLE",
        NetworkId = "projects/acme-ml/global/networks/ml",
        SubnetworkId = "projects/acme-ml/regions/europe-west4/subnetworks/ml-nodes",
        MasterCidr = "172.16.0.0/28",
        MasterAuthorizedNetworks = authorized.IsDefault ? [] : authorized,
        SecretsKeyId = SecretsKey,
        BootDiskKeyId = DiskKey,
        AutoscalingLimits = [new("cpu", 96), new("memory", 384), new("nvidia-l4", 8)],
        OptimizeUtilization = true,
        WebhookPorts = [10250, 9443, 8443, 9443],
        GpuMetrics = true,
        BinaryAuthorization = production,
        DeletionProtection = production,
    };

    [Fact]
    public async Task Cluster_is_private_with_dataplane_v2_workload_identity_shielded_nodes_and_encrypted_secrets()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new GkeCluster("gke", Args()));
        var cluster = mocks.Inputs(Cluster, "gke");

        var privateConfig = cluster["privateClusterConfig"]!;
        Assert.True(privateConfig["enablePrivateNodes"]!.GetValue<bool>());
        Assert.True(privateConfig["enablePrivateEndpoint"]!.GetValue<bool>());
        Assert.Equal("172.16.0.0/28", privateConfig["masterIpv4CidrBlock"]!.GetValue<string>());
        Assert.Empty(cluster["masterAuthorizedNetworksConfig"]!["cidrBlocks"]!.AsArray());
        Assert.False(cluster["masterAuthorizedNetworksConfig"]!["gcpPublicCidrsAccessEnabled"]!.GetValue<bool>());
        Assert.Equal("ADVANCED_DATAPATH", cluster["datapathProvider"]!.GetValue<string>());
        Assert.True(cluster["addonsConfig"]!["networkPolicyConfig"]!["disabled"]!.GetValue<bool>());
        Assert.Equal("acme-ml.svc.id.goog", cluster["workloadIdentityConfig"]!["workloadPool"]!.GetValue<string>());
        Assert.True(cluster["enableShieldedNodes"]!.GetValue<bool>());
        Assert.Equal(("ENCRYPTED", SecretsKey), (cluster["databaseEncryption"]!["state"]!.GetValue<string>(), cluster["databaseEncryption"]!["keyName"]!.GetValue<string>()));
        Assert.Equal("PROJECT_SINGLETON_POLICY_ENFORCE", cluster["binaryAuthorization"]!["evaluationMode"]!.GetValue<string>());
        Assert.Null(cluster["binaryAuthorization"]!["enabled"]);
        Assert.Equal(("STABLE", "1.34"), (cluster["releaseChannel"]!["channel"]!.GetValue<string>(), cluster["minMasterVersion"]!.GetValue<string>()));
        Assert.True(cluster["removeDefaultNodePool"]!.GetValue<bool>());
        Assert.True(cluster["deletionProtection"]!.GetValue<bool>());
        Assert.Equal(("pods", "services"), (cluster["ipAllocationPolicy"]!["clusterSecondaryRangeName"]!.GetValue<string>(), cluster["ipAllocationPolicy"]!["servicesSecondaryRangeName"]!.GetValue<string>()));
        Assert.Equal("FREQ=WEEKLY;BYDAY=SA,SU", cluster["maintenancePolicy"]!["recurringWindow"]!["recurrence"]!.GetValue<string>());
        Assert.Equal("CHANNEL_DISABLED", cluster["gatewayApiConfig"]!["channel"]!.GetValue<string>());
        Assert.Equal("FALSE", cluster["nodePoolDefaults"]!["nodeConfigDefaults"]!["insecureKubeletReadonlyPortEnabled"]!.GetValue<string>());
    }

    [Fact]
    public async Task Nodes_run_as_a_dedicated_least_privilege_account_never_the_compute_default()
    {
        var recorder = new OptionsRecorder();
        var mocks = await ComponentTest.RunAsync(() => _ = new GkeCluster("gke", Args(), recorder.Options()));
        Assert.Equal(new[] { "nodeConfig", "initialNodeCount" }, recorder.Of(Cluster, "gke").IgnoreChanges);
        Assert.Contains(await recorder.DependenciesOf(Cluster, "gke"), d => d.GetResourceType() == "gcp:projects/iAMMember:IAMMember");
        var cluster = mocks.Inputs(Cluster, "gke");

        var account = mocks.Inputs("gcp:serviceaccount/account:Account", "gke-nodes");
        Assert.Equal("ml-nodes", account["accountId"]!.GetValue<string>());
        const string email = "ml-nodes@acme-ml.iam.gserviceaccount.com";
        Assert.Equal(email, cluster["nodeConfig"]!["serviceAccount"]!.GetValue<string>());
        Assert.Equal(email, cluster["clusterAutoscaling"]!["autoProvisioningDefaults"]!["serviceAccount"]!.GetValue<string>());
        Assert.DoesNotContain("-compute@developer.gserviceaccount.com", cluster.ToJsonString(), StringComparison.Ordinal);

        var role = Assert.Single(mocks.OfType("gcp:projects/iAMMember:IAMMember")).Json();
        Assert.Equal("roles/container.defaultNodeServiceAccount", role["role"]!.GetValue<string>());
        Assert.Equal($"serviceAccount:{email}", role["member"]!.GetValue<string>());
        Assert.Equal("acme-ml", role["project"]!.GetValue<string>());
    }

    [Fact]
    public async Task Node_auto_provisioning_has_limits_per_resource_and_hardened_defaults()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new GkeCluster("gke", Args()));
        var autoscaling = mocks.Inputs(Cluster, "gke")["clusterAutoscaling"]!;

        Assert.True(autoscaling["enabled"]!.GetValue<bool>());
        Assert.Equal("OPTIMIZE_UTILIZATION", autoscaling["autoscalingProfile"]!.GetValue<string>());
        Assert.Equal(new[] { ("cpu", 96), ("memory", 384), ("nvidia-l4", 8) },
            autoscaling["resourceLimits"]!.AsArray().Select(l => (l!["resourceType"]!.GetValue<string>(), l["maximum"]!.AsInt())));
        var defaults = autoscaling["autoProvisioningDefaults"]!;
        Assert.Equal("COS_CONTAINERD", defaults["imageType"]!.GetValue<string>());
        Assert.True(defaults["shieldedInstanceConfig"]!["enableSecureBoot"]!.GetValue<bool>());
        Assert.True(defaults["shieldedInstanceConfig"]!["enableIntegrityMonitoring"]!.GetValue<bool>());
        Assert.Equal(("SURGE", 1, 0), (defaults["upgradeSettings"]!["strategy"]!.GetValue<string>(), defaults["upgradeSettings"]!["maxSurge"]!.AsInt(), defaults["upgradeSettings"]!["maxUnavailable"]!.AsInt()));
        Assert.Equal(DiskKey, defaults["bootDiskKmsKey"]!.GetValue<string>());
        Assert.True(defaults["management"]!["autoRepair"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Gpu_clusters_get_gkes_dcgm_metrics_and_others_no_managed_prometheus()
    {
        var gpu = (await ComponentTest.RunAsync(() => _ = new GkeCluster("gke", Args()))).Inputs(Cluster, "gke")["monitoringConfig"]!;
        Assert.Equal(new[] { "SYSTEM_COMPONENTS", "DCGM" }, gpu["enableComponents"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.True(gpu["managedPrometheus"]!["enabled"]!.GetValue<bool>());

        var args = Args();
        var cpu = (await ComponentTest.RunAsync(() => _ = new GkeCluster("gke", new GkeClusterArgs
        {
            Name = args.Name,
            ProjectId = args.ProjectId,
            Location = args.Location,
            KubernetesVersion = args.KubernetesVersion,
            NetworkId = args.NetworkId,
            SubnetworkId = args.SubnetworkId,
            MasterCidr = args.MasterCidr,
            SecretsKeyId = args.SecretsKeyId,
            BootDiskKeyId = args.BootDiskKeyId,
            AutoscalingLimits = [new("cpu", 16), new("memory", 64)],
        }))).Inputs(Cluster, "gke");
        Assert.False(cpu["monitoringConfig"]!["managedPrometheus"]!["enabled"]!.GetValue<bool>());
        Assert.Equal("BALANCED", cpu["clusterAutoscaling"]!["autoscalingProfile"]!.GetValue<string>());
        Assert.Equal("DISABLED", cpu["binaryAuthorization"]!["evaluationMode"]!.GetValue<string>());
        Assert.False(cpu["deletionProtection"]!.GetValue<bool>());
        Assert.Equal("REGULAR", cpu["releaseChannel"]!["channel"]!.GetValue<string>());
    }

    [Fact]
    public async Task Authorized_networks_open_the_public_endpoint_to_them_only()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new GkeCluster("gke", Args(["203.0.113.0/24"], production: false)));
        var cluster = mocks.Inputs(Cluster, "gke");

        Assert.False(cluster["privateClusterConfig"]!["enablePrivateEndpoint"]!.GetValue<bool>());
        Assert.True(cluster["privateClusterConfig"]!["enablePrivateNodes"]!.GetValue<bool>());
        Assert.Equal("203.0.113.0/24", Assert.Single(cluster["masterAuthorizedNetworksConfig"]!["cidrBlocks"]!.AsArray())!["cidrBlock"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_control_plane_reaches_webhooks_on_the_ports_gke_does_not_open()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new GkeCluster("gke", Args()));

        var firewall = Assert.Single(mocks.OfType("gcp:compute/firewall:Firewall")).Json();
        Assert.Equal("INGRESS", firewall["direction"]!.GetValue<string>());
        Assert.Equal("172.16.0.0/28", Assert.Single(firewall["sourceRanges"]!.AsArray())!.GetValue<string>());
        Assert.Equal("ml-nodes@acme-ml.iam.gserviceaccount.com", Assert.Single(firewall["targetServiceAccounts"]!.AsArray())!.GetValue<string>());
        var allow = Assert.Single(firewall["allows"]!.AsArray())!;
        Assert.Equal("tcp", allow["protocol"]!.GetValue<string>());
        Assert.Equal(new[] { "8443", "9443" }, allow["ports"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Null(firewall["enableLogging"]);
    }

    [Fact]
    public async Task Kubeconfig_authenticates_with_the_gke_auth_plugin_against_the_private_endpoint()
    {
        var mocks = await ComponentTest.RunAsync(() =>
        {
            var cluster = new GkeCluster("gke", Args());
            cluster.Kubeconfig.Apply(k => KubeconfigSeen = k);
        });

        var kubeconfig = JsonNode.Parse(KubeconfigSeen!)!;
        var exec = kubeconfig["users"]![0]!["user"]!["exec"]!;
        Assert.Equal("gke-gcloud-auth-plugin", exec["command"]!.GetValue<string>());
        Assert.Equal("client.authentication.k8s.io/v1beta1", exec["apiVersion"]!.GetValue<string>());
        Assert.True(exec["provideClusterInfo"]!.GetValue<bool>());
        Assert.Equal("https://172.16.0.2", kubeconfig["clusters"]![0]!["cluster"]!["server"]!.GetValue<string>());
        Assert.StartsWith("LS0tLS1CRUdJTi", kubeconfig["clusters"]![0]!["cluster"]!["certificate-authority-data"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("gke_acme-ml_europe-west4_ml", kubeconfig["current-context"]!.GetValue<string>());
        Assert.DoesNotContain("token", kubeconfig["users"]![0]!["user"]!.AsObject().Select(p => p.Key));
        Assert.NotEmpty(mocks.Registrations);
    }

    private static string? KubeconfigSeen { get; set; }

    [Fact]
    public async Task Node_pools_are_shielded_cos_with_workload_identity_and_gpu_pools_get_gke_drivers_without_a_second_gpu_taint()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new GkeNodePools("pools", new GkeNodePoolsArgs
        {
            ClusterId = "projects/acme-ml/locations/europe-west4/clusters/ml",
            ProjectId = "acme-ml",
            Location = "europe-west4",
            ServiceAccountEmail = "ml-nodes@acme-ml.iam.gserviceaccount.com",
            BootDiskKeyId = DiskKey,
            Pools =
            [
                new GkeNodePoolSpec { Name = "system", MachineType = "n2-standard-4", Min = 3, Max = 6, InitialNodeCountPerZone = 1 },
                new GkeNodePoolSpec
                {
                    Name = "gpu", MachineType = "g2-standard-24", Min = 0, Max = 4, Spot = true,
                    Accelerator = new GkeAccelerator("nvidia-l4", 2), DiskSizeGb = 200, LocationPolicy = "ANY",
                    NodeLocations = ["europe-west4-a", "europe-west4-b"],
                    Taints = [new GkeTaint("dedicated", "ml", "NO_SCHEDULE")],
                },
            ],
        }));

        foreach (var pool in mocks.OfType("gcp:container/nodePool:NodePool").Select(p => p.Json()))
        {
            var node = pool["nodeConfig"]!;
            Assert.Equal("COS_CONTAINERD", node["imageType"]!.GetValue<string>());
            Assert.Equal("ml-nodes@acme-ml.iam.gserviceaccount.com", node["serviceAccount"]!.GetValue<string>());
            Assert.Equal("GKE_METADATA", node["workloadMetadataConfig"]!["mode"]!.GetValue<string>());
            Assert.True(node["shieldedInstanceConfig"]!["enableSecureBoot"]!.GetValue<bool>());
            Assert.Equal(DiskKey, node["bootDiskKmsKey"]!.GetValue<string>());
            Assert.Equal("true", node["metadata"]!["disable-legacy-endpoints"]!.GetValue<string>());
            Assert.True(pool["management"]!["autoUpgrade"]!.GetValue<bool>());
        }

        var gpu = mocks.Inputs("gcp:container/nodePool:NodePool", "pools-gpu");
        Assert.Equal((0, 4), (gpu["autoscaling"]!["totalMinNodeCount"]!.AsInt(), gpu["autoscaling"]!["totalMaxNodeCount"]!.AsInt()));
        Assert.Equal("ANY", gpu["autoscaling"]!["locationPolicy"]!.GetValue<string>());
        Assert.True(gpu["nodeConfig"]!["spot"]!.GetValue<bool>());
        var accelerator = Assert.Single(gpu["nodeConfig"]!["guestAccelerators"]!.AsArray())!;
        Assert.Equal(("nvidia-l4", 2, "LATEST"), (accelerator["type"]!.GetValue<string>(), accelerator["count"]!.AsInt(), accelerator["gpuDriverInstallationConfig"]!["gpuDriverVersion"]!.GetValue<string>()));
        Assert.DoesNotContain(gpu["nodeConfig"]!["taints"]!.AsArray(), t => t!["key"]!.GetValue<string>() == "nvidia.com/gpu");
        Assert.Equal(new[] { "europe-west4-a", "europe-west4-b" }, gpu["nodeLocations"]!.AsArray().Select(z => z!.GetValue<string>()));
        Assert.Equal((0, 1), (gpu["upgradeSettings"]!["maxSurge"]!.AsInt(), gpu["upgradeSettings"]!["maxUnavailable"]!.AsInt()));

        var system = mocks.Inputs("gcp:container/nodePool:NodePool", "pools-system");
        Assert.Null(system["nodeConfig"]!["guestAccelerators"]);
        Assert.Null(system["nodeLocations"]);
        Assert.Equal("projects/acme-ml/locations/europe-west4/clusters/ml", system["cluster"]!.GetValue<string>());
    }

    [Fact]
    public async Task Compute_classes_fall_back_from_the_spot_pool_to_on_demand_and_fit_the_crd()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new GkeComputeClasses("classes", new GkeComputeClassesArgs
        {
            Classes = [new GkeComputeClass("gpu-inference", "gpu-inference", "g2-standard-8", new GkeAccelerator("nvidia-l4", 1), 200)],
            BootDiskKeyId = DiskKey,
        }));

        var computeClass = Assert.Single(mocks.OfType("kubernetes:cloud.google.com/v1:ComputeClass")).Json();
        Assert.Empty(CrdSchema.Problems("cloud.google.com", "v1", "ComputeClass", computeClass));
        var priorities = computeClass["spec"]!["priorities"]!.AsArray();
        Assert.Equal("gpu-inference", priorities[0]!["nodepools"]![0]!.GetValue<string>());
        Assert.False(priorities[1]!["spot"]!.GetValue<bool>());
        Assert.Equal(("nvidia-l4", 1), (priorities[1]!["gpu"]!["type"]!.GetValue<string>(), priorities[1]!["gpu"]!["count"]!.AsInt()));
        Assert.Equal(DiskKey, priorities[1]!["storage"]!["bootDiskKMSKey"]!.GetValue<string>());
        Assert.True(computeClass["spec"]!["nodePoolAutoCreation"]!["enabled"]!.GetValue<bool>());
        Assert.True(computeClass["spec"]!["activeMigration"]!["optimizeRulePriority"]!.GetValue<bool>());
        Assert.Equal("DoNotScaleUp", computeClass["spec"]!["whenUnsatisfiable"]!.GetValue<string>());
    }
}
