using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text;

namespace MlPlatform.Infra.Plan;

/// <summary>
/// Deterministic stand-ins for what Azure Resource Manager returns for the azure-native resources and invokes the
/// platform uses: resource ids of the real shape (<c>/subscriptions/…/resourceGroups/…/providers/…</c>), names,
/// the cluster's FQDN and OIDC issuer, the kubelet identity, managed identity client and principal ids, endpoints
/// (vault URI, blob endpoint, PostgreSQL host, registry login server), and the cluster's user kubeconfig.
/// </summary>
public sealed class FakeAzure
{
    /// <summary>The subscription every fake resource id names.</summary>
    public const string SubscriptionId = "8f3a2c1e-5b7d-4e9f-a1c3-6d2e8b4f0a17";

    /// <summary>The Entra ID tenant of the fake subscription.</summary>
    public const string TenantId = "2d6e9c4b-1a8f-4b3e-9c7d-5e0f2a4b8c61";

    /// <summary>The object id of the identity the plan runs as (getClientConfig).</summary>
    public const string DeployerObjectId = "6c1f4e8a-3d2b-4a9e-8f7c-1b5d9e3a2c40";

    private readonly ConcurrentDictionary<string, string> _clusterServers = new(StringComparer.Ordinal);

    /// <summary>Creates the fake Azure of a location.</summary>
    public FakeAzure(string location)
    {
        Location = location;
    }

    /// <summary>The location resources are reported in.</summary>
    public string Location { get; }

    /// <summary>The resource id ARM gives a resource.</summary>
    public string IdFor(string type, string name, ImmutableDictionary<string, object> inputs)
    {
        string Str(string key) => Text(inputs, key, name);
        var group = $"/subscriptions/{SubscriptionId}/resourceGroups/{Text(inputs, "resourceGroupName", "rg")}";
        string Provider(string path) => $"{group}/providers/{path}";
        return type switch
        {
            "azure-native:resources:ResourceGroup" => $"/subscriptions/{SubscriptionId}/resourceGroups/{Str("resourceGroupName")}",
            "azure-native:network:VirtualNetwork" => Provider($"Microsoft.Network/virtualNetworks/{Str("virtualNetworkName")}"),
            "azure-native:network:Subnet" => Provider($"Microsoft.Network/virtualNetworks/{Str("virtualNetworkName")}/subnets/{Str("subnetName")}"),
            "azure-native:network:FlowLog" => Provider($"Microsoft.Network/networkWatchers/{Str("networkWatcherName")}/flowLogs/{Str("flowLogName")}"),
            "azure-native:network:PrivateEndpoint" => Provider($"Microsoft.Network/privateEndpoints/{Str("privateEndpointName")}"),
            "azure-native:network:PrivateDnsZoneGroup" => Provider($"Microsoft.Network/privateEndpoints/{Str("privateEndpointName")}/privateDnsZoneGroups/{Str("privateDnsZoneGroupName")}"),
            "azure-native:privatedns:PrivateZone" => Provider($"Microsoft.Network/privateDnsZones/{Str("privateZoneName")}"),
            "azure-native:privatedns:VirtualNetworkLink" => Provider($"Microsoft.Network/privateDnsZones/{Str("privateZoneName")}/virtualNetworkLinks/{Str("virtualNetworkLinkName")}"),
            "azure-native:operationalinsights:Workspace" => Provider($"Microsoft.OperationalInsights/workspaces/{Str("workspaceName")}"),
            "azure-native:storage:StorageAccount" => Provider($"Microsoft.Storage/storageAccounts/{Str("accountName")}"),
            "azure-native:storage:BlobServiceProperties" => Provider($"Microsoft.Storage/storageAccounts/{Str("accountName")}/blobServices/default"),
            "azure-native:storage:BlobContainer" => Provider($"Microsoft.Storage/storageAccounts/{Str("accountName")}/blobServices/default/containers/{Str("containerName")}"),
            "azure-native:containerservice:ManagedCluster" => Provider($"Microsoft.ContainerService/managedClusters/{Str("resourceName")}"),
            "azure-native:containerservice:AgentPool" => Provider($"Microsoft.ContainerService/managedClusters/{Str("resourceName")}/agentPools/{Str("agentPoolName")}"),
            "azure-native:containerservice:MaintenanceConfiguration" => Provider($"Microsoft.ContainerService/managedClusters/{Str("resourceName")}/maintenanceConfigurations/{Str("configName")}"),
            "azure-native:dbforpostgresql:Server" => Provider($"Microsoft.DBforPostgreSQL/flexibleServers/{Str("serverName")}"),
            "azure-native:dbforpostgresql:Database" => Provider($"Microsoft.DBforPostgreSQL/flexibleServers/{Str("serverName")}/databases/{Str("databaseName")}"),
            "azure-native:dbforpostgresql:Configuration" => Provider($"Microsoft.DBforPostgreSQL/flexibleServers/{Str("serverName")}/configurations/{Str("configurationName")}"),
            "azure-native:keyvault:Vault" => Provider($"Microsoft.KeyVault/vaults/{Str("vaultName")}"),
            "azure-native:keyvault:Secret" => Provider($"Microsoft.KeyVault/vaults/{Str("vaultName")}/secrets/{Str("secretName")}"),
            "azure-native:containerregistry:Registry" => Provider($"Microsoft.ContainerRegistry/registries/{Str("registryName")}"),
            "azure-native:managedidentity:UserAssignedIdentity" => Provider($"Microsoft.ManagedIdentity/userAssignedIdentities/{Str("resourceName")}"),
            "azure-native:managedidentity:FederatedIdentityCredential" =>
                Provider($"Microsoft.ManagedIdentity/userAssignedIdentities/{Str("resourceName")}/federatedIdentityCredentials/{Str("federatedIdentityCredentialResourceName")}"),
            "azure-native:authorization:RoleAssignment" => $"{Str("scope")}/providers/Microsoft.Authorization/roleAssignments/{Guid(name)}",
            "azure-native:monitor:DataCollectionRule" => Provider($"Microsoft.Insights/dataCollectionRules/{Str("dataCollectionRuleName")}"),
            "azure-native:monitor:DataCollectionRuleAssociation" => $"{Str("resourceUri")}/providers/Microsoft.Insights/dataCollectionRuleAssociations/{Str("associationName")}",
            "azure-native:monitor:DiagnosticSetting" => $"{Str("resourceUri")}/providers/Microsoft.Insights/diagnosticSettings/{Str("name")}",
            _ => Provider($"Unknown/{name}"),
        };
    }

    /// <summary>The outputs ARM computes for a resource, beyond its inputs.</summary>
    public Dictionary<string, object> OutputsFor(string type, string name, ImmutableDictionary<string, object> inputs)
    {
        var outputs = new Dictionary<string, object> { ["name"] = ResourceName(type, name, inputs) };
        switch (type)
        {
            case "azure-native:containerservice:ManagedCluster":
                {
                    var cluster = Text(inputs, "resourceName", name);
                    var prefix = Text(inputs, "dnsPrefix", cluster);
                    var isPrivate = inputs.TryGetValue("apiServerAccessProfile", out var access)
                        && access is ImmutableDictionary<string, object> profile && profile.TryGetValue("enablePrivateCluster", out var p) && p is true;
                    var publicFqdn = $"{prefix}-{Hex(cluster, 8)}.hcp.{Location}.azmk8s.io";
                    var privateFqdn = $"{prefix}-{Hex(cluster, 8)}.{Guid(cluster + "-dns")}.privatelink.{Location}.azmk8s.io";
                    outputs["fqdn"] = publicFqdn;
                    if (isPrivate)
                    {
                        outputs["privateFQDN"] = privateFqdn;
                    }

                    _clusterServers[cluster] = $"https://{(isPrivate ? privateFqdn : publicFqdn)}:443";
                    outputs["oidcIssuerProfile"] = ImmutableDictionary<string, object>.Empty
                        .Add("enabled", true)
                        .Add("issuerURL", $"https://{Location}.oic.prod-aks.azure.com/{TenantId}/{Guid(cluster + "-oidc")}/");
                    var kubeletName = $"{cluster}-agentpool";
                    outputs["identityProfile"] = ImmutableDictionary<string, object>.Empty.Add("kubeletidentity", ImmutableDictionary<string, object>.Empty
                        .Add("clientId", Guid(kubeletName + "-client"))
                        .Add("objectId", Guid(kubeletName + "-object"))
                        .Add("resourceId", $"/subscriptions/{SubscriptionId}/resourceGroups/{Text(inputs, "nodeResourceGroup", $"MC_{cluster}")}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{kubeletName}"));
                    outputs["provisioningState"] = "Succeeded";
                    outputs["currentKubernetesVersion"] = $"{Text(inputs, "kubernetesVersion", "1.34")}.2";
                    break;
                }

            case "azure-native:managedidentity:UserAssignedIdentity":
                {
                    var identity = Text(inputs, "resourceName", name);
                    outputs["clientId"] = Guid(identity + "-client");
                    outputs["principalId"] = Guid(identity + "-principal");
                    outputs["tenantId"] = TenantId;
                    break;
                }

            case "azure-native:keyvault:Vault":
                {
                    var properties = inputs.TryGetValue("properties", out var given) && given is ImmutableDictionary<string, object> map
                        ? map : ImmutableDictionary<string, object>.Empty;
                    outputs["properties"] = properties.SetItem("vaultUri", $"https://{Text(inputs, "vaultName", name)}.vault.azure.net/");
                    break;
                }

            case "azure-native:storage:StorageAccount":
                outputs["primaryEndpoints"] = ImmutableDictionary<string, object>.Empty
                    .Add("blob", $"https://{Text(inputs, "accountName", name)}.blob.core.windows.net/");
                break;
            case "azure-native:dbforpostgresql:Server":
                outputs["fullyQualifiedDomainName"] = $"{Text(inputs, "serverName", name)}.postgres.database.azure.com";
                outputs["state"] = "Ready";
                break;
            case "azure-native:containerregistry:Registry":
                outputs["loginServer"] = $"{Text(inputs, "registryName", name).ToLowerInvariant()}.azurecr.io";
                break;
            case "azure-native:operationalinsights:Workspace":
                outputs["customerId"] = Guid(Text(inputs, "workspaceName", name) + "-customer");
                break;
        }

        return outputs;
    }

    /// <summary>The result of an azure-native invoke.</summary>
    public object Invoke(string token, ImmutableDictionary<string, object> args) => token switch
    {
        "azure-native:authorization:getClientConfig" => new Dictionary<string, object>
        {
            ["clientId"] = "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
            ["objectId"] = DeployerObjectId,
            ["subscriptionId"] = SubscriptionId,
            ["tenantId"] = TenantId,
        },
        "azure-native:containerservice:listManagedClusterUserCredentials" => new Dictionary<string, object>
        {
            ["kubeconfigs"] = ImmutableArray.Create<object>(ImmutableDictionary<string, object>.Empty
                .Add("name", "clusterUser")
                .Add("value", Convert.ToBase64String(Encoding.UTF8.GetBytes(UserKubeconfig(Text(args, "resourceName", "cluster")))))),
        },
        _ => args,
    };

    /// <summary>A GUID derived from a seed, the shape of Entra ID object and client ids.</summary>
    public static string Guid(string seed)
    {
        var hex = FakeCloud.Hex(seed, 32);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }

    private static string Hex(string seed, int length) => FakeCloud.Hex(seed, length);

    // The kubeconfig AKS returns for an Entra ID cluster: the server, the CA, and a kubelogin user in device-code mode.
    private string UserKubeconfig(string cluster)
    {
        var server = _clusterServers.GetValueOrDefault(cluster, $"https://{cluster}-{Hex(cluster, 8)}.hcp.{Location}.azmk8s.io:443");
        var ca = Convert.ToBase64String(Encoding.UTF8.GetBytes($"-----BEGIN CERTIFICATE-----\n{Hex(cluster + "-ca", 48)}\n-----END CERTIFICATE-----\n"));
        return $"""
            apiVersion: v1
            kind: Config
            clusters:
            - cluster:
                certificate-authority-data: {ca}
                server: {server}
              name: {cluster}
            contexts:
            - context:
                cluster: {cluster}
                user: clusterUser_{cluster}
              name: {cluster}
            current-context: {cluster}
            users:
            - name: clusterUser_{cluster}
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1beta1
                  command: kubelogin
                  args: [get-token, --environment, AzurePublicCloud, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630, --login, devicecode]
            """;
    }

    private static string ResourceName(string type, string name, ImmutableDictionary<string, object> inputs)
    {
        var key = type switch
        {
            "azure-native:resources:ResourceGroup" => "resourceGroupName",
            "azure-native:network:VirtualNetwork" => "virtualNetworkName",
            "azure-native:network:Subnet" => "subnetName",
            "azure-native:network:FlowLog" => "flowLogName",
            "azure-native:network:PrivateEndpoint" => "privateEndpointName",
            "azure-native:network:PrivateDnsZoneGroup" => "privateDnsZoneGroupName",
            "azure-native:privatedns:PrivateZone" => "privateZoneName",
            "azure-native:privatedns:VirtualNetworkLink" => "virtualNetworkLinkName",
            "azure-native:operationalinsights:Workspace" => "workspaceName",
            "azure-native:storage:StorageAccount" => "accountName",
            "azure-native:storage:BlobContainer" => "containerName",
            "azure-native:containerservice:ManagedCluster" => "resourceName",
            "azure-native:containerservice:AgentPool" => "agentPoolName",
            "azure-native:containerservice:MaintenanceConfiguration" => "configName",
            "azure-native:dbforpostgresql:Server" => "serverName",
            "azure-native:dbforpostgresql:Database" => "databaseName",
            "azure-native:dbforpostgresql:Configuration" => "configurationName",
            "azure-native:keyvault:Vault" => "vaultName",
            "azure-native:keyvault:Secret" => "secretName",
            "azure-native:containerregistry:Registry" => "registryName",
            "azure-native:managedidentity:UserAssignedIdentity" => "resourceName",
            "azure-native:managedidentity:FederatedIdentityCredential" => "federatedIdentityCredentialResourceName",
            "azure-native:monitor:DataCollectionRule" => "dataCollectionRuleName",
            "azure-native:monitor:DataCollectionRuleAssociation" => "associationName",
            _ => "name",
        };
        return type == "azure-native:storage:BlobServiceProperties" ? "default"
            : type == "azure-native:authorization:RoleAssignment" ? Guid(name)
            : Text(inputs, key, name);
    }

    private static string Text(ImmutableDictionary<string, object> inputs, string key, string fallback) =>
        inputs.TryGetValue(key, out var value) && value is string text && text.Length > 0 ? text : fallback;
}
