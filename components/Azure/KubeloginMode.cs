namespace MlPlatform.Components.Azure;

/// <summary>How <c>kubelogin</c> gets the Entra ID token the Kubernetes provider sends to the AKS API server.</summary>
public enum KubeloginMode
{
    /// <summary>The Azure CLI's signed-in account (<c>az login</c>): a workstation or a CI job that ran <c>az login</c>.</summary>
    AzureCli,

    /// <summary>
    /// A federated workload identity (<c>AZURE_CLIENT_ID</c>, <c>AZURE_TENANT_ID</c>, <c>AZURE_FEDERATED_TOKEN_FILE</c>):
    /// a CI runner with OIDC federation (GitHub Actions, a pod with Azure workload identity).
    /// </summary>
    WorkloadIdentity,
}

/// <summary>The <c>--login</c> argument of each mode.</summary>
public static class KubeloginModes
{
    /// <summary>The value of <c>kubelogin get-token --login</c>.</summary>
    public static string LoginArgument(this KubeloginMode mode) => mode switch
    {
        KubeloginMode.WorkloadIdentity => "workloadidentity",
        _ => "azurecli",
    };
}
