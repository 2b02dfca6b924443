using System.Collections.Immutable;
using Pulumi;
using Pulumi.AzureNative.KeyVault;
using Pulumi.AzureNative.KeyVault.Inputs;
using Pulumi.AzureNative.Monitor;
using Pulumi.AzureNative.Monitor.Inputs;

namespace MlPlatform.Components.Azure;

/// <summary>Inputs of <see cref="KeyVault"/>.</summary>
public sealed class KeyVaultArgs
{
    /// <summary>The resource group.</summary>
    public required Input<string> ResourceGroupName { get; init; }

    /// <summary>The Azure location.</summary>
    public required string Location { get; init; }

    /// <summary>The vault's name (globally unique: <see cref="AzureNames.KeyVault"/>).</summary>
    public required Input<string> VaultName { get; init; }

    /// <summary>The Entra ID tenant that authenticates the vault's callers.</summary>
    public required Input<string> TenantId { get; init; }

    /// <summary>A private endpoint for the vault; its public network access is then off. Null keeps it public (Entra ID and RBAC only).</summary>
    public PrivateEndpointPlacement? PrivateEndpoint { get; init; }

    /// <summary>The Log Analytics workspace of the vault's audit log.</summary>
    public required Input<string> WorkspaceResourceId { get; init; }

    /// <summary>Days a deleted vault or secret can be recovered (7 to 90).</summary>
    public int SoftDeleteRetentionDays { get; init; } = 90;

    /// <summary>Tags.</summary>
    public ImmutableDictionary<string, string> Tags { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// A Key Vault for the platform's secrets: Azure RBAC authorization (no access policies), soft delete with purge
/// protection (a deleted secret cannot be purged before its retention ends), public network access off when it has a
/// private endpoint, every access audited in Log Analytics; protected.
/// </summary>
public sealed class KeyVault : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:azure:KeyVault";

    /// <summary>Creates the vault.</summary>
    public KeyVault(string name, KeyVaultArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var isPrivate = args.PrivateEndpoint is not null;
        var vault = new Vault(name, new VaultArgs
        {
            ResourceGroupName = args.ResourceGroupName,
            VaultName = args.VaultName,
            Location = args.Location,
            Properties = new VaultPropertiesArgs
            {
                TenantId = args.TenantId,
                Sku = new SkuArgs { Family = SkuFamily.A, Name = SkuName.Standard },
                EnableRbacAuthorization = true,
                EnableSoftDelete = true,
                SoftDeleteRetentionInDays = args.SoftDeleteRetentionDays,
                EnablePurgeProtection = true,
                PublicNetworkAccess = isPrivate ? "Disabled" : "Enabled",
                NetworkAcls = new NetworkRuleSetArgs
                {
                    DefaultAction = isPrivate ? NetworkRuleAction.Deny : NetworkRuleAction.Allow,
                    Bypass = NetworkRuleBypassOptions.AzureServices,
                },
                EnabledForDeployment = false,
                EnabledForDiskEncryption = false,
                EnabledForTemplateDeployment = false,
            },
            Tags = AzureTags.Of(args.Tags),
        }, new CustomResourceOptions { Parent = this, Protect = true });
        VaultName = vault.Name;
        VaultId = vault.Id;
        VaultUri = vault.Properties.Apply(p => p.VaultUri);

        _ = new DiagnosticSetting($"{name}-audit", new DiagnosticSettingArgs
        {
            Name = "audit-to-log-analytics",
            ResourceUri = vault.Id,
            WorkspaceId = args.WorkspaceResourceId,
            LogAnalyticsDestinationType = "Dedicated",
            Logs = { new DiagnosticsLogSettingsArgs { CategoryGroup = "audit", Enabled = true } },
        }, new CustomResourceOptions { Parent = this });

        Endpoint = args.PrivateEndpoint is { } placement
            ? PrivateLinkEndpoint.For(this, $"{name}-vault", placement, args.ResourceGroupName, args.Location, vault.Id, "vault", "privatelink.vaultcore.azure.net", args.Tags)
            : null;

        RegisterOutputs(new Dictionary<string, object?> { ["vaultName"] = VaultName, ["vaultUri"] = VaultUri });
    }

    /// <summary>The vault's name.</summary>
    public Output<string> VaultName { get; }

    /// <summary>The vault's id (the scope of role assignments).</summary>
    public Output<string> VaultId { get; }

    /// <summary>The vault's URI (<c>https://NAME.vault.azure.net/</c>).</summary>
    public Output<string> VaultUri { get; }

    /// <summary>The private endpoint; null for a public vault.</summary>
    public PrivateLinkEndpoint? Endpoint { get; }
}
