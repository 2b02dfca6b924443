using System.Collections.Immutable;
using Pulumi;
using Pulumi.AzureNative.Authorization;
using Pulumi.AzureNative.ContainerService;
using Pulumi.AzureNative.ContainerService.Inputs;
using Pulumi.AzureNative.ManagedIdentity;
using Pulumi.AzureNative.Monitor;
using Pulumi.AzureNative.Monitor.Inputs;
using ResourceIdentityType = Pulumi.AzureNative.ContainerService.ResourceIdentityType;
using UserAssignedIdentityArgs = Pulumi.AzureNative.ManagedIdentity.UserAssignedIdentityArgs;

namespace MlPlatform.Components.Azure;

/// <summary>The AKS system pool: the critical add-ons only, over three zones.</summary>
/// <param name="VmSize">VM size (with a local disk: the OS disk is ephemeral).</param>
/// <param name="Min">Fewest nodes.</param>
/// <param name="Max">Most nodes.</param>
/// <param name="Desired">Nodes at creation.</param>
/// <param name="Os">The node operating system.</param>
/// <param name="EncryptionAtHost">Encrypt the VMs' temp and cache disks on the host (sizes that support it).</param>
/// <param name="OsDiskSizeGb">The ephemeral OS disk's size; it must fit the size's local disk.</param>
public sealed record AksSystemPool(string VmSize, int Min, int Max, int Desired, AzureNodeOs Os, bool EncryptionAtHost = true, int OsDiskSizeGb = 100);

/// <summary>Inputs of <see cref="AksCluster"/>.</summary>
public sealed class AksClusterArgs
{
    /// <summary>The cluster's name (also its DNS prefix).</summary>
    public required string Name { get; init; }

    /// <summary>The resource group.</summary>
    public required Input<string> ResourceGroupName { get; init; }

    /// <summary>The Azure location.</summary>
    public required string Location { get; init; }

    /// <summary>The pinned Kubernetes version (<c>major.minor</c>: AKS takes its latest patch, and the patch channel follows).</summary>
    public required string KubernetesVersion { get; init; }

    /// <summary>The subscription (role definitions).</summary>
    public required Input<string> SubscriptionId { get; init; }

    /// <summary>The Entra ID tenant of the cluster's users.</summary>
    public required Input<string> TenantId { get; init; }

    /// <summary>The VNet (the control plane identity manages its subnets).</summary>
    public required Input<string> VnetId { get; init; }

    /// <summary>The node subnet.</summary>
    public required Input<string> NodeSubnetId { get; init; }

    /// <summary>Entra ID groups granted cluster admin.</summary>
    public required ImmutableArray<string> AdminGroupObjectIds { get; init; }

    /// <summary>Where the public API server may be reached from; empty makes the cluster private.</summary>
    public ImmutableArray<string> AuthorizedIpRanges { get; init; } = [];

    /// <summary>The system pool.</summary>
    public required AksSystemPool SystemPool { get; init; }

    /// <summary>The Log Analytics workspace of Container Insights and the control-plane logs.</summary>
    public required Input<string> WorkspaceResourceId { get; init; }

    /// <summary>The weekly maintenance window (UTC) of patch upgrades and node image updates.</summary>
    public required (string Day, string StartTime, int DurationHours) MaintenanceWindow { get; init; }

    /// <summary>The Standard tier (financially backed API server SLA) rather than Free.</summary>
    public bool StandardTier { get; init; }

    /// <summary>Pod addresses (CNI Overlay).</summary>
    public required string PodCidr { get; init; }

    /// <summary>Service addresses.</summary>
    public required string ServiceCidr { get; init; }

    /// <summary>The cluster DNS Service address.</summary>
    public required string DnsServiceIp { get; init; }

    /// <summary>Run KEDA as the AKS managed add-on.</summary>
    public bool Keda { get; init; } = true;

    /// <summary>How the Kubernetes provider's kubelogin signs in.</summary>
    public KubeloginMode KubeloginMode { get; init; } = KubeloginMode.AzureCli;

    /// <summary>Tags.</summary>
    public ImmutableDictionary<string, string> Tags { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// An AKS cluster locked down by default: Entra ID with Azure RBAC for Kubernetes and local accounts off (only the
/// admin groups get cluster admin), a private API server unless authorized ranges are given, Azure CNI Overlay with
/// the Cilium dataplane enforcing NetworkPolicies, the OIDC issuer and workload identity, the patch upgrade channel
/// and node image updates in a maintenance window, Container Insights and the control-plane logs in Log Analytics,
/// KEDA as the managed add-on, a user-assigned control plane identity that may manage the VNet, and a system pool
/// in three zones that runs critical add-ons only.
/// </summary>
public sealed class AksCluster : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:azure:AksCluster";

    /// <summary>The system pool's name.</summary>
    public const string SystemPoolName = "system";

    /// <summary>The taint that keeps everything but critical add-ons off the system pool.</summary>
    public const string SystemPoolTaint = "CriticalAddonsOnly=true:NoSchedule";

    /// <summary>The node label of the system pool.</summary>
    public const string SystemNodeLabel = "mlplatform.io/node-role";

    /// <summary>The add-on key of Container Insights in <c>addonProfiles</c>.</summary>
    public const string ContainerInsightsAddon = "omsagent";

    /// <summary>The Container Insights stream the data collection rule sends to Log Analytics.</summary>
    public const string ContainerInsightsStream = "Microsoft-ContainerInsights-Group-Default";

    /// <summary>The control-plane log categories sent to Log Analytics (<c>kube-audit-admin</c>: every change, not every read).</summary>
    public static ImmutableArray<string> ControlPlaneLogCategories { get; } =
        ["kube-apiserver", "kube-audit-admin", "kube-controller-manager", "kube-scheduler", "cluster-autoscaler", "guard"];

    /// <summary>The names AKS gives the maintenance configurations of the two upgrade channels.</summary>
    public static ImmutableArray<string> MaintenanceConfigurations { get; } = ["aksManagedAutoUpgradeSchedule", "aksManagedNodeOSUpgradeSchedule"];

    /// <summary>Creates the cluster.</summary>
    public AksCluster(string name, AksClusterArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var child = new CustomResourceOptions { Parent = this };
        var tags = AzureTags.Of(args.Tags);

        // A user-assigned control plane identity can be granted the VNet before the cluster exists; a system-assigned
        // one would be created with the cluster, too late for its first load balancer and node NICs.
        var controlPlane = new UserAssignedIdentity($"{name}-control-plane", new UserAssignedIdentityArgs
        {
            ResourceGroupName = args.ResourceGroupName,
            ResourceName = $"id-{args.Name}-control-plane",
            Location = args.Location,
            Tags = tags,
        }, child);
        var networkGrant = RoleGrants.Create($"{name}-control-plane-network", args.VnetId, AzureRoles.NetworkContributor,
            controlPlane.PrincipalId, PrincipalType.ServicePrincipal, args.SubscriptionId,
            $"The AKS control plane of {args.Name} manages node NICs and internal load balancers in its VNet", child);

        var isPrivate = args.AuthorizedIpRanges.IsEmpty;
        var apiServer = new ManagedClusterAPIServerAccessProfileArgs
        {
            EnablePrivateCluster = isPrivate,
        };
        if (isPrivate)
        {
            apiServer.PrivateDNSZone = "system";

            // No public DNS record pointing at the private address: the name resolves only through the VNet's private zone.
            apiServer.EnablePrivateClusterPublicFQDN = false;
        }
        else
        {
            apiServer.AuthorizedIPRanges = [.. args.AuthorizedIpRanges];
        }

        Cluster = new ManagedCluster(name, new ManagedClusterArgs
        {
            ResourceGroupName = args.ResourceGroupName,
            ResourceName = args.Name,
            Location = args.Location,
            DnsPrefix = args.Name,
            KubernetesVersion = args.KubernetesVersion,
            NodeResourceGroup = $"rg-{args.Name}-nodes",
            Sku = new ManagedClusterSKUArgs
            {
                Name = ManagedClusterSKUName.Base,
                Tier = args.StandardTier ? ManagedClusterSKUTier.Standard : ManagedClusterSKUTier.Free,
            },
            Identity = new ManagedClusterIdentityArgs
            {
                Type = ResourceIdentityType.UserAssigned,
                UserAssignedIdentities = { controlPlane.Id },
            },
            EnableRBAC = true,
            AadProfile = new ManagedClusterAADProfileArgs
            {
                Managed = true,
                EnableAzureRBAC = true,
                TenantID = args.TenantId,
                AdminGroupObjectIDs = [.. args.AdminGroupObjectIds],
            },
            DisableLocalAccounts = true,
            ApiServerAccessProfile = apiServer,
            NetworkProfile = new ContainerServiceNetworkProfileArgs
            {
                NetworkPlugin = NetworkPlugin.Azure,
                NetworkPluginMode = NetworkPluginMode.Overlay,
                NetworkDataplane = NetworkDataplane.Cilium,
                NetworkPolicy = NetworkPolicy.Cilium,
                PodCidr = args.PodCidr,
                ServiceCidr = args.ServiceCidr,
                DnsServiceIP = args.DnsServiceIp,
                LoadBalancerSku = LoadBalancerSku.Standard,
                OutboundType = OutboundType.LoadBalancer,
            },
            OidcIssuerProfile = new ManagedClusterOIDCIssuerProfileArgs { Enabled = true },
            SecurityProfile = new ManagedClusterSecurityProfileArgs
            {
                WorkloadIdentity = new ManagedClusterSecurityProfileWorkloadIdentityArgs { Enabled = true },
                ImageCleaner = new ManagedClusterSecurityProfileImageCleanerArgs { Enabled = true, IntervalHours = 168 },
            },
            AutoUpgradeProfile = new ManagedClusterAutoUpgradeProfileArgs
            {
                UpgradeChannel = UpgradeChannel.Patch,
                NodeOSUpgradeChannel = NodeOSUpgradeChannel.NodeImage,
            },
            AutoScalerProfile = AutoscalerProfile(),
            WorkloadAutoScalerProfile = new ManagedClusterWorkloadAutoScalerProfileArgs
            {
                Keda = new ManagedClusterWorkloadAutoScalerProfileKedaArgs { Enabled = args.Keda },
            },
            AddonProfiles =
            {
                [ContainerInsightsAddon] = new ManagedClusterAddonProfileArgs
                {
                    Enabled = true,
                    Config =
                    {
                        ["logAnalyticsWorkspaceResourceID"] = args.WorkspaceResourceId,

                        // The agent authenticates with its managed identity (the workspace has no shared keys).
                        ["useAADAuth"] = "true",
                    },
                },
            },
            AgentPoolProfiles = { SystemPoolProfile(args) },
            Tags = tags,
        }, new CustomResourceOptions
        {
            Parent = this,
            DependsOn = { networkGrant },

            // The cluster autoscaler owns the system pool's count between min and max.
            IgnoreChanges = { "agentPoolProfiles[0].count" },
        });

        ClusterName = Cluster.Name;
        ClusterId = Cluster.Id;
        Fqdn = isPrivate ? Cluster.PrivateFQDN : Cluster.Fqdn;
        OidcIssuerUrl = Cluster.OidcIssuerProfile.Apply(p => p?.IssuerURL ?? string.Empty);
        KubeletObjectId = Cluster.IdentityProfile.Apply(p => p is not null && p.TryGetValue("kubeletidentity", out var kubelet) ? kubelet.ObjectId ?? string.Empty : string.Empty);
        IsPrivate = isPrivate;

        var clusterChild = new CustomResourceOptions { Parent = this, DependsOn = { Cluster } };
        var maintenance = MaintenanceConfigurations.Select(config => new MaintenanceConfiguration($"{name}-{config}", new MaintenanceConfigurationArgs
        {
            ResourceGroupName = args.ResourceGroupName,
            ResourceName = Cluster.Name,
            ConfigName = config,
            MaintenanceWindow = new MaintenanceWindowArgs
            {
                Schedule = new ScheduleArgs { Weekly = new WeeklyScheduleArgs { DayOfWeek = args.MaintenanceWindow.Day, IntervalWeeks = 1 } },
                DurationHours = args.MaintenanceWindow.DurationHours,
                StartTime = args.MaintenanceWindow.StartTime,
                UtcOffset = "+00:00",
            },
        }, clusterChild)).ToList();

        // Container Insights with managed identity authentication sends through a data collection rule of its own.
        var insightsRule = new DataCollectionRule($"{name}-container-insights", new DataCollectionRuleArgs
        {
            ResourceGroupName = args.ResourceGroupName,
            DataCollectionRuleName = $"MSCI-{args.Location}-{args.Name}",
            Location = args.Location,
            Kind = KnownDataCollectionRuleResourceKind.Linux,
            Description = $"Container Insights of {args.Name}",
            DataSources = new DataCollectionRuleDataSourcesArgs
            {
                Extensions =
                {
                    new ExtensionDataSourceArgs
                    {
                        Name = "ContainerInsightsExtension",
                        ExtensionName = "ContainerInsights",
                        Streams = { Union<string, KnownExtensionDataSourceStreams>.FromT0(ContainerInsightsStream) },
                        ExtensionSettings = new Dictionary<string, object>
                        {
                            ["dataCollectionSettings"] = new Dictionary<string, object>
                            {
                                ["interval"] = "1m",
                                ["namespaceFilteringMode"] = "Off",
                                ["enableContainerLogV2"] = true,
                            },
                        },
                    },
                },
            },
            Destinations = new DataCollectionRuleDestinationsArgs
            {
                LogAnalytics = { new LogAnalyticsDestinationArgs { Name = "workspace", WorkspaceResourceId = args.WorkspaceResourceId } },
            },
            DataFlows =
            {
                new DataFlowArgs
                {
                    Streams = { Union<string, KnownDataFlowStreams>.FromT0(ContainerInsightsStream) },
                    Destinations = { "workspace" },
                },
            },
            Tags = tags,
        }, child);
        var insightsAssociation = new DataCollectionRuleAssociation($"{name}-container-insights", new DataCollectionRuleAssociationArgs
        {
            AssociationName = "ContainerInsightsExtension",
            ResourceUri = Cluster.Id,
            DataCollectionRuleId = insightsRule.Id,
            Description = "Container Insights: container logs, inventory and performance",
        }, clusterChild);

        _ = new DiagnosticSetting($"{name}-control-plane-logs", new DiagnosticSettingArgs
        {
            Name = "control-plane-to-log-analytics",
            ResourceUri = Cluster.Id,
            WorkspaceId = args.WorkspaceResourceId,
            LogAnalyticsDestinationType = "Dedicated",
            Logs = [.. ControlPlaneLogCategories.Select(c => new DiagnosticsLogSettingsArgs { Category = c, Enabled = true })],
        }, clusterChild);

        // Azure RBAC for Kubernetes authorizes the admin groups too (Kubernetes RBAC binds them through the AAD profile).
        var adminGrants = args.AdminGroupObjectIds.Select((group, i) => (Resource)RoleGrants.Create($"{name}-admin-{i}", Cluster.Id,
            AzureRoles.AksRbacClusterAdmin, group, PrincipalType.Group, args.SubscriptionId,
            $"Cluster admins of {args.Name}", clusterChild)).ToImmutableArray();
        AdminAccess = adminGrants;

        // The user credentials of an Entra ID cluster hold no secret (kubelogin fetches a token); only the server
        // and CA are taken from them.
        var credentials = ListManagedClusterUserCredentials.Invoke(new ListManagedClusterUserCredentialsInvokeArgs
        {
            ResourceGroupName = args.ResourceGroupName,
            ResourceName = Cluster.Name,
        }, new InvokeOptions { Parent = this });
        Kubeconfig = credentials.Apply(c =>
        {
            var kubeconfig = c.Kubeconfigs.FirstOrDefault()
                ?? throw new InvalidOperationException($"AKS returned no user kubeconfig for {args.Name}.");
            var (server, ca) = AksKubeconfig.ClusterOf(kubeconfig.Value);
            return AksKubeconfig.Build(args.Name, server, ca, args.KubeloginMode);
        });

        Ready = [Cluster, insightsAssociation, .. maintenance, .. adminGrants];

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["clusterName"] = ClusterName,
            ["clusterId"] = ClusterId,
            ["fqdn"] = Fqdn,
            ["oidcIssuerUrl"] = OidcIssuerUrl,
        });
    }

    /// <summary>The managed cluster.</summary>
    public ManagedCluster Cluster { get; }

    /// <summary>The cluster's name.</summary>
    public Output<string> ClusterName { get; }

    /// <summary>The cluster's resource id.</summary>
    public Output<string> ClusterId { get; }

    /// <summary>The API server's host name (the private one for a private cluster).</summary>
    public Output<string> Fqdn { get; }

    /// <summary>True when the API server has only a private endpoint.</summary>
    public bool IsPrivate { get; }

    /// <summary>The OIDC issuer federated credentials trust.</summary>
    public Output<string> OidcIssuerUrl { get; }

    /// <summary>The object id of the kubelet identity AKS created (image pulls).</summary>
    public Output<string> KubeletObjectId { get; }

    /// <summary>The admin groups' role assignments.</summary>
    public ImmutableArray<Resource> AdminAccess { get; }

    /// <summary>A kubeconfig whose user gets a token from <c>kubelogin</c> (no credentials in it).</summary>
    public Output<string> Kubeconfig { get; }

    /// <summary>Everything that must exist before Kubernetes objects are created.</summary>
    public ImmutableArray<Resource> Ready { get; }

    /// <summary>The cluster autoscaler profile, tuned for GPU pools that scale from and to zero.</summary>
    public static ManagedClusterPropertiesAutoScalerProfileArgs AutoscalerProfile() => new()
    {
        // Fit pending pods on the pool that wastes the least CPU and memory: no 8-GPU node for a 1-GPU pod.
        Expander = Expander.Least_waste,
        BalanceSimilarNodeGroups = "true",

        // GPU VMs take long to start and to pull CUDA images: give them time, and keep a new one a while.
        MaxNodeProvisionTime = "20m",
        ScaleDownDelayAfterAdd = "15m",
        ScaleDownUnneededTime = "10m",
        ScaleDownUtilizationThreshold = "0.5",

        // Model servers keep caches in emptyDir volumes; they must not pin an idle GPU node.
        SkipNodesWithLocalStorage = "false",
        MaxGracefulTerminationSec = "600",
        ScanInterval = "10s",
    };

    private static ManagedClusterAgentPoolProfileArgs SystemPoolProfile(AksClusterArgs args)
    {
        var pool = args.SystemPool;
        return new ManagedClusterAgentPoolProfileArgs
        {
            Name = SystemPoolName,
            Mode = AgentPoolMode.System,
            VmSize = pool.VmSize,
            OsType = OSType.Linux,
            OsSKU = pool.Os.OsSku(),
            OsDiskType = OSDiskType.Ephemeral,
            OsDiskSizeGB = pool.OsDiskSizeGb,
            EnableEncryptionAtHost = pool.EncryptionAtHost,
            EnableAutoScaling = true,
            MinCount = pool.Min,
            MaxCount = pool.Max,
            Count = pool.Desired,
            AvailabilityZones = { "1", "2", "3" },
            VnetSubnetID = args.NodeSubnetId,
            OrchestratorVersion = args.KubernetesVersion,
            NodeTaints = { SystemPoolTaint },
            NodeLabels = { [SystemNodeLabel] = "system" },
            UpgradeSettings = new AgentPoolUpgradeSettingsArgs { MaxSurge = "33%" },
            Tags = AzureTags.Of(args.Tags),
        };
    }
}
