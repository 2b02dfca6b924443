using System.Collections.Immutable;
using Pulumi;
using Pulumi.AzureNative.OperationalInsights;
using Pulumi.AzureNative.OperationalInsights.Inputs;

namespace MlPlatform.Components.Azure;

/// <summary>Inputs of <see cref="LogAnalytics"/>.</summary>
public sealed class LogAnalyticsArgs
{
    /// <summary>The resource group.</summary>
    public required Input<string> ResourceGroupName { get; init; }

    /// <summary>The Azure location.</summary>
    public required string Location { get; init; }

    /// <summary>The workspace's name.</summary>
    public required string WorkspaceName { get; init; }

    /// <summary>Days logs are kept (30 to 730).</summary>
    public int RetentionDays { get; init; } = 30;

    /// <summary>Tags.</summary>
    public ImmutableDictionary<string, string> Tags { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// The Log Analytics workspace of the stack: Container Insights, the control-plane and Key Vault audit logs and traffic
/// analytics of the VNet flow logs go there. Pay-as-you-go, local (shared key) authentication off, access by Azure
/// RBAC on the resources whose logs are read.
/// </summary>
public sealed class LogAnalytics : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:azure:LogAnalytics";

    /// <summary>Creates the workspace.</summary>
    public LogAnalytics(string name, LogAnalyticsArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var workspace = new Workspace(name, new WorkspaceArgs
        {
            ResourceGroupName = args.ResourceGroupName,
            WorkspaceName = args.WorkspaceName,
            Location = args.Location,
            Sku = new WorkspaceSkuArgs { Name = WorkspaceSkuNameEnum.PerGB2018 },
            RetentionInDays = args.RetentionDays,
            Features = new WorkspaceFeaturesArgs
            {
                // Agents and queries authenticate with Entra ID; no workspace keys.
                DisableLocalAuth = true,
                EnableLogAccessUsingOnlyResourcePermissions = true,
            },
            Tags = AzureTags.Of(args.Tags),
        }, new CustomResourceOptions { Parent = this });
        WorkspaceResourceId = workspace.Id;
        CustomerId = workspace.CustomerId;

        RegisterOutputs(new Dictionary<string, object?> { ["workspaceId"] = WorkspaceResourceId });
    }

    /// <summary>The workspace's resource id.</summary>
    public Output<string> WorkspaceResourceId { get; }

    /// <summary>The workspace's customer id (a GUID), which traffic analytics names it by.</summary>
    public Output<string> CustomerId { get; }
}
