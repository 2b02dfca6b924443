using System.Text.Json.Nodes;
using MlPlatform.Components.Addons;
using MlPlatform.Components.Azure;
using MlPlatform.Infra.Plan;
using MlPlatform.Policies;
using MlPlatform.Tests.Aws;
using MlPlatform.Tests.Support;
using Moq;
using Pulumi.Testing;
using Xunit;

namespace MlPlatform.Tests.Azure;

/// <summary>The Azure stack files, each planned once for the whole class.</summary>
public sealed class AzurePlans
{
    private readonly Lazy<Task<PlanResult>> _production = new(() => Scenario.StackFileAsync("azure-production"));
    private readonly Lazy<Task<PlanResult>> _staging = new(() => Scenario.StackFileAsync("azure-staging"));

    /// <summary>The plan of <c>Pulumi.azure-production.yaml</c>.</summary>
    public Task<PlanResult> Production => _production.Value;

    /// <summary>The plan of <c>Pulumi.azure-staging.yaml</c>.</summary>
    public Task<PlanResult> Staging => _staging.Value;
}

public class AzureStackScenarioTests(AzurePlans plans) : IClassFixture<AzurePlans>
{
    private const string ProductionCluster = "mlplatform-azure-production";

    private static JsonObject Single(PlanResult plan, string type, string name) => plan.Get(type, name).Inputs;

    private static IEnumerable<PlannedResource> Kubernetes(PlanResult plan) =>
        plan.Resources.Where(r => r.Custom && r.Type.StartsWith("kubernetes:", StringComparison.Ordinal));

    private static JsonNode Values(PlanResult plan, string release) =>
        plan.OfType("kubernetes:helm.sh/v3:Release").Single(r => r.Name == release).Inputs["values"]!;

    [Fact]
    public async Task Production_cluster_is_private_entra_only_and_runs_cilium_workload_identity_and_keda()
    {
        var plan = await plans.Production;

        Assert.Equal("azure", plan.Cloud);
        var cluster = Single(plan, "azure-native:containerservice:ManagedCluster", "aks");
        Assert.Equal(ProductionCluster, cluster["resourceName"]!.GetValue<string>());
        Assert.Equal("eastus2", cluster["location"]!.GetValue<string>());
        Assert.True(cluster["apiServerAccessProfile"]!["enablePrivateCluster"]!.GetValue<bool>());
        Assert.True(cluster["disableLocalAccounts"]!.GetValue<bool>());
        Assert.True(cluster["aadProfile"]!["managed"]!.GetValue<bool>());
        Assert.True(cluster["aadProfile"]!["enableAzureRBAC"]!.GetValue<bool>());
        Assert.Equal(FakeAzure.TenantId, cluster["aadProfile"]!["tenantID"]!.GetValue<string>());
        Assert.True(cluster["oidcIssuerProfile"]!["enabled"]!.GetValue<bool>());
        Assert.True(cluster["securityProfile"]!["workloadIdentity"]!["enabled"]!.GetValue<bool>());
        Assert.Equal("cilium", cluster["networkProfile"]!["networkDataplane"]!.GetValue<string>());
        Assert.Equal("cilium", cluster["networkProfile"]!["networkPolicy"]!.GetValue<string>());
        Assert.Equal("overlay", cluster["networkProfile"]!["networkPluginMode"]!.GetValue<string>());
        Assert.True(cluster["workloadAutoScalerProfile"]!["keda"]!["enabled"]!.GetValue<bool>());
        Assert.Equal("Standard", cluster["sku"]!["tier"]!.GetValue<string>());
        Assert.True(plan.Outputs["privateCluster"]!.GetValue<bool>());

        // The managed add-on is KEDA here: no chart, no keda namespace.
        Assert.DoesNotContain(plan.OfType("kubernetes:helm.sh/v3:Release"), r => r.Name == "keda");
        Assert.DoesNotContain(plan.OfType("kubernetes:core/v1:Namespace"), n => n.Inputs["metadata"]!["name"]!.GetValue<string>() == "keda");
    }

    [Fact]
    public async Task Every_kubernetes_object_goes_through_the_aks_provider_signed_in_by_kubelogin()
    {
        var plan = await plans.Production;

        var provider = Assert.Single(plan.OfType("pulumi:providers:kubernetes"));
        Assert.Equal("aks", provider.Name);
        Assert.All(Kubernetes(plan), r => Assert.StartsWith(provider.Urn + "::", r.Provider, StringComparison.Ordinal));
        var kubeconfig = JsonNode.Parse(provider.Inputs["kubeconfig"]!.GetValue<string>())!;
        var exec = kubeconfig["users"]![0]!["user"]!["exec"]!;
        Assert.Equal("kubelogin", exec["command"]!.GetValue<string>());
        Assert.Equal(new[] { "get-token", "--login", "workloadidentity", "--server-id", AzureRoles.AksServerApplicationId },
            exec["args"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Contains(".privatelink.eastus2.azmk8s.io", kubeconfig["clusters"]![0]!["cluster"]!["server"]!.GetValue<string>(), StringComparison.Ordinal);

        // Azure RBAC authorizes the admin groups: the provider waits for their grants, the Kubernetes layer for the pools.
        var grants = plan.OfType("azure-native:authorization:RoleAssignment").Where(r => r.Name.StartsWith("aks-admin-", StringComparison.Ordinal)).Select(r => r.Urn).ToList();
        Assert.Equal(2, grants.Count);
        Assert.All(grants, g => Assert.Contains(g, provider.DependsOn));
        var tenancy = plan.Get("mlplatform:kubernetes:Tenancy", "tenancy");
        Assert.Contains(plan.Get("mlplatform:azure:AksNodePools", "node-pools").Urn, tenancy.DependsOn);
        Assert.Contains(plan.Get("azure-native:containerservice:ManagedCluster", "aks").Urn, tenancy.DependsOn);
    }

    [Fact]
    public async Task Gpu_pools_are_tainted_sized_and_scale_from_zero_and_spot_pools_are_spot()
    {
        var plan = await plans.Production;
        var pools = plan.OfType("azure-native:containerservice:AgentPool").ToDictionary(p => p.Inputs["agentPoolName"]!.GetValue<string>(), p => p.Inputs);

        Assert.Equal(new[] { "cpubatch", "gpuinference", "gputraining", "platform" }, pools.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Standard_NV36ads_A10_v5", pools["gpuinference"]["vmSize"]!.GetValue<string>());
        Assert.Equal("Standard_ND96isr_H100_v5", pools["gputraining"]["vmSize"]!.GetValue<string>());
        Assert.Equal(0, pools["gputraining"]["minCount"]!.AsInt());
        Assert.Equal(0, pools["cpubatch"]["minCount"]!.AsInt());
        foreach (var gpu in new[] { "gpuinference", "gputraining" })
        {
            Assert.Contains("nvidia.com/gpu=present:NoSchedule", pools[gpu]["nodeTaints"]!.AsArray().Select(t => t!.GetValue<string>()));
            Assert.True(pools[gpu]["enableAutoScaling"]!.GetValue<bool>());
        }

        // The GPU operator installs the driver, except the A10's GRID driver, which AKS installs.
        Assert.Equal("None", pools["gputraining"]["gpuProfile"]!["driver"]!.GetValue<string>());
        Assert.Equal("Ubuntu", pools["gputraining"]["osSKU"]!.GetValue<string>());
        Assert.Equal("Install", pools["gpuinference"]["gpuProfile"]!["driver"]!.GetValue<string>());
        Assert.Equal("Spot", pools["cpubatch"]["scaleSetPriority"]!.GetValue<string>());
        Assert.Equal("Delete", pools["cpubatch"]["scaleSetEvictionPolicy"]!.GetValue<string>());
        Assert.Equal(-1, pools["cpubatch"]["spotMaxPrice"]!.AsInt());
        Assert.Equal("Regular", pools["gputraining"]["scaleSetPriority"]!.GetValue<string>());
        Assert.Equal(4, plan.Outputs["nodePools"]!.AsArray().Count);

        var staging = await plans.Staging;
        Assert.All(staging.OfType("azure-native:containerservice:AgentPool").Where(p => p.Inputs["vmSize"]!.GetValue<string>().StartsWith("Standard_N", StringComparison.Ordinal)), p =>
        {
            Assert.Equal(0, p.Inputs["minCount"]!.AsInt());
            Assert.Equal("Spot", p.Inputs["scaleSetPriority"]!.GetValue<string>());
        });
    }

    [Fact]
    public async Task Workloads_meant_for_spot_pools_tolerate_the_aks_spot_taint()
    {
        var plan = await plans.Staging;
        var spot = $"{AksNodePools.SpotTaint.Split('=')[0]}";

        static IEnumerable<string> Keys(JsonNode? tolerations) => (tolerations as JsonArray ?? []).Select(t => t!["key"]!.GetValue<string>());
        var pipeline = Assert.Single(plan.OfType("kubernetes:argoproj.io/v1alpha1:WorkflowTemplate")).Inputs["spec"]!;
        Assert.Contains(spot, Keys(pipeline["tolerations"]));
        var train = pipeline["templates"]!.AsArray().Single(t => t!["name"]!.GetValue<string>() == "train")!;
        Assert.Contains(spot, Keys(train["tolerations"]));
        Assert.Contains("nvidia.com/gpu", Keys(train["tolerations"]));
        var model = Assert.Single(plan.OfType("kubernetes:serving.kserve.io/v1beta1:InferenceService")).Inputs["spec"]!["predictor"]!;
        Assert.Contains(spot, Keys(model["tolerations"]));
        Assert.Contains(spot, Keys(Values(plan, "gpu-operator")["daemonsets"]!["tolerations"]));

        // Production's GPU pools are regular: nothing there tolerates spot but the batch work.
        var production = await plans.Production;
        var productionModel = Assert.Single(production.OfType("kubernetes:serving.kserve.io/v1beta1:InferenceService")).Inputs["spec"]!["predictor"]!;
        Assert.DoesNotContain(spot, Keys(productionModel["tolerations"]));
        Assert.Contains(spot, Keys(Assert.Single(production.OfType("kubernetes:argoproj.io/v1alpha1:WorkflowTemplate")).Inputs["spec"]!["tolerations"]));
    }

    [Fact]
    public async Task Keda_scales_the_sample_model_on_its_request_load_and_the_canary_keeps_its_replicas()
    {
        var plan = await plans.Production;

        var service = Assert.Single(plan.OfType("kubernetes:serving.kserve.io/v1beta1:InferenceService"));
        Assert.Equal(VllmInferenceService.ExternalAutoscaler, service.Inputs["metadata"]!["annotations"]![VllmInferenceService.AutoscalerClassAnnotation]!.GetValue<string>());
        Assert.Equal(2, service.Inputs["spec"]!["predictor"]!["minReplicas"]!.AsInt());
        Assert.Equal(6, service.Inputs["spec"]!["predictor"]!["maxReplicas"]!.AsInt());
        var canary = service.Inputs["spec"]!["canary"]![0]!;
        Assert.Equal(10, canary["trafficPercent"]!.AsInt());
        Assert.Null(canary["predictor"]!["minReplicas"]);
        Assert.Empty(CrdSchema.Problems("serving.kserve.io", "v1beta1", "InferenceService", service.Inputs));

        var scaled = Assert.Single(plan.OfType("kubernetes:keda.sh/v1alpha1:ScaledObject"));
        Assert.Empty(CrdSchema.Problems("keda.sh", "v1alpha1", "ScaledObject", scaled.Inputs));
        var spec = scaled.Inputs["spec"]!;
        Assert.Equal("serving", scaled.Inputs["metadata"]!["namespace"]!.GetValue<string>());
        Assert.Equal("sample-llm-predictor", spec["scaleTargetRef"]!["name"]!.GetValue<string>());
        Assert.Equal("Deployment", spec["scaleTargetRef"]!["kind"]!.GetValue<string>());
        Assert.Equal(2, spec["minReplicaCount"]!.AsInt());
        Assert.Equal(6, spec["maxReplicaCount"]!.AsInt());
        Assert.Equal(300, spec["cooldownPeriod"]!.AsInt());
        var trigger = Assert.Single(spec["triggers"]!.AsArray())!;
        Assert.Equal("prometheus", trigger["type"]!.GetValue<string>());
        Assert.Equal(KubePrometheusStack.PrometheusUrl("monitoring"), trigger["metadata"]!["serverAddress"]!.GetValue<string>());
        var query = trigger["metadata"]!["query"]!.GetValue<string>();
        Assert.Contains("vllm:num_requests_running", query, StringComparison.Ordinal);
        Assert.Contains("vllm:num_requests_waiting", query, StringComparison.Ordinal);
        Assert.Contains("service=\"sample-llm-predictor\"", query, StringComparison.Ordinal);
        Assert.DoesNotContain("cpu", query, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(service.Urn, plan.Get("kubernetes:keda.sh/v1alpha1:ScaledObject", "sample-llm-autoscaler").DependsOn);

        // KEDA (in kube-system) reaches Prometheus, is scraped, and its scaler errors alert.
        var fromKeda = plan.OfType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
            .Single(p => p.Inputs["metadata"]!["namespace"]!.GetValue<string>() == "monitoring" && p.Inputs["metadata"]!["name"]!.GetValue<string>() == "allow-from-keda").Inputs["spec"]!;
        Assert.Equal("kube-system", fromKeda["ingress"]![0]!["from"]![0]!["namespaceSelector"]!["matchLabels"]!["kubernetes.io/metadata.name"]!.GetValue<string>());
        Assert.Equal(9090, fromKeda["ingress"]![0]!["ports"]![0]!["port"]!.AsInt());
        var monitor = plan.OfType("kubernetes:monitoring.coreos.com/v1:PodMonitor").Single(m => m.Inputs["metadata"]!["name"]!.GetValue<string>() == "keda-operator");
        Assert.Equal("kube-system", monitor.Inputs["spec"]!["namespaceSelector"]!["matchNames"]![0]!.GetValue<string>());
        var rules = plan.OfType("kubernetes:monitoring.coreos.com/v1:PrometheusRule").SelectMany(r => r.Inputs["spec"]!["groups"]!.AsArray()).SelectMany(g => g!["rules"]!.AsArray());
        Assert.Contains(rules, r => r!["alert"]!.GetValue<string>() == "KEDAScalerErrors");
    }

    [Fact]
    public async Task Federated_credentials_name_exactly_the_service_accounts_that_use_them()
    {
        var plan = await plans.Production;

        var issuer = plan.Outputs["oidcIssuerUrl"]!.GetValue<string>();
        Assert.StartsWith("https://eastus2.oic.prod-aks.azure.com/", issuer, StringComparison.Ordinal);
        var credentials = plan.OfType("azure-native:managedidentity:FederatedIdentityCredential").ToDictionary(c => c.Name, c => c.Inputs);
        Assert.Equal("system:serviceaccount:mlflow:mlflow", credentials["mlflow-identity"]["subject"]!.GetValue<string>());
        Assert.Equal("system:serviceaccount:external-secrets:external-secrets", credentials["external-secrets-identity"]["subject"]!.GetValue<string>());
        Assert.All(credentials.Values, c =>
        {
            Assert.Equal(issuer, c["issuer"]!.GetValue<string>());
            Assert.Equal(AzureRoles.FederatedTokenAudience, Assert.Single(c["audiences"]!.AsArray())!.GetValue<string>());
        });

        // Least privilege: blob data on the one container, secrets on the one vault.
        var mlflowRole = Single(plan, "azure-native:authorization:RoleAssignment", "mlflow-identity-0");
        Assert.EndsWith("/blobServices/default/containers/mlflow-artifacts", mlflowRole["scope"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.EndsWith(AzureRoles.StorageBlobDataContributor, mlflowRole["roleDefinitionId"]!.GetValue<string>(), StringComparison.Ordinal);
        var secretsRole = Single(plan, "azure-native:authorization:RoleAssignment", "external-secrets-identity-0");
        Assert.Matches(@"/providers/Microsoft\.KeyVault/vaults/kv-[a-z0-9-]+\z", secretsRole["scope"]!.GetValue<string>());
        Assert.EndsWith(AzureRoles.KeyVaultSecretsUser, secretsRole["roleDefinitionId"]!.GetValue<string>(), StringComparison.Ordinal);

        // The service accounts carry the client id, and their pods the label the webhook serves.
        foreach (var (release, labels) in new[] { ("mlflow", "extraPodLabels"), ("external-secrets", "podLabels") })
        {
            var values = Values(plan, release);
            Assert.Equal(plan.Outputs[release == "mlflow" ? "mlflowIdentityClientId" : "externalSecretsIdentityClientId"]!.GetValue<string>(),
                values["serviceAccount"]!["annotations"]![WorkloadIdentity.ClientIdAnnotation]!.GetValue<string>());
            Assert.Equal("true", values[labels]![WorkloadIdentity.UseLabel]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Data_stores_are_protected_private_and_redundant_in_production()
    {
        var plan = await plans.Production;

        foreach (var type in new[] { "azure-native:storage:StorageAccount", "azure-native:dbforpostgresql:Server", "azure-native:keyvault:Vault", "azure-native:keyvault:Secret", "azure-native:containerregistry:Registry", "azure-native:resources:ResourceGroup" })
        {
            Assert.All(plan.OfType(type), r => Assert.True(r.Protected, $"{type} {r.Name} is not protected"));
        }

        Assert.Empty(PlanRules.Check(plan.ToPolicyItems()));
        var server = Single(plan, "azure-native:dbforpostgresql:Server", "mlflow-db");
        Assert.Equal("ZoneRedundant", server["highAvailability"]!["mode"]!.GetValue<string>());
        Assert.Equal("Enabled", server["backup"]!["geoRedundantBackup"]!.GetValue<string>());
        Assert.Equal("Disabled", server["network"]!["publicNetworkAccess"]!.GetValue<string>());
        Assert.Equal(StackConfigFile.SecretPlaceholder, server["administratorLoginPassword"]!.GetValue<string>());
        // The provider's secret input (its setter wraps the value with Output.CreateSecret): hidden whole.
        Assert.Equal(StackConfigFile.SecretPlaceholder,
            Single(plan, "azure-native:keyvault:Secret", "mlflow-db-credentials")["properties"]!["value"]!.GetValue<string>());
        Assert.Equal("Disabled", Single(plan, "azure-native:keyvault:Vault", "vault")["properties"]!["publicNetworkAccess"]!.GetValue<string>());
        var account = Single(plan, "azure-native:storage:StorageAccount", "mlflow-artifacts");
        Assert.Equal("Disabled", account["publicNetworkAccess"]!.GetValue<string>());
        Assert.False(account["allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.Equal("Standard_ZRS", account["sku"]!["name"]!.GetValue<string>());
        Assert.Equal(new[] { "blob", "vault" }, plan.OfType("azure-native:network:PrivateEndpoint")
            .Select(e => e.Inputs["privateLinkServiceConnections"]![0]!["groupIds"]![0]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal("Premium", Single(plan, "azure-native:containerregistry:Registry", "registry")["sku"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Mlflow_is_wired_to_the_flexible_server_the_blob_container_and_key_vault()
    {
        var plan = await plans.Production;

        var values = Values(plan, "mlflow");
        var host = plan.Outputs["databaseHost"]!.GetValue<string>();
        Assert.EndsWith(".postgres.database.azure.com", host, StringComparison.Ordinal);
        Assert.Equal(host, values["backendStore"]!["postgres"]!["host"]!.GetValue<string>());
        var blob = values["artifactRoot"]!["azureBlob"]!;
        Assert.True(blob["enabled"]!.GetValue<bool>());
        Assert.Equal("mlflow-artifacts", blob["container"]!.GetValue<string>());
        Assert.Equal(plan.Outputs["artifactStorageAccount"]!.GetValue<string>(), blob["storageAccount"]!.GetValue<string>());
        Assert.Equal($"wasbs://mlflow-artifacts@{blob["storageAccount"]!.GetValue<string>()}.blob.core.windows.net", plan.Outputs["artifactStoreUri"]!.GetValue<string>());

        var store = Assert.Single(plan.OfType("kubernetes:external-secrets.io/v1:ClusterSecretStore")).Inputs["spec"]!["provider"]!["azurekv"]!;
        Assert.Equal("WorkloadIdentity", store["authType"]!.GetValue<string>());
        Assert.Equal(plan.Outputs["keyVaultUri"]!.GetValue<string>(), store["vaultUrl"]!.GetValue<string>());
        Assert.Equal(FakeAzure.TenantId, store["tenantId"]!.GetValue<string>());
        var externalSecret = Assert.Single(plan.OfType("kubernetes:external-secrets.io/v1:ExternalSecret"), e => e.Name != "alertmanager-receivers").Inputs["spec"]!;
        Assert.Equal("mlflow-database", externalSecret["data"]![0]!["remoteRef"]!["key"]!.GetValue<string>());
    }

    [Fact]
    public async Task Webhooks_open_to_the_konnectivity_relay_and_defaults_follow_the_vnet()
    {
        var plan = await plans.Production;

        NetworkAllowRuleCheck(plan, "cert-manager", "allow-webhooks", p => p!["ipBlock"]?["cidr"]?.GetValue<string>() == "10.70.0.0/16");
        NetworkAllowRuleCheck(plan, "cert-manager", "allow-webhooks-from-konnectivity",
            p => p!["namespaceSelector"]?["matchLabels"]?["kubernetes.io/metadata.name"]?.GetValue<string>() == "kube-system");
        Assert.Equal(10250, plan.OfType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
            .Single(p => p.Inputs["metadata"]!["namespace"]!.GetValue<string>() == "cert-manager" && p.Inputs["metadata"]!["name"]!.GetValue<string>() == "allow-webhooks-from-konnectivity")
            .Inputs["spec"]!["ingress"]![0]!["ports"]![0]!["port"]!.AsInt());
        Assert.Equal("10.70.0.0/16", Single(plan, "azure-native:network:VirtualNetwork", "network-vnet")["addressSpace"]!["addressPrefixes"]![0]!.GetValue<string>());
        Assert.Equal(365, Single(plan, "azure-native:network:FlowLog", "network-flow-logs")["retentionPolicy"]!["days"]!.AsInt());
        Assert.Equal(365, Single(plan, "azure-native:operationalinsights:Workspace", "logs")["retentionInDays"]!.AsInt());
    }

    private static void NetworkAllowRuleCheck(PlanResult plan, string ns, string name, Func<JsonNode?, bool> peer)
    {
        var spec = plan.OfType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
            .Single(p => p.Inputs["metadata"]!["namespace"]!.GetValue<string>() == ns && p.Inputs["metadata"]!["name"]!.GetValue<string>() == name).Inputs["spec"]!;
        Assert.Contains(spec["ingress"]![0]!["from"]!.AsArray(), p => peer(p));
    }

    [Fact]
    public async Task Staging_is_public_to_its_office_range_small_and_spot()
    {
        var plan = await plans.Staging;

        var access = Single(plan, "azure-native:containerservice:ManagedCluster", "aks")["apiServerAccessProfile"]!;
        Assert.False(access["enablePrivateCluster"]!.GetValue<bool>());
        Assert.Equal("203.0.113.0/24", Assert.Single(access["authorizedIPRanges"]!.AsArray())!.GetValue<string>());
        Assert.Equal("Free", Single(plan, "azure-native:containerservice:ManagedCluster", "aks")["sku"]!["tier"]!.GetValue<string>());
        var server = Single(plan, "azure-native:dbforpostgresql:Server", "mlflow-db");
        Assert.Equal("Standard_B2s", server["sku"]!["name"]!.GetValue<string>());
        Assert.Equal("Burstable", server["sku"]!["tier"]!.GetValue<string>());
        Assert.Equal("Disabled", server["highAvailability"]!["mode"]!.GetValue<string>());
        Assert.Empty(plan.OfType("azure-native:network:PrivateEndpoint"));
        Assert.Equal("Standard", Single(plan, "azure-native:containerregistry:Registry", "registry")["sku"]!["name"]!.GetValue<string>());
        Assert.Empty(PlanRules.Check(plan.ToPolicyItems()));
        Assert.Contains("Node pools:", PlanReport.Render(plan), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invokes_and_ids_come_from_the_fake_azure()
    {
        var mocks = new Mock<PlanMocks>("eastus2", FakeCloud.AccountId) { CallBase = true };
        var plan = await Scenario.StackFileAsync("azure-staging", mocks.Object);

        foreach (var token in new[] { "azure-native:authorization:getClientConfig", "azure-native:containerservice:listManagedClusterUserCredentials" })
        {
            mocks.Verify(m => m.CallAsync(It.Is<MockCallArgs>(c => c.Token == token)), Times.Once(), token);
        }

        Assert.All(mocks.Object.Calls, c => Assert.StartsWith("azure-native:", c.Token, StringComparison.Ordinal));
        var flowLogTarget = Single(plan, "azure-native:network:FlowLog", "network-flow-logs")["targetResourceId"]!.GetValue<string>();
        Assert.Equal($"/subscriptions/{FakeAzure.SubscriptionId}/resourceGroups/rg-mlplatform-azure-staging/providers/Microsoft.Network/virtualNetworks/vnet-mlplatform-azure-staging", flowLogTarget);
    }
}
