using System.Collections.Immutable;
using System.Text.Json.Nodes;
using MlPlatform.Components.Azure;
using MlPlatform.Infra.Plan;
using MlPlatform.Tests.Aws;
using MlPlatform.Tests.Support;
using Pulumi;
using Xunit;

namespace MlPlatform.Tests.Azure;

public class AksClusterTests
{
    private const string Cluster = "azure-native:containerservice:ManagedCluster";

    private static AksClusterArgs Args(ImmutableArray<string> authorized = default, KubeloginMode login = KubeloginMode.AzureCli, bool keda = true) => new()
    {
        Name = "ml-prod",
        ResourceGroupName = "rg-ml-prod",
        Location = "eastus2",
        KubernetesVersion = "1.34",
        SubscriptionId = FakeAzure.SubscriptionId,
        TenantId = FakeAzure.TenantId,
        VnetId = "/subscriptions/s/resourceGroups/rg-ml-prod/providers/Microsoft.Network/virtualNetworks/vnet-ml-prod",
        NodeSubnetId = "/subscriptions/s/resourceGroups/rg-ml-prod/providers/Microsoft.Network/virtualNetworks/vnet-ml-prod/subnets/snet-nodes",
        AdminGroupObjectIds = ["5f0c2b7e-8a41-4d3c-9e6f-1b2a3c4d5e6f", "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"],
        AuthorizedIpRanges = authorized.IsDefault ? [] : authorized,
        SystemPool = new AksSystemPool("Standard_D4ds_v5", 3, 6, 3, AzureNodeOs.AzureLinux),
        WorkspaceResourceId = "/subscriptions/s/resourceGroups/rg-ml-prod/providers/Microsoft.OperationalInsights/workspaces/log-ml-prod",
        MaintenanceWindow = ("Saturday", "22:00", 6),
        StandardTier = true,
        PodCidr = "192.168.0.0/16",
        ServiceCidr = "172.16.0.0/16",
        DnsServiceIp = "172.16.0.10",
        Keda = keda,
        KubeloginMode = login,
    };

    private static async Task<(PlanMocks Mocks, OptionsRecorder Recorder, string Kubeconfig)> CreateAsync(AksClusterArgs args)
    {
        var recorder = new OptionsRecorder();
        Output<string>? kubeconfig = null;
        var mocks = await ComponentTest.RunAsync(() => kubeconfig = new AksCluster("aks", args, recorder.Options()).Kubeconfig, new PlanMocks("eastus2"));
        return (mocks, recorder, await kubeconfig!.GetValueAsync());
    }

    [Fact]
    public async Task Private_cluster_with_entra_id_azure_rbac_and_no_local_accounts()
    {
        var (mocks, _, _) = await CreateAsync(Args());
        var cluster = mocks.Inputs(Cluster, "aks");

        Assert.True(cluster["apiServerAccessProfile"]!["enablePrivateCluster"]!.GetValue<bool>());
        Assert.False(cluster["apiServerAccessProfile"]!["enablePrivateClusterPublicFQDN"]!.GetValue<bool>());
        Assert.Equal("system", cluster["apiServerAccessProfile"]!["privateDNSZone"]!.GetValue<string>());
        Assert.Null(cluster["apiServerAccessProfile"]!["authorizedIPRanges"]);
        Assert.True(cluster["disableLocalAccounts"]!.GetValue<bool>());
        Assert.True(cluster["enableRBAC"]!.GetValue<bool>());
        var aad = cluster["aadProfile"]!;
        Assert.True(aad["managed"]!.GetValue<bool>());
        Assert.True(aad["enableAzureRBAC"]!.GetValue<bool>());
        Assert.Equal(FakeAzure.TenantId, aad["tenantID"]!.GetValue<string>());
        Assert.Equal(2, aad["adminGroupObjectIDs"]!.AsArray().Count);
        Assert.Equal("Standard", cluster["sku"]!["tier"]!.GetValue<string>());
        Assert.Equal("1.34", cluster["kubernetesVersion"]!.GetValue<string>());
        Assert.Equal("rg-ml-prod-nodes", cluster["nodeResourceGroup"]!.GetValue<string>());
    }

    [Fact]
    public async Task Staging_cluster_opens_its_api_server_to_the_authorized_ranges_only()
    {
        var (mocks, _, kubeconfig) = await CreateAsync(Args(authorized: ["203.0.113.0/24"]));
        var access = mocks.Inputs(Cluster, "aks")["apiServerAccessProfile"]!;

        Assert.False(access["enablePrivateCluster"]!.GetValue<bool>());
        Assert.Equal("203.0.113.0/24", Assert.Single(access["authorizedIPRanges"]!.AsArray())!.GetValue<string>());
        Assert.Contains(".hcp.eastus2.azmk8s.io", kubeconfig, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Networking_is_cni_overlay_with_the_cilium_dataplane_enforcing_policies()
    {
        var (mocks, _, _) = await CreateAsync(Args());
        var network = mocks.Inputs(Cluster, "aks")["networkProfile"]!;

        Assert.Equal("azure", network["networkPlugin"]!.GetValue<string>());
        Assert.Equal("overlay", network["networkPluginMode"]!.GetValue<string>());
        Assert.Equal("cilium", network["networkDataplane"]!.GetValue<string>());
        Assert.Equal("cilium", network["networkPolicy"]!.GetValue<string>());
        Assert.Equal("192.168.0.0/16", network["podCidr"]!.GetValue<string>());
        Assert.Equal("172.16.0.0/16", network["serviceCidr"]!.GetValue<string>());
        Assert.Equal("172.16.0.10", network["dnsServiceIP"]!.GetValue<string>());
    }

    [Fact]
    public async Task Oidc_issuer_workload_identity_keda_and_upgrade_channels_are_on()
    {
        var (mocks, _, _) = await CreateAsync(Args());
        var cluster = mocks.Inputs(Cluster, "aks");

        Assert.True(cluster["oidcIssuerProfile"]!["enabled"]!.GetValue<bool>());
        Assert.True(cluster["securityProfile"]!["workloadIdentity"]!["enabled"]!.GetValue<bool>());
        Assert.True(cluster["securityProfile"]!["imageCleaner"]!["enabled"]!.GetValue<bool>());
        Assert.True(cluster["workloadAutoScalerProfile"]!["keda"]!["enabled"]!.GetValue<bool>());
        Assert.Equal("patch", cluster["autoUpgradeProfile"]!["upgradeChannel"]!.GetValue<string>());
        Assert.Equal("NodeImage", cluster["autoUpgradeProfile"]!["nodeOSUpgradeChannel"]!.GetValue<string>());

        var (withoutKeda, _, _) = await CreateAsync(Args(keda: false));
        Assert.False(withoutKeda.Inputs(Cluster, "aks")["workloadAutoScalerProfile"]!["keda"]!["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Autoscaler_profile_suits_gpu_pools_that_scale_to_zero()
    {
        var (mocks, _, _) = await CreateAsync(Args());
        var profile = mocks.Inputs(Cluster, "aks")["autoScalerProfile"]!;

        Assert.Equal("least-waste", profile["expander"]!.GetValue<string>());
        Assert.Equal("15m", profile["scaleDownDelayAfterAdd"]!.GetValue<string>());
        Assert.Equal("20m", profile["maxNodeProvisionTime"]!.GetValue<string>());
        Assert.Equal("false", profile["skipNodesWithLocalStorage"]!.GetValue<string>());
    }

    [Fact]
    public async Task System_pool_runs_critical_add_ons_only_over_three_zones_on_ephemeral_disks()
    {
        var (mocks, recorder, _) = await CreateAsync(Args());
        var pool = Assert.Single(mocks.Inputs(Cluster, "aks")["agentPoolProfiles"]!.AsArray())!;

        Assert.Equal("system", pool["name"]!.GetValue<string>());
        Assert.Equal("System", pool["mode"]!.GetValue<string>());
        Assert.Equal(new[] { "1", "2", "3" }, pool["availabilityZones"]!.AsArray().Select(z => z!.GetValue<string>()));
        Assert.Equal("CriticalAddonsOnly=true:NoSchedule", Assert.Single(pool["nodeTaints"]!.AsArray())!.GetValue<string>());
        Assert.Equal("Ephemeral", pool["osDiskType"]!.GetValue<string>());
        Assert.True(pool["enableEncryptionAtHost"]!.GetValue<bool>());
        Assert.True(pool["enableAutoScaling"]!.GetValue<bool>());
        Assert.Equal(3, pool["minCount"]!.AsInt());
        Assert.Equal(6, pool["maxCount"]!.AsInt());
        Assert.Equal("AzureLinux", pool["osSKU"]!.GetValue<string>());
        Assert.Contains("agentPoolProfiles[0].count", recorder.Of(Cluster, "aks").IgnoreChanges);
    }

    [Fact]
    public async Task Control_plane_identity_may_manage_the_vnet_before_the_cluster_exists()
    {
        var (mocks, recorder, _) = await CreateAsync(Args());
        var cluster = mocks.Inputs(Cluster, "aks");
        var identity = mocks.Single("azure-native:managedidentity:UserAssignedIdentity", "aks-control-plane");

        Assert.Equal("UserAssigned", cluster["identity"]!["type"]!.GetValue<string>());
        Assert.EndsWith("/userAssignedIdentities/id-ml-prod-control-plane", cluster["identity"]!["userAssignedIdentities"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        var grant = mocks.Inputs("azure-native:authorization:RoleAssignment", "aks-control-plane-network");
        Assert.EndsWith(AzureRoles.NetworkContributor, grant["roleDefinitionId"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.EndsWith("/virtualNetworks/vnet-ml-prod", grant["scope"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("ServicePrincipal", grant["principalType"]!.GetValue<string>());
        Assert.Equal(FakeAzure.Guid("id-ml-prod-control-plane-principal"), grant["principalId"]!.GetValue<string>());
        Assert.NotNull(identity);
        Assert.Contains(await recorder.DependenciesOf(Cluster, "aks"), d => d.GetResourceName() == "aks-control-plane-network");
    }

    [Fact]
    public async Task Admin_groups_get_cluster_admin_through_azure_rbac()
    {
        var (mocks, _, _) = await CreateAsync(Args());

        var grants = mocks.OfType("azure-native:authorization:RoleAssignment").Where(r => r.Name!.StartsWith("aks-admin-", StringComparison.Ordinal)).Select(r => r.Json()).ToList();
        Assert.Equal(2, grants.Count);
        Assert.All(grants, g =>
        {
            Assert.EndsWith(AzureRoles.AksRbacClusterAdmin, g["roleDefinitionId"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal("Group", g["principalType"]!.GetValue<string>());
            Assert.EndsWith("/managedClusters/ml-prod", g["scope"]!.GetValue<string>(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Container_insights_control_plane_logs_and_maintenance_windows_are_configured()
    {
        var (mocks, _, _) = await CreateAsync(Args());
        var cluster = mocks.Inputs(Cluster, "aks");

        var insights = cluster["addonProfiles"]!["omsagent"]!;
        Assert.True(insights["enabled"]!.GetValue<bool>());
        Assert.Equal("true", insights["config"]!["useAADAuth"]!.GetValue<string>());
        Assert.EndsWith("/workspaces/log-ml-prod", insights["config"]!["logAnalyticsWorkspaceResourceID"]!.GetValue<string>(), StringComparison.Ordinal);
        var rule = mocks.Inputs("azure-native:monitor:DataCollectionRule", "aks-container-insights");
        Assert.Equal("MSCI-eastus2-ml-prod", rule["dataCollectionRuleName"]!.GetValue<string>());
        Assert.Equal(AksCluster.ContainerInsightsStream, rule["dataFlows"]![0]!["streams"]![0]!.GetValue<string>());
        var association = mocks.Inputs("azure-native:monitor:DataCollectionRuleAssociation", "aks-container-insights");
        Assert.EndsWith("/managedClusters/ml-prod", association["resourceUri"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.EndsWith("/dataCollectionRules/MSCI-eastus2-ml-prod", association["dataCollectionRuleId"]!.GetValue<string>(), StringComparison.Ordinal);

        var logs = mocks.Inputs("azure-native:monitor:DiagnosticSetting", "aks-control-plane-logs");
        Assert.Equal(AksCluster.ControlPlaneLogCategories, logs["logs"]!.AsArray().Select(l => l!["category"]!.GetValue<string>()));

        var windows = mocks.OfType("azure-native:containerservice:MaintenanceConfiguration").Select(r => r.Json()).ToList();
        Assert.Equal(AksCluster.MaintenanceConfigurations.Order(StringComparer.Ordinal), windows.Select(w => w["configName"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.All(windows, w =>
        {
            Assert.Equal("Saturday", w["maintenanceWindow"]!["schedule"]!["weekly"]!["dayOfWeek"]!.GetValue<string>());
            Assert.Equal("22:00", w["maintenanceWindow"]!["startTime"]!.GetValue<string>());
            Assert.Equal(6, w["maintenanceWindow"]!["durationHours"]!.AsInt());
        });
    }

    [Theory]
    [InlineData(KubeloginMode.AzureCli, "azurecli")]
    [InlineData(KubeloginMode.WorkloadIdentity, "workloadidentity")]
    public async Task Kubeconfig_runs_kubelogin_against_the_credentials_server_and_ca(KubeloginMode mode, string login)
    {
        var (_, _, kubeconfig) = await CreateAsync(Args(login: mode));
        var config = JsonNode.Parse(kubeconfig)!;

        var exec = config["users"]![0]!["user"]!["exec"]!;
        Assert.Equal("kubelogin", exec["command"]!.GetValue<string>());
        Assert.Equal(new[] { "get-token", "--login", login, "--server-id", AzureRoles.AksServerApplicationId },
            exec["args"]!.AsArray().Select(a => a!.GetValue<string>()));
        var cluster = config["clusters"]![0]!["cluster"]!;
        Assert.Matches(@"\Ahttps://ml-prod-[0-9a-f]{8}\.[0-9a-f-]{36}\.privatelink\.eastus2\.azmk8s\.io:443\z", cluster["server"]!.GetValue<string>());
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(cluster["certificate-authority-data"]!.GetValue<string>())), StringComparison.Ordinal);
        Assert.DoesNotContain("token", config["users"]![0]!["user"]!.AsObject().Select(p => p.Key));
    }
}
