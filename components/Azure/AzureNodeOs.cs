namespace MlPlatform.Components.Azure;

/// <summary>The operating system of AKS nodes (the agent pool's <c>osSKU</c>).</summary>
public enum AzureNodeOs
{
    /// <summary>Azure Linux, Microsoft's container host (the smaller, hardened image).</summary>
    AzureLinux,

    /// <summary>Ubuntu.</summary>
    Ubuntu,
}

/// <summary>What each node operating system means for AKS.</summary>
public static class AzureNodeOperatingSystems
{
    /// <summary>The agent pool's <c>osSKU</c> value.</summary>
    public static string OsSku(this AzureNodeOs os) => os switch
    {
        AzureNodeOs.Ubuntu => "Ubuntu",
        _ => "AzureLinux",
    };
}
