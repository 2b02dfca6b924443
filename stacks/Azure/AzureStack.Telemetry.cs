using System.Collections.Immutable;
using MlPlatform.Components.Addons.Observability;
using MlPlatform.Components.Azure;
using MlPlatform.Stacks.Configuration;
using MlPlatform.Stacks.Shared;
using Pulumi;
using Pulumi.AzureNative.Storage;

namespace MlPlatform.Stacks.Azure;

/// <summary>The telemetry container of the <c>azure</c> target.</summary>
public static partial class AzureStack
{
    /// <summary>The blob container of Loki and Tempo.</summary>
    public const string TelemetryContainerName = "telemetry";

    /// <summary>
    /// The container of Loki and Tempo when logging or tracing is on: in MLflow's storage account when there is one
    /// (one account, one private endpoint, one private DNS zone), else in an account of its own with the same
    /// settings; one workload identity per service account with Storage Blob Data Contributor on this container
    /// only.
    /// </summary>
    private static TelemetryStorage? TelemetryContainer(
        PlatformConfig config, string clusterName, Output<string> resourceGroup, string location, Output<string> suffix,
        PrivateEndpointPlacement? privateEndpoints, ArtifactStorage? artifactStorage,
        Func<string, string, string, RoleOnScope, WorkloadIdentity> bind, List<Resource> privateDns,
        ImmutableDictionary<string, string> tags, Dictionary<string, object?> outputs)
    {
        if (!config.Addons.Logging && !config.Addons.Tracing)
        {
            return null;
        }

        Output<string> containerId;
        Output<string> uri;
        if (artifactStorage is not null)
        {
            var container = new BlobContainer("telemetry", new BlobContainerArgs
            {
                ResourceGroupName = resourceGroup,
                AccountName = artifactStorage.AccountName,
                ContainerName = TelemetryContainerName,
                PublicAccess = PublicAccess.None,
            }, new CustomResourceOptions { Parent = artifactStorage, Protect = true });
            containerId = container.Id;
            uri = Output.Tuple(artifactStorage.AccountName, container.Name).Apply(t => $"wasbs://{t.Item2}@{t.Item1}{ArtifactStorage.BlobHostSuffix}");
            outputs["telemetryStorageAccount"] = artifactStorage.AccountName;
        }
        else
        {
            var storage = new ArtifactStorage("telemetry", new ArtifactStorageArgs
            {
                ResourceGroupName = resourceGroup,
                Location = location,
                AccountName = suffix.Apply(s => AzureNames.StorageAccount($"sttel{clusterName}", s)),
                ContainerName = TelemetryContainerName,
                ZoneRedundant = config.IsProduction,
                PrivateEndpoint = privateEndpoints,
                Tags = tags,
            });
            if (storage.Endpoint is { } endpoint)
            {
                privateDns.Add(endpoint.ZoneGroup);
            }

            containerId = storage.ContainerId;
            uri = storage.Uri;
            outputs["telemetryStorageAccount"] = storage.AccountName;
        }

        if (config.Addons.Logging)
        {
            outputs["lokiIdentityClientId"] = bind("loki-identity", PlatformNamespaces.Loki, Loki.ServiceAccountName,
                new RoleOnScope(containerId, AzureRoles.StorageBlobDataContributor, $"Loki of {clusterName}: its telemetry container only")).ClientId;
        }

        if (config.Addons.Tracing)
        {
            outputs["tempoIdentityClientId"] = bind("tempo-identity", PlatformNamespaces.Tempo, Tempo.ServiceAccountName,
                new RoleOnScope(containerId, AzureRoles.StorageBlobDataContributor, $"Tempo of {clusterName}: its telemetry container only")).ClientId;
        }

        return new TelemetryStorage(uri);
    }
}
