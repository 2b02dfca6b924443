using System.Collections.Immutable;
using Pulumi;
using Pulumi.AzureNative.Storage;
using Pulumi.AzureNative.Storage.Inputs;

namespace MlPlatform.Components.Azure;

/// <summary>Inputs of <see cref="ArtifactStorage"/>.</summary>
public sealed class ArtifactStorageArgs
{
    /// <summary>The resource group.</summary>
    public required Input<string> ResourceGroupName { get; init; }

    /// <summary>The Azure location.</summary>
    public required string Location { get; init; }

    /// <summary>The storage account name (globally unique: <see cref="AzureNames.StorageAccount"/>).</summary>
    public required Input<string> AccountName { get; init; }

    /// <summary>The private container's name.</summary>
    public string ContainerName { get; init; } = "mlflow-artifacts";

    /// <summary>Keep three copies over the region's zones (ZRS) rather than in one datacenter (LRS).</summary>
    public bool ZoneRedundant { get; init; }

    /// <summary>Days deleted blobs and containers can be restored.</summary>
    public int SoftDeleteDays { get; init; } = 30;

    /// <summary>
    /// A private endpoint for the blob service: the account's public network access is then off and the cluster
    /// reaches it through the VNet. Null keeps the public endpoint (still Entra ID only, TLS 1.2, HTTPS).
    /// </summary>
    public PrivateEndpointPlacement? PrivateEndpoint { get; init; }

    /// <summary>Tags.</summary>
    public ImmutableDictionary<string, string> Tags { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// A StorageV2 account for ML artifacts with one private container: no public blob access, shared key access off
/// (Entra ID only, through workload identity), TLS 1.2 minimum, HTTPS only, infrastructure (double) encryption, blob
/// versioning and soft delete of blobs and containers; the account and the container are protected.
/// </summary>
public sealed class ArtifactStorage : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:azure:ArtifactStorage";

    /// <summary>The host suffix of blob endpoints.</summary>
    public const string BlobHostSuffix = ".blob.core.windows.net";

    /// <summary>Creates the storage.</summary>
    public ArtifactStorage(string name, ArtifactStorageArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var protectedChild = new CustomResourceOptions { Parent = this, Protect = true };
        var account = new StorageAccount(name, new StorageAccountArgs
        {
            ResourceGroupName = args.ResourceGroupName,
            AccountName = args.AccountName,
            Location = args.Location,
            Kind = Kind.StorageV2,
            Sku = new SkuArgs { Name = args.ZoneRedundant ? SkuName.Standard_ZRS : SkuName.Standard_LRS },
            AccessTier = AccessTier.Hot,
            AllowBlobPublicAccess = false,
            AllowSharedKeyAccess = false,
            DefaultToOAuthAuthentication = true,
            AllowCrossTenantReplication = false,
            MinimumTlsVersion = MinimumTlsVersion.TLS1_2,
            EnableHttpsTrafficOnly = true,
            PublicNetworkAccess = args.PrivateEndpoint is null ? PublicNetworkAccess.Enabled : PublicNetworkAccess.Disabled,
            Encryption = new EncryptionArgs
            {
                KeySource = KeySource.Microsoft_Storage,
                RequireInfrastructureEncryption = true,
                Services = new EncryptionServicesArgs { Blob = new EncryptionServiceArgs { Enabled = true, KeyType = KeyType.Account } },
            },
            Tags = AzureTags.Of(args.Tags),
        }, protectedChild);
        AccountName = account.Name;
        AccountId = account.Id;

        var blobService = new BlobServiceProperties(name, new BlobServicePropertiesArgs
        {
            ResourceGroupName = args.ResourceGroupName,
            AccountName = account.Name,
            BlobServicesName = "default",
            IsVersioningEnabled = true,
            DeleteRetentionPolicy = new DeleteRetentionPolicyArgs { Enabled = true, Days = args.SoftDeleteDays },
            ContainerDeleteRetentionPolicy = new DeleteRetentionPolicyArgs { Enabled = true, Days = args.SoftDeleteDays },
        }, new CustomResourceOptions { Parent = this });

        var container = new BlobContainer(name, new BlobContainerArgs
        {
            ResourceGroupName = args.ResourceGroupName,
            AccountName = account.Name,
            ContainerName = args.ContainerName,
            PublicAccess = PublicAccess.None,
        }, new CustomResourceOptions { Parent = this, Protect = true, DependsOn = { blobService } });
        ContainerName = container.Name;
        ContainerId = container.Id;

        Endpoint = args.PrivateEndpoint is { } placement
            ? PrivateLinkEndpoint.For(this, $"{name}-blob", placement, args.ResourceGroupName, args.Location, account.Id, "blob", "privatelink.blob.core.windows.net", args.Tags)
            : null;

        Uri = Output.Tuple(AccountName, ContainerName).Apply(t => $"wasbs://{t.Item2}@{t.Item1}{BlobHostSuffix}");
        RegisterOutputs(new Dictionary<string, object?>
        {
            ["accountName"] = AccountName,
            ["containerName"] = ContainerName,
            ["uri"] = Uri,
        });
    }

    /// <summary>The storage account's name.</summary>
    public Output<string> AccountName { get; }

    /// <summary>The storage account's id.</summary>
    public Output<string> AccountId { get; }

    /// <summary>The container's name.</summary>
    public Output<string> ContainerName { get; }

    /// <summary>The container's id: the scope of the MLflow identity's role.</summary>
    public Output<string> ContainerId { get; }

    /// <summary>The blob private endpoint; null when the account keeps its public endpoint.</summary>
    public PrivateLinkEndpoint? Endpoint { get; }

    /// <summary>The container as an MLflow artifact URI.</summary>
    public Output<string> Uri { get; }
}
