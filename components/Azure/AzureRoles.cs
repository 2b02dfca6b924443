namespace MlPlatform.Components.Azure;

/// <summary>The Azure built-in roles the platform assigns, by their fixed role definition ids.</summary>
public static class AzureRoles
{
    /// <summary>Read, write and delete blobs and containers (MLflow's artifacts).</summary>
    public const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";

    /// <summary>Read secret contents (external-secrets).</summary>
    public const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";

    /// <summary>Manage the record sets of a DNS zone (cert-manager's DNS-01 challenge records).</summary>
    public const string DnsZoneContributor = "befefa01-2a29-4197-83a8-272ff33ce314";

    /// <summary>Pull images from a container registry (the kubelet identity).</summary>
    public const string AcrPull = "7f951dda-4ed3-4680-a7ca-43fe172d538d";

    /// <summary>Manage the VNet's subnets (the AKS control plane: node NICs, internal load balancers).</summary>
    public const string NetworkContributor = "4d97b98b-1d4f-4787-a291-c67834d212e7";

    /// <summary>Cluster admin through Azure RBAC for Kubernetes authorization.</summary>
    public const string AksRbacClusterAdmin = "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b";

    /// <summary>The application id of the AKS Entra ID server application: the audience of API server tokens (<c>kubelogin --server-id</c>).</summary>
    public const string AksServerApplicationId = "6dae42f8-4368-4678-94ff-3960e28e3630";

    /// <summary>The audience Entra ID expects in federated tokens.</summary>
    public const string FederatedTokenAudience = "api://AzureADTokenExchange";

    /// <summary>The full resource id of a built-in role in a subscription.</summary>
    public static string Definition(string subscriptionId, string roleId) =>
        $"/subscriptions/{subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/{roleId}";
}
