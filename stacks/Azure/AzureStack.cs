using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using MlPlatform.Components.Azure;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Stacks.Configuration;
using MlPlatform.Stacks.Shared;
using Pulumi;
using Pulumi.AzureNative.Authorization;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Stacks.Azure;

/// <summary>
/// The <c>azure</c> target: a resource group, a VNet with flow logs, a locked-down AKS cluster (Entra ID and Azure
/// RBAC, workload identity, Cilium, KEDA add-on), autoscaled user pools for GPUs and batch, MLflow's storage (Blob
/// artifacts, PostgreSQL flexible server, the password in Key Vault) with workload identities, and a container
/// registry; then the shared Kubernetes layers on top, through a provider built from the cluster.
/// </summary>
public static partial class AzureStack
{
    /// <summary>The MLflow database and user name.</summary>
    public const string MlflowDatabase = "mlflow";

    /// <summary>The service account of MLflow (bound to the artifact container's identity).</summary>
    public const string MlflowServiceAccount = "mlflow";

    /// <summary>The service account of external-secrets (bound to the vault's identity).</summary>
    public const string ExternalSecretsServiceAccount = "external-secrets";

    /// <summary>The Key Vault secret with the MLflow database's credentials.</summary>
    public const string DatabaseSecretName = "mlflow-database";

    /// <summary>The namespace AKS runs its managed add-ons in (KEDA, konnectivity).</summary>
    public const string AksSystemNamespace = "kube-system";

    /// <summary>The AKS cluster name of a stack.</summary>
    public static string ClusterName(string project, string stack) => $"{project}-{stack}";

    /// <summary>Deploys the platform on Azure: the cloud resources, then the shared Kubernetes layers.</summary>
    /// <param name="config">The validated configuration (cloud <c>azure</c>).</param>
    /// <exception cref="ConfigValidationException">When the stack name cannot name the cluster's resources.</exception>
    public static Dictionary<string, object?> Deploy(PlatformConfig config)
    {
        var clusterName = ClusterName(Deployment.Instance.ProjectName, Deployment.Instance.StackName);
        if (!ValidClusterName().IsMatch(clusterName))
        {
            throw new ConfigValidationException([new ConfigProblem("stack name",
                $"the cluster is named '<project>-<stack>' = '{clusterName}': it must be lower-case letters, digits and '-', start with a letter, end with a letter or digit and be at most 40 characters, because Azure names derived from it (DNS prefix, data collection rule, vault and account names) are short")]);
        }

        var cloud = Provision(config, clusterName);
        var outputs = KubernetesPlatform.Deploy(config, cloud.Kubernetes, cloud.Integration);
        foreach (var (key, value) in cloud.Outputs)
        {
            outputs[key] = value;
        }

        return outputs;
    }

    /// <summary>
    /// Creates the Azure resources and the Kubernetes provider of the cluster, and says what the shared layers get
    /// from them. Must run inside a Pulumi deployment.
    /// </summary>
    /// <param name="config">The validated configuration (cloud <c>azure</c>).</param>
    /// <param name="clusterName">The AKS cluster name.</param>
    public static AzurePlatform Provision(PlatformConfig config, string clusterName)
    {
        var azure = config.Azure ?? throw new ArgumentException("The azure stack needs the azure settings.", nameof(config));
        var location = config.Region ?? throw new ArgumentException("The azure stack needs a location.", nameof(config));
        var production = config.IsProduction;
        var tags = Tags(config, clusterName);

        // The subscription and tenant are those of the credentials Pulumi runs with (az login, or ARM_* variables).
        var client = GetClientConfig.Invoke();
        var subscriptionId = client.Apply(c => c.SubscriptionId);
        var tenantId = client.Apply(c => c.TenantId);

        var group = new AzureResourceGroup("resource-group", new AzureResourceGroupArgs
        {
            Name = $"rg-{clusterName}",
            Location = location,
            Tags = tags,
        });
        var resourceGroup = group.ResourceGroupName;
        var suffix = Output.Tuple(subscriptionId, resourceGroup).Apply(t => AzureNames.UniqueSuffix(t.Item1, t.Item2));

        var logs = new LogAnalytics("logs", new LogAnalyticsArgs
        {
            ResourceGroupName = resourceGroup,
            Location = location,
            WorkspaceName = $"log-{clusterName}",
            RetentionDays = azure.LogRetentionDays,
            Tags = tags,
        });

        var network = new AzureNetwork("network", new AzureNetworkArgs
        {
            ClusterName = clusterName,
            ResourceGroupName = resourceGroup,
            Location = location,
            Cidr = azure.VnetCidr,
            SubscriptionId = subscriptionId,
            UniqueSuffix = suffix,
            WorkspaceResourceId = logs.WorkspaceResourceId,
            WorkspaceCustomerId = logs.CustomerId,
            FlowLogRetentionDays = azure.LogRetentionDays,
            NetworkWatcherResourceGroup = azure.NetworkWatcherResourceGroup,
            NetworkWatcherName = azure.NetworkWatcherName,
            PostgresDnsZone = $"{clusterName}.private.postgres.database.azure.com",
            Tags = tags,
        });

        var window = azure.MaintenanceWindow;
        var cluster = new AksCluster("aks", new AksClusterArgs
        {
            Name = clusterName,
            ResourceGroupName = resourceGroup,
            Location = location,
            KubernetesVersion = config.KubernetesVersion,
            SubscriptionId = subscriptionId,
            TenantId = tenantId,
            VnetId = network.VnetId,
            NodeSubnetId = network.NodeSubnetId,
            AdminGroupObjectIds = azure.AdminGroupObjectIds,
            AuthorizedIpRanges = production ? [] : azure.AuthorizedIpRanges,
            SystemPool = new AksSystemPool(azure.SystemVmSize, config.SystemNodePool.Min, config.SystemNodePool.Max, config.SystemNodePool.Desired,
                azure.NodeOs, AzureNodePools.SupportsEncryptionAtHost(azure.SystemVmSize)),
            WorkspaceResourceId = logs.WorkspaceResourceId,
            MaintenanceWindow = (window.Day, window.StartTime, window.DurationHours),
            StandardTier = production,
            PodCidr = AzureConfig.PodCidr,
            ServiceCidr = AzureConfig.ServiceCidr,
            DnsServiceIp = AzureConfig.DnsServiceIp,
            Keda = config.Addons.Keda,
            KubeloginMode = azure.KubeloginMode,
            Tags = tags,
        });

        var pools = new AksNodePools("node-pools", new AksNodePoolsArgs
        {
            ResourceGroupName = resourceGroup,
            ClusterName = cluster.ClusterName,
            NodeSubnetId = network.NodeSubnetId,
            KubernetesVersion = config.KubernetesVersion,
            Pools = [.. config.NodePools.Select(p => AzureNodePools.ToAgentPool(p, azure, config.Addons.GpuOperator))],
            Tags = tags,
        }, new ComponentResourceOptions { DependsOn = { cluster.Cluster } });

        var registry = new ContainerRegistry("registry", new ContainerRegistryArgs
        {
            ResourceGroupName = resourceGroup,
            Location = location,
            RegistryName = suffix.Apply(s => AzureNames.Registry($"acr{clusterName}", s)),
            Premium = production,
            PullerObjectId = cluster.KubeletObjectId,
            SubscriptionId = subscriptionId,
            Tags = tags,
        });

        // Production keeps the vault and the artifact account off the internet: the cluster reaches them through
        // private endpoints in the VNet.
        var privateEndpoints = production ? new PrivateEndpointPlacement(network.EndpointSubnetId, network.VnetId) : null;
        var vault = new KeyVault("vault", new KeyVaultArgs
        {
            ResourceGroupName = resourceGroup,
            Location = location,
            VaultName = suffix.Apply(s => AzureNames.KeyVault($"kv-{clusterName}", s)),
            TenantId = tenantId,
            PrivateEndpoint = privateEndpoints,
            WorkspaceResourceId = logs.WorkspaceResourceId,
            Tags = tags,
        });

        var outputs = new Dictionary<string, object?>();
        var annotations = ImmutableDictionary.CreateBuilder<string, InputMap<string>>();
        var podLabels = ImmutableDictionary.CreateBuilder<string, ImmutableDictionary<string, string>>();
        Output<string>? artifactStoreUri = null;
        DatabaseConnection? database = null;

        // In-cluster clients resolve the private endpoints only once their DNS records are registered.
        var privateDns = new List<Resource>();
        if (vault.Endpoint is { } vaultEndpoint)
        {
            privateDns.Add(vaultEndpoint.ZoneGroup);
        }

        // One identity per service account, federated with exactly that account; its pods get the webhook's label.
        WorkloadIdentity Bind(string name, string @namespace, string serviceAccount, RoleOnScope role)
        {
            var identity = new WorkloadIdentity(name, new WorkloadIdentityArgs
            {
                ResourceGroupName = resourceGroup,
                Location = location,
                IdentityName = $"id-{clusterName}-{serviceAccount}",
                OidcIssuerUrl = cluster.OidcIssuerUrl,
                Namespace = @namespace,
                ServiceAccount = serviceAccount,
                Roles = [role],
                SubscriptionId = subscriptionId,
                TenantId = tenantId,
                Tags = tags,
            });
            annotations[identity.ServiceAccountKey] = identity.Annotations;
            podLabels[identity.ServiceAccountKey] = WorkloadIdentity.PodLabels;
            return identity;
        }

        ArtifactStorage? artifactStorage = null;
        if (config.Addons.Mlflow)
        {
            var storage = artifactStorage = new ArtifactStorage("mlflow-artifacts", new ArtifactStorageArgs
            {
                ResourceGroupName = resourceGroup,
                Location = location,
                AccountName = suffix.Apply(s => AzureNames.StorageAccount($"st{clusterName}", s)),
                ZoneRedundant = production,
                PrivateEndpoint = privateEndpoints,
                Tags = tags,
            });
            artifactStoreUri = storage.Uri;
            if (storage.Endpoint is { } blobEndpoint)
            {
                privateDns.Add(blobEndpoint.ZoneGroup);
            }

            var db = new PostgresFlexibleServer("mlflow-db", new PostgresFlexibleServerArgs
            {
                ResourceGroupName = resourceGroup,
                Location = location,
                ServerName = suffix.Apply(s => AzureNames.PostgresServer($"psql-{clusterName}", s)),
                DatabaseName = MlflowDatabase,
                AdministratorLogin = MlflowDatabase,
                Sku = azure.Database.Sku,
                Tier = azure.Database.Tier,
                StorageSizeGb = azure.Database.StorageSizeGb,
                BackupRetentionDays = azure.Database.BackupRetentionDays,
                GeoRedundantBackup = production,
                ZoneRedundantHighAvailability = production,
                Version = azure.Database.Version,
                DelegatedSubnetId = network.PostgresSubnetId,
                PrivateDnsZoneId = network.PostgresDnsZoneId,
                NetworkReady = [network.PostgresDnsZoneLink],
                VaultName = vault.VaultName,
                SecretName = DatabaseSecretName,
                MaintenanceWindow = (DayNumber(window.Day), int.Parse(window.StartTime[..2], CultureInfo.InvariantCulture)),
                Tags = tags,
            });
            database = new DatabaseConnection(db.Host, db.Port, MlflowDatabase, MlflowDatabase, db.SecretName, db.Password);

            var mlflowIdentity = Bind("mlflow-identity", PlatformNamespaces.Mlflow, MlflowServiceAccount,
                new RoleOnScope(storage.ContainerId, AzureRoles.StorageBlobDataContributor, $"MLflow of {clusterName}: its artifact container only"));

            outputs["artifactStorageAccount"] = storage.AccountName;
            outputs["artifactStoreUri"] = storage.Uri;
            outputs["databaseHost"] = db.Host;
            outputs["databaseSecretName"] = db.SecretName;
            outputs["mlflowIdentityClientId"] = mlflowIdentity.ClientId;
        }

        var telemetryStorage = TelemetryContainer(config, clusterName, resourceGroup, location, suffix, privateEndpoints, artifactStorage, Bind, privateDns, tags, outputs);

        if (config.Addons.ExternalSecrets)
        {
            var secretsIdentity = Bind("external-secrets-identity", PlatformNamespaces.ExternalSecrets, ExternalSecretsServiceAccount,
                new RoleOnScope(vault.VaultId, AzureRoles.KeyVaultSecretsUser, $"external-secrets of {clusterName}: the platform's vault only"));
            outputs["externalSecretsIdentityClientId"] = secretsIdentity.ClientId;
        }

        // DNS-01 on Azure DNS: cert-manager's identity manages the record sets of the configured zone only.
        Output<ImmutableDictionary<string, object>>? acmeDns = null;
        if (TlsPlan.NeedsDnsIdentity(config) && config.Gateway.Tls!.Acme!.Dns is { ResourceGroup: { } dnsGroup } dns)
        {
            var zoneId = subscriptionId.Apply(s => TlsPlan.AzureDnsZoneId(s, dnsGroup, dns.Zone));
            var certManagerIdentity = Bind("cert-manager-identity", PlatformNamespaces.CertManager, Components.Addons.CertManager.ServiceAccountName,
                new RoleOnScope(zoneId, AzureRoles.DnsZoneContributor, $"cert-manager of {clusterName}: DNS-01 challenge records in {dns.Zone} only"));
            acmeDns = Output.Tuple(subscriptionId, certManagerIdentity.ClientId)
                .Apply(t => TlsPlan.AzureDns(t.Item1, dnsGroup, dns.Zone, t.Item2));
            outputs["certManagerIdentityClientId"] = certManagerIdentity.ClientId;
        }

        // Every Kubernetes call is authorized through Azure RBAC for the admin groups: wait for their grants.
        var kubernetes = new K8s.Provider("aks", new K8s.ProviderArgs
        {
            KubeConfig = cluster.Kubeconfig,
            EnableServerSideApply = true,
        }, new CustomResourceOptions { DependsOn = [.. cluster.AdminAccess] });

        var integration = new CloudIntegration
        {
            ImageRegistry = registry.LoginServer,
            ArtifactStoreUri = artifactStoreUri,
            TelemetryStorage = telemetryStorage,
            Database = database,
            SecretStore = new SecretStoreBackend("azure-key-vault", ImmutableDictionary<string, Input<string>>.Empty
                .Add("vaultUrl", vault.VaultUri)
                .Add("tenantId", tenantId)),
            ServiceAccountAnnotations = annotations.ToImmutable(),
            ServiceAccountPodLabels = podLabels.ToImmutable(),
            AcmeDnsProvider = acmeDns,

            // With the GPU operator, AKS installs no driver (gpuProfile.driver None) and the operator does.
            NodeImageHasGpuDriver = !config.Addons.GpuOperator,
            ClusterReady = [.. cluster.Ready, pools, .. privateDns],
            SpotNodeTaints = [AzureNodePools.SpotTaint],
            ProvidedKeda = config.Addons.Keda ? new ProvidedAddon(AksSystemNamespace) : null,
            NamespaceAllowRules = NamespaceAllowRules(config),
            StorageClasses = new CloudStorageClasses
            {
                Default = AzureDiskStorageClasses.Default(),
                Fast = AzureDiskStorageClasses.Fast(),
            },
        };

        outputs["location"] = location;
        outputs["resourceGroup"] = resourceGroup;
        outputs["clusterName"] = cluster.ClusterName;
        outputs["clusterFqdn"] = cluster.Fqdn;
        outputs["privateCluster"] = cluster.IsPrivate;
        outputs["kubeconfig"] = cluster.Kubeconfig;
        outputs["oidcIssuerUrl"] = cluster.OidcIssuerUrl;
        outputs["vnetId"] = network.VnetId;
        outputs["nodeSubnetId"] = network.NodeSubnetId;
        outputs["logAnalyticsWorkspaceId"] = logs.WorkspaceResourceId;
        outputs["keyVaultUri"] = vault.VaultUri;
        outputs["containerRegistry"] = registry.LoginServer;
        outputs["nodePools"] = AzureNodePools.Summary(config);
        return new AzurePlatform(integration, kubernetes, outputs);
    }

    /// <summary>
    /// The openings AKS needs beyond the allow matrix: the API server's calls to webhooks reach the cluster through
    /// konnectivity, whose agents run in kube-system, so every namespace serving webhooks accepts them from there too
    /// (under Cilium an ipBlock cannot select pod addresses).
    /// </summary>
    public static ImmutableDictionary<string, ImmutableArray<NetworkAllowRule>> NamespaceAllowRules(PlatformConfig config) =>
        config.Namespaces.Where(n => !n.WebhookPorts.IsEmpty).ToImmutableDictionary(
            n => n.Name,
            n => ImmutableArray.Create(new NetworkAllowRule
            {
                Name = "webhooks-from-konnectivity",
                Direction = TrafficDirection.Ingress,
                Namespaces = [ImmutableDictionary<string, string>.Empty.Add("kubernetes.io/metadata.name", AksSystemNamespace)],
                Ports = [.. n.WebhookPorts.Select(p => new NetworkPort(p))],
            }));

    /// <summary>The tags of every Azure resource of the stack (Azure tag names cannot hold <c>/</c>).</summary>
    public static ImmutableDictionary<string, string> Tags(PlatformConfig config, string clusterName) =>
        ImmutableDictionary<string, string>.Empty
            .Add("mlplatform-cluster", clusterName)
            .Add("environment", ConfigReader.Lower(config.Environment))
            .Add("managed-by", "pulumi");

    private static int DayNumber(string day) =>
        Array.IndexOf(["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"], day) is var index and >= 0 ? index : 0;

    [GeneratedRegex(@"\A[a-z][a-z0-9-]{0,38}[a-z0-9]\z")]
    private static partial Regex ValidClusterName();
}

/// <summary>What the Azure layer hands on: the shared layers' integration, the cluster's provider, and its stack outputs.</summary>
/// <param name="Integration">Storage, database, secret store, identities and readiness for the shared layers.</param>
/// <param name="Kubernetes">The provider of the AKS cluster.</param>
/// <param name="Outputs">The Azure stack outputs (cluster, network, identities, storage, node pools).</param>
public sealed record AzurePlatform(CloudIntegration Integration, K8s.Provider Kubernetes, Dictionary<string, object?> Outputs);
