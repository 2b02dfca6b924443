using System.Collections.Immutable;
using MlPlatform.Components.Azure;
using MlPlatform.Infra.Plan;
using MlPlatform.Tests.Aws;
using MlPlatform.Tests.Support;
using Pulumi;
using Xunit;

namespace MlPlatform.Tests.Azure;

/// <summary>The network, node pools, storage, database, vault, registry and identities, one component at a time.</summary>
public class AzureComponentTests
{
    private const string Group = "rg-ml";
    private const string Vnet = "/subscriptions/s/resourceGroups/rg-ml/providers/Microsoft.Network/virtualNetworks/vnet-ml";
    private const string EndpointSubnet = Vnet + "/subnets/snet-endpoints";

    private static Task<PlanMocks> Run(Action create) => ComponentTest.RunAsync(create, new PlanMocks("eastus2"));

    [Fact]
    public async Task Network_splits_the_vnet_delegates_postgres_and_logs_flows_with_a_managed_identity()
    {
        var recorder = new OptionsRecorder();
        var mocks = await Run(() => _ = new AzureNetwork("network", new AzureNetworkArgs
        {
            ClusterName = "ml",
            ResourceGroupName = Group,
            Location = "eastus2",
            Cidr = "10.60.0.0/16",
            SubscriptionId = FakeAzure.SubscriptionId,
            UniqueSuffix = "0a1b2c3d",
            WorkspaceResourceId = "/subscriptions/s/resourceGroups/rg-ml/providers/Microsoft.OperationalInsights/workspaces/log-ml",
            WorkspaceCustomerId = "11111111-2222-3333-4444-555555555555",
            FlowLogRetentionDays = 90,
            PostgresDnsZone = "ml.private.postgres.database.azure.com",
        }, recorder.Options()));

        Assert.Equal("10.60.0.0/17", mocks.Inputs("azure-native:network:Subnet", "network-nodes")["addressPrefix"]!.GetValue<string>());
        var postgres = mocks.Inputs("azure-native:network:Subnet", "network-postgres");
        Assert.Equal("10.60.128.0/24", postgres["addressPrefix"]!.GetValue<string>());
        Assert.Equal(AzureNetwork.PostgresDelegation, postgres["delegations"]![0]!["serviceName"]!.GetValue<string>());
        Assert.Equal("10.60.129.0/24", mocks.Inputs("azure-native:network:Subnet", "network-endpoints")["addressPrefix"]!.GetValue<string>());
        Assert.Contains(await recorder.DependenciesOf("azure-native:network:Subnet", "network-postgres"), d => d.GetResourceName() == "network-nodes");

        Assert.Equal("ml.private.postgres.database.azure.com", mocks.Inputs("azure-native:privatedns:PrivateZone", "network-postgres-dns")["privateZoneName"]!.GetValue<string>());
        Assert.EndsWith("/virtualNetworks/vnet-ml", mocks.Inputs("azure-native:privatedns:VirtualNetworkLink", "network-postgres-dns")["virtualNetwork"]!["id"]!.GetValue<string>(), StringComparison.Ordinal);

        var storage = mocks.Inputs("azure-native:storage:StorageAccount", "network-flow-logs");
        Assert.True(recorder.IsProtected("azure-native:storage:StorageAccount", "network-flow-logs"));
        Assert.False(storage["allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.Equal("Deny", storage["networkRuleSet"]!["defaultAction"]!.GetValue<string>());
        Assert.Equal("AzureServices", storage["networkRuleSet"]!["bypass"]!.GetValue<string>());
        Assert.Equal("stflml0a1b2c3d", storage["accountName"]!.GetValue<string>());

        var flowLog = mocks.Inputs("azure-native:network:FlowLog", "network-flow-logs");
        Assert.Equal("NetworkWatcherRG", flowLog["resourceGroupName"]!.GetValue<string>());
        Assert.Equal("NetworkWatcher_eastus2", flowLog["networkWatcherName"]!.GetValue<string>());
        Assert.EndsWith("/virtualNetworks/vnet-ml", flowLog["targetResourceId"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(90, flowLog["retentionPolicy"]!["days"]!.AsInt());
        Assert.Equal("UserAssigned", flowLog["identity"]!["type"]!.GetValue<string>());
        Assert.True(flowLog["flowAnalyticsConfiguration"]!["networkWatcherFlowAnalyticsConfiguration"]!["enabled"]!.GetValue<bool>());
        Assert.Contains(await recorder.DependenciesOf("azure-native:network:FlowLog", "network-flow-logs"), d => d.GetResourceName() == "network-flow-logs-writer");
    }

    [Fact]
    public async Task Node_pools_scale_from_zero_with_spot_and_gpu_settings_and_leave_the_count_to_the_autoscaler()
    {
        var recorder = new OptionsRecorder();
        var mocks = await Run(() => _ = new AksNodePools("pools", new AksNodePoolsArgs
        {
            ResourceGroupName = Group,
            ClusterName = "ml",
            NodeSubnetId = Vnet + "/subnets/snet-nodes",
            KubernetesVersion = "1.34",
            Pools =
            [
                new AksNodePoolSpec
                {
                    Name = "gpu-inference", AgentPoolName = "gpuinference", VmSize = "Standard_NC8as_T4_v3", Min = 0, Max = 4, Spot = true,
                    Os = AzureNodeOs.Ubuntu, OsDiskSizeGb = 256, InstallGpuDriver = false,
                    Labels = ImmutableDictionary<string, string>.Empty.Add("mlplatform.io/node-pool", "gpu-inference"),
                    Taints = ["nvidia.com/gpu=present:NoSchedule"],
                },
                new AksNodePoolSpec { Name = "platform", AgentPoolName = "platform", VmSize = "Standard_D4ds_v5", Min = 1, Max = 3, EncryptionAtHost = true },
            ],
        }, recorder.Options()));

        var gpu = mocks.Inputs("azure-native:containerservice:AgentPool", "pools-gpu-inference");
        Assert.Equal("gpuinference", gpu["agentPoolName"]!.GetValue<string>());
        Assert.Equal("User", gpu["mode"]!.GetValue<string>());
        Assert.Equal(0, gpu["minCount"]!.AsInt());
        Assert.Equal(4, gpu["maxCount"]!.AsInt());
        Assert.True(gpu["enableAutoScaling"]!.GetValue<bool>());
        Assert.Equal("Spot", gpu["scaleSetPriority"]!.GetValue<string>());
        Assert.Equal("Delete", gpu["scaleSetEvictionPolicy"]!.GetValue<string>());
        Assert.Equal(-1, gpu["spotMaxPrice"]!.AsInt());
        Assert.Null(gpu["upgradeSettings"]);
        Assert.Equal("None", gpu["gpuProfile"]!["driver"]!.GetValue<string>());
        Assert.Equal("nvidia.com/gpu=present:NoSchedule", Assert.Single(gpu["nodeTaints"]!.AsArray())!.GetValue<string>());
        Assert.Equal("gpu-inference", gpu["nodeLabels"]!["mlplatform.io/node-pool"]!.GetValue<string>());
        Assert.Equal("Ubuntu", gpu["osSKU"]!.GetValue<string>());
        Assert.Contains("count", recorder.Of("azure-native:containerservice:AgentPool", "pools-gpu-inference").IgnoreChanges);

        var platform = mocks.Inputs("azure-native:containerservice:AgentPool", "pools-platform");
        Assert.Equal("Regular", platform["scaleSetPriority"]!.GetValue<string>());
        Assert.Null(platform["gpuProfile"]);
        Assert.Equal("1", platform["upgradeSettings"]!["maxSurge"]!.GetValue<string>());
        Assert.True(platform["enableEncryptionAtHost"]!.GetValue<bool>());
        Assert.Equal("AzureLinux", platform["osSKU"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Artifact_storage_is_private_entra_only_versioned_soft_deleted_and_protected(bool privateEndpoint)
    {
        var recorder = new OptionsRecorder();
        var mocks = await Run(() => _ = new ArtifactStorage("artifacts", new ArtifactStorageArgs
        {
            ResourceGroupName = Group,
            Location = "eastus2",
            AccountName = "stml0a1b2c3d",
            ZoneRedundant = privateEndpoint,
            PrivateEndpoint = privateEndpoint ? new PrivateEndpointPlacement(EndpointSubnet, Vnet) : null,
        }, recorder.Options()));

        var account = mocks.Inputs("azure-native:storage:StorageAccount", "artifacts");
        Assert.Equal("StorageV2", account["kind"]!.GetValue<string>());
        Assert.False(account["allowBlobPublicAccess"]!.GetValue<bool>());
        Assert.False(account["allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.Equal("TLS1_2", account["minimumTlsVersion"]!.GetValue<string>());
        Assert.True(account["enableHttpsTrafficOnly"]!.GetValue<bool>());
        Assert.True(account["encryption"]!["requireInfrastructureEncryption"]!.GetValue<bool>());
        Assert.Equal(privateEndpoint ? "Standard_ZRS" : "Standard_LRS", account["sku"]!["name"]!.GetValue<string>());
        Assert.Equal(privateEndpoint ? "Disabled" : "Enabled", account["publicNetworkAccess"]!.GetValue<string>());
        var blob = mocks.Inputs("azure-native:storage:BlobServiceProperties", "artifacts");
        Assert.True(blob["isVersioningEnabled"]!.GetValue<bool>());
        Assert.True(blob["deleteRetentionPolicy"]!["enabled"]!.GetValue<bool>());
        Assert.True(blob["containerDeleteRetentionPolicy"]!["enabled"]!.GetValue<bool>());
        Assert.Equal("None", mocks.Inputs("azure-native:storage:BlobContainer", "artifacts")["publicAccess"]!.GetValue<string>());
        Assert.True(recorder.IsProtected("azure-native:storage:StorageAccount", "artifacts"));
        Assert.True(recorder.IsProtected("azure-native:storage:BlobContainer", "artifacts"));

        var endpoints = mocks.OfType("azure-native:network:PrivateEndpoint");
        if (privateEndpoint)
        {
            var endpoint = Assert.Single(endpoints).Json();
            Assert.Equal("blob", endpoint["privateLinkServiceConnections"]![0]!["groupIds"]![0]!.GetValue<string>());
            Assert.Equal(EndpointSubnet, endpoint["subnet"]!["id"]!.GetValue<string>());
            Assert.Equal("privatelink.blob.core.windows.net", Assert.Single(mocks.OfType("azure-native:privatedns:PrivateZone")).Json()["privateZoneName"]!.GetValue<string>());
        }
        else
        {
            Assert.Empty(endpoints);
        }
    }

    [Fact]
    public async Task Postgres_is_private_highly_available_and_keeps_its_generated_password_in_key_vault()
    {
        var recorder = new OptionsRecorder();
        Output<string>? password = null;
        var mocks = await Run(() => password = new PostgresFlexibleServer("db", new PostgresFlexibleServerArgs
        {
            ResourceGroupName = Group,
            Location = "eastus2",
            ServerName = "psql-ml-0a1b2c3d",
            DatabaseName = "mlflow",
            AdministratorLogin = "mlflow",
            Sku = "Standard_D4ds_v5",
            Tier = "GeneralPurpose",
            StorageSizeGb = 128,
            BackupRetentionDays = 14,
            GeoRedundantBackup = true,
            ZoneRedundantHighAvailability = true,
            Version = "17",
            DelegatedSubnetId = Vnet + "/subnets/snet-postgres",
            PrivateDnsZoneId = "/subscriptions/s/resourceGroups/rg-ml/providers/Microsoft.Network/privateDnsZones/ml.private.postgres.database.azure.com",
            VaultName = "kv-ml-0a1b2c3d",
            SecretName = "mlflow-database",
        }, recorder.Options()).Password);

        var server = mocks.Inputs("azure-native:dbforpostgresql:Server", "db");
        Assert.Equal("Disabled", server["network"]!["publicNetworkAccess"]!.GetValue<string>());
        Assert.EndsWith("/subnets/snet-postgres", server["network"]!["delegatedSubnetResourceId"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.EndsWith(".private.postgres.database.azure.com", server["network"]!["privateDnsZoneArmResourceId"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("ZoneRedundant", server["highAvailability"]!["mode"]!.GetValue<string>());
        Assert.Equal("Enabled", server["backup"]!["geoRedundantBackup"]!.GetValue<string>());
        Assert.Equal(14, server["backup"]!["backupRetentionDays"]!.AsInt());
        Assert.Equal("GeneralPurpose", server["sku"]!["tier"]!.GetValue<string>());
        Assert.Equal("Enabled", server["storage"]!["autoGrow"]!.GetValue<string>());
        Assert.Equal("17", server["version"]!.GetValue<string>());
        Assert.True(recorder.IsProtected("azure-native:dbforpostgresql:Server", "db"));
        Assert.True(recorder.IsProtected("azure-native:dbforpostgresql:Database", "db-mlflow"));
        Assert.True(recorder.IsProtected("azure-native:keyvault:Secret", "db-credentials"));

        // The password is generated, secret, and reaches the server and the vault only.
        Assert.True(await Output.IsSecretAsync(password!));
        Assert.Equal("-_.~", mocks.Inputs("random:index/randomPassword:RandomPassword", "db-password")["overrideSpecial"]!.GetValue<string>());
        var secret = mocks.Inputs("azure-native:keyvault:Secret", "db-credentials");
        Assert.Equal("mlflow-database", secret["secretName"]!.GetValue<string>());
        Assert.Equal("kv-ml-0a1b2c3d", secret["vaultName"]!.GetValue<string>());
        var credentials = AwsTestSupport.ParseString(secret["properties"]!["value"]);
        Assert.Equal("psql-ml-0a1b2c3d.postgres.database.azure.com", credentials["host"]!.GetValue<string>());
        Assert.Equal("mlflow", credentials["username"]!.GetValue<string>());

        var parameters = mocks.OfType("azure-native:dbforpostgresql:Configuration").ToDictionary(c => c.Json()["configurationName"]!.GetValue<string>(), c => c.Json()["value"]!.GetValue<string>());
        Assert.Equal("on", parameters["require_secure_transport"]);
        Assert.Equal(PostgresFlexibleServer.ServerParameters.Length, parameters.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Key_vault_uses_rbac_with_purge_protection_and_goes_private_with_an_endpoint(bool privateEndpoint)
    {
        var recorder = new OptionsRecorder();
        var mocks = await Run(() => _ = new KeyVault("vault", new KeyVaultArgs
        {
            ResourceGroupName = Group,
            Location = "eastus2",
            VaultName = "kv-ml-0a1b2c3d",
            TenantId = FakeAzure.TenantId,
            PrivateEndpoint = privateEndpoint ? new PrivateEndpointPlacement(EndpointSubnet, Vnet) : null,
            WorkspaceResourceId = "/subscriptions/s/resourceGroups/rg-ml/providers/Microsoft.OperationalInsights/workspaces/log-ml",
        }, recorder.Options()));

        var properties = mocks.Inputs("azure-native:keyvault:Vault", "vault")["properties"]!;
        Assert.True(properties["enableRbacAuthorization"]!.GetValue<bool>());
        Assert.True(properties["enablePurgeProtection"]!.GetValue<bool>());
        Assert.True(properties["enableSoftDelete"]!.GetValue<bool>());
        Assert.Equal(90, properties["softDeleteRetentionInDays"]!.AsInt());
        Assert.Equal(privateEndpoint ? "Disabled" : "Enabled", properties["publicNetworkAccess"]!.GetValue<string>());
        Assert.True(recorder.IsProtected("azure-native:keyvault:Vault", "vault"));
        Assert.Equal("audit", mocks.Inputs("azure-native:monitor:DiagnosticSetting", "vault-audit")["logs"]![0]!["categoryGroup"]!.GetValue<string>());
        Assert.Equal(privateEndpoint ? 1 : 0, mocks.OfType("azure-native:network:PrivateEndpoint").Count);
    }

    [Fact]
    public async Task Registry_is_entra_only_premium_and_zone_redundant_in_production_and_nodes_may_pull()
    {
        var recorder = new OptionsRecorder();
        var mocks = await Run(() => _ = new ContainerRegistry("registry", new ContainerRegistryArgs
        {
            ResourceGroupName = Group,
            Location = "eastus2",
            RegistryName = "acrml0a1b2c3d",
            Premium = true,
            PullerObjectId = "kubelet-object-id",
            SubscriptionId = FakeAzure.SubscriptionId,
        }, recorder.Options()));

        var registry = mocks.Inputs("azure-native:containerregistry:Registry", "registry");
        Assert.False(registry["adminUserEnabled"]!.GetValue<bool>());
        Assert.False(registry["anonymousPullEnabled"]!.GetValue<bool>());
        Assert.Equal("Premium", registry["sku"]!["name"]!.GetValue<string>());
        Assert.Equal("Enabled", registry["zoneRedundancy"]!.GetValue<string>());
        Assert.True(recorder.IsProtected("azure-native:containerregistry:Registry", "registry"));
        var pull = mocks.Inputs("azure-native:authorization:RoleAssignment", "registry-kubelet-pull");
        Assert.Equal($"/subscriptions/{FakeAzure.SubscriptionId}/providers/Microsoft.Authorization/roleDefinitions/{AzureRoles.AcrPull}", pull["roleDefinitionId"]!.GetValue<string>());
        Assert.Equal("kubelet-object-id", pull["principalId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Workload_identity_trusts_exactly_one_service_account_and_holds_only_its_roles()
    {
        WorkloadIdentity? identity = null;
        var mocks = await Run(() => identity = new WorkloadIdentity("mlflow", new WorkloadIdentityArgs
        {
            ResourceGroupName = Group,
            Location = "eastus2",
            IdentityName = "id-ml-mlflow",
            OidcIssuerUrl = "https://eastus2.oic.prod-aks.azure.com/tenant/issuer/",
            Namespace = "mlflow",
            ServiceAccount = "mlflow",
            Roles = [new RoleOnScope(Vnet.Replace("virtualNetworks/vnet-ml", "storageAccounts/st/blobServices/default/containers/artifacts", StringComparison.Ordinal), AzureRoles.StorageBlobDataContributor, "artifacts")],
            SubscriptionId = FakeAzure.SubscriptionId,
            TenantId = FakeAzure.TenantId,
        }));

        var credential = Assert.Single(mocks.OfType("azure-native:managedidentity:FederatedIdentityCredential")).Json();
        Assert.Equal("system:serviceaccount:mlflow:mlflow", credential["subject"]!.GetValue<string>());
        Assert.Equal(AzureRoles.FederatedTokenAudience, Assert.Single(credential["audiences"]!.AsArray())!.GetValue<string>());
        Assert.Equal("https://eastus2.oic.prod-aks.azure.com/tenant/issuer/", credential["issuer"]!.GetValue<string>());
        Assert.Equal("id-ml-mlflow", credential["resourceName"]!.GetValue<string>());

        var role = Assert.Single(mocks.OfType("azure-native:authorization:RoleAssignment")).Json();
        Assert.EndsWith("/containers/artifacts", role["scope"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.EndsWith(AzureRoles.StorageBlobDataContributor, role["roleDefinitionId"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(FakeAzure.Guid("id-ml-mlflow-principal"), role["principalId"]!.GetValue<string>());

        var annotations = await identity!.Annotations.ToOutput().GetValueAsync();
        Assert.Equal(FakeAzure.Guid("id-ml-mlflow-client"), annotations[WorkloadIdentity.ClientIdAnnotation]);
        Assert.Equal(FakeAzure.TenantId, annotations[WorkloadIdentity.TenantIdAnnotation]);
        Assert.Equal("mlflow/mlflow", identity.ServiceAccountKey);
        Assert.Equal("true", WorkloadIdentity.PodLabels[WorkloadIdentity.UseLabel]);
    }
}
