using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Pulumi;
using Pulumi.Gcp.Compute;
using Pulumi.Gcp.Compute.Inputs;
using Pulumi.Gcp.Container;
using Pulumi.Gcp.Container.Inputs;
using Pulumi.Gcp.ServiceAccount;
using ProjectIamMember = Pulumi.Gcp.Projects.IAMMember;
using ProjectIamMemberArgs = Pulumi.Gcp.Projects.IAMMemberArgs;

namespace MlPlatform.Components.Gcp;

/// <summary>A cluster-wide Node Auto-Provisioning limit: <c>cpu</c>, <c>memory</c> (GB) or a GKE accelerator type.</summary>
/// <param name="ResourceType">The resource, e.g. <c>cpu</c> or <c>nvidia-l4</c>.</param>
/// <param name="Maximum">The most of it the cluster may have, over every node pool.</param>
public sealed record AutoscalingLimit(string ResourceType, int Maximum);

/// <summary>Inputs of <see cref="GkeCluster"/>.</summary>
public sealed class GkeClusterArgs
{
    /// <summary>The cluster name.</summary>
    public required string Name { get; init; }

    /// <summary>The project.</summary>
    public required string ProjectId { get; init; }

    /// <summary>The region of a regional cluster, or the zone of a zonal one.</summary>
    public required string Location { get; init; }

    /// <summary>The pinned Kubernetes minor version (GKE takes the release channel's newest patch of it).</summary>
    public required string KubernetesVersion { get; init; }

    /// <summary>The release channel, <c>REGULAR</c> or <c>STABLE</c>.</summary>
    public string ReleaseChannel { get; init; } = "REGULAR";

    /// <summary>The VPC.</summary>
    public required Input<string> NetworkId { get; init; }

    /// <summary>The nodes' subnet.</summary>
    public required Input<string> SubnetworkId { get; init; }

    /// <summary>The subnet's secondary range of the pods.</summary>
    public string PodsRangeName { get; init; } = GcpNetwork.PodsRangeName;

    /// <summary>The subnet's secondary range of the Services.</summary>
    public string ServicesRangeName { get; init; } = GcpNetwork.ServicesRangeName;

    /// <summary>The /28 of the private control plane.</summary>
    public required string MasterCidr { get; init; }

    /// <summary>
    /// Who may reach the public endpoint; empty disables the public endpoint (the private one, reachable from the VPC
    /// and connected networks in any region, is the only one).
    /// </summary>
    public ImmutableArray<string> MasterAuthorizedNetworks { get; init; } = [];

    /// <summary>The Cloud KMS key of application-layer secrets encryption.</summary>
    public required Input<string> SecretsKeyId { get; init; }

    /// <summary>The Cloud KMS key of the nodes' boot disks (auto-provisioned ones too).</summary>
    public required Input<string> BootDiskKeyId { get; init; }

    /// <summary>Node Auto-Provisioning's cluster-wide limits; <c>cpu</c> and <c>memory</c> are required.</summary>
    public required ImmutableArray<AutoscalingLimit> AutoscalingLimits { get; init; }

    /// <summary>Scale down more aggressively (<c>optimize-utilization</c>): GPU nodes are too expensive to idle.</summary>
    public bool OptimizeUtilization { get; init; }

    /// <summary>Ports on pods the control plane calls (admission webhooks) beyond the 443 and 10250 GKE opens itself.</summary>
    public ImmutableArray<int> WebhookPorts { get; init; } = [];

    /// <summary>GKE's managed DCGM metrics of GPU nodes (Managed Service for Prometheus); for clusters with GPU pools.</summary>
    public bool GpuMetrics { get; init; }

    /// <summary>Enforce the project's Binary Authorization policy on every pod (production).</summary>
    public bool BinaryAuthorization { get; init; }

    /// <summary>Refuse to delete the cluster (production).</summary>
    public bool DeletionProtection { get; init; }

    /// <summary>The weekly maintenance window: (start, end) as RFC 3339 times of a first occurrence, and the recurrence.</summary>
    public (string Start, string End, string Recurrence) MaintenanceWindow { get; init; } =
        ("2025-01-04T02:00:00Z", "2025-01-04T08:00:00Z", "FREQ=WEEKLY;BYDAY=SA,SU");
}

/// <summary>
/// A GKE Standard cluster locked down by default: private nodes (and, unless authorized networks are given, only a
/// private endpoint), Dataplane V2 (Cilium: NetworkPolicies enforced), workload identity, shielded nodes with
/// secure boot, application-layer secrets encryption with Cloud KMS, a dedicated least-privilege node service
/// account (never the Compute Engine default), Node Auto-Provisioning with limits, a maintenance window, and no
/// default node pool: the node pools are <see cref="GkeNodePools"/>.
/// </summary>
public sealed class GkeCluster : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:gcp:GkeCluster";

    /// <summary>The OAuth scope of nodes: access is decided by IAM roles, not scopes.</summary>
    public const string CloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";

    /// <summary>The node image of every node pool, auto-provisioned ones included.</summary>
    public const string NodeImage = "COS_CONTAINERD";

    /// <summary>
    /// The node service account's project roles: GKE's documented minimum for nodes (write logs and metrics, read
    /// monitoring config, publish resource metadata). Image pulls are granted per repository.
    /// </summary>
    public static ImmutableArray<string> NodeRoles { get; } = ["roles/container.defaultNodeServiceAccount"];

    /// <summary>The ports GKE's own firewall rules open from the control plane to the nodes of a private cluster.</summary>
    public static ImmutableArray<int> GkeOpenedPorts { get; } = [443, 10250];

    /// <summary>Creates the cluster.</summary>
    public GkeCluster(string name, GkeClusterArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var child = new CustomResourceOptions { Parent = this };

        var nodeAccount = new Account($"{name}-nodes", new AccountArgs
        {
            AccountId = GcpNames.ServiceAccountId(args.Name, "nodes"),
            Project = args.ProjectId,
            DisplayName = $"Nodes of {args.Name}",
            Description = $"The nodes of GKE cluster {args.Name}: logs, metrics and image pulls only",
        }, child);
        NodeServiceAccountEmail = nodeAccount.Email;
        NodeRoleGrants = [.. NodeRoles.Select(role => (Resource)new ProjectIamMember($"{name}-nodes-{role.Split('/')[1]}", new ProjectIamMemberArgs
        {
            Project = args.ProjectId,
            Role = role,
            Member = nodeAccount.Email.Apply(email => $"serviceAccount:{email}"),
        }, child))];

        var publicEndpoint = !args.MasterAuthorizedNetworks.IsEmpty;
        var shielded = new ClusterNodeConfigShieldedInstanceConfigArgs { EnableSecureBoot = true, EnableIntegrityMonitoring = true };
        Cluster = new Cluster(name, new ClusterArgs
        {
            Name = args.Name,
            Project = args.ProjectId,
            Location = args.Location,
            Description = $"The ML platform cluster {args.Name}",
            Network = args.NetworkId,
            Subnetwork = args.SubnetworkId,
            NetworkingMode = "VPC_NATIVE",
            IpAllocationPolicy = new ClusterIpAllocationPolicyArgs
            {
                ClusterSecondaryRangeName = args.PodsRangeName,
                ServicesSecondaryRangeName = args.ServicesRangeName,
                StackType = "IPV4",
            },

            // The default pool would run with the Compute Engine default service account until it is removed:
            // give it the node account too.
            RemoveDefaultNodePool = true,
            InitialNodeCount = 1,
            NodeConfig = new ClusterNodeConfigArgs
            {
                ServiceAccount = nodeAccount.Email,
                OauthScopes = { CloudPlatformScope },
                ImageType = NodeImage,
                ShieldedInstanceConfig = shielded,
                WorkloadMetadataConfig = new ClusterNodeConfigWorkloadMetadataConfigArgs { Mode = "GKE_METADATA" },
                BootDiskKmsKey = args.BootDiskKeyId,
            },
            ReleaseChannel = new ClusterReleaseChannelArgs { Channel = args.ReleaseChannel },
            MinMasterVersion = args.KubernetesVersion,
            PrivateClusterConfig = new ClusterPrivateClusterConfigArgs
            {
                EnablePrivateNodes = true,
                EnablePrivateEndpoint = !publicEndpoint,
                MasterIpv4CidrBlock = args.MasterCidr,
                // The private endpoint answers from every region of the VPC and over VPN / Interconnect.
                MasterGlobalAccessConfig = new ClusterPrivateClusterConfigMasterGlobalAccessConfigArgs { Enabled = true },
            },
            MasterAuthorizedNetworksConfig = new ClusterMasterAuthorizedNetworksConfigArgs
            {
                CidrBlocks = [.. args.MasterAuthorizedNetworks.Select(cidr => new ClusterMasterAuthorizedNetworksConfigCidrBlockArgs
                {
                    CidrBlock = cidr,
                    DisplayName = $"authorized {cidr}",
                })],
                // Not every address of Google Cloud (other customers' VMs included): only the networks above.
                GcpPublicCidrsAccessEnabled = false,
            },
            // Dataplane V2 (eBPF, Cilium) enforces NetworkPolicies itself; the Calico add-on must stay off.
            DatapathProvider = "ADVANCED_DATAPATH",
            WorkloadIdentityConfig = new ClusterWorkloadIdentityConfigArgs { WorkloadPool = $"{args.ProjectId}.svc.id.goog" },
            EnableShieldedNodes = true,
            EnableLegacyAbac = false,
            DatabaseEncryption = new ClusterDatabaseEncryptionArgs { State = "ENCRYPTED", KeyName = args.SecretsKeyId },
            BinaryAuthorization = new ClusterBinaryAuthorizationArgs
            {
                EvaluationMode = args.BinaryAuthorization ? "PROJECT_SINGLETON_POLICY_ENFORCE" : "DISABLED",
            },
            MaintenancePolicy = new ClusterMaintenancePolicyArgs
            {
                RecurringWindow = new ClusterMaintenancePolicyRecurringWindowArgs
                {
                    StartTime = args.MaintenanceWindow.Start,
                    EndTime = args.MaintenanceWindow.End,
                    Recurrence = args.MaintenanceWindow.Recurrence,
                },
            },
            ClusterAutoscaling = new ClusterClusterAutoscalingArgs
            {
                Enabled = true,
                AutoscalingProfile = args.OptimizeUtilization ? "OPTIMIZE_UTILIZATION" : "BALANCED",
                ResourceLimits = [.. args.AutoscalingLimits.Select(limit => new ClusterClusterAutoscalingResourceLimitArgs
                {
                    ResourceType = limit.ResourceType,
                    Minimum = 0,
                    Maximum = limit.Maximum,
                })],
                AutoProvisioningDefaults = new ClusterClusterAutoscalingAutoProvisioningDefaultsArgs
                {
                    ServiceAccount = nodeAccount.Email,
                    OauthScopes = { CloudPlatformScope },
                    ImageType = NodeImage,
                    DiskType = "pd-balanced",
                    DiskSize = 100,
                    BootDiskKmsKey = args.BootDiskKeyId,
                    ShieldedInstanceConfig = new ClusterClusterAutoscalingAutoProvisioningDefaultsShieldedInstanceConfigArgs
                    {
                        EnableSecureBoot = true,
                        EnableIntegrityMonitoring = true,
                    },
                    Management = new ClusterClusterAutoscalingAutoProvisioningDefaultsManagementArgs { AutoRepair = true, AutoUpgrade = true },
                    UpgradeSettings = new ClusterClusterAutoscalingAutoProvisioningDefaultsUpgradeSettingsArgs
                    {
                        Strategy = "SURGE",
                        MaxSurge = 1,
                        MaxUnavailable = 0,
                    },
                },
            },
            // The kubelet's unauthenticated read-only port (10255) stays closed on every node.
            NodePoolDefaults = new ClusterNodePoolDefaultsArgs
            {
                NodeConfigDefaults = new ClusterNodePoolDefaultsNodeConfigDefaultsArgs { InsecureKubeletReadonlyPortEnabled = "FALSE" },
            },
            LoggingConfig = new ClusterLoggingConfigArgs
            {
                EnableComponents = { "SYSTEM_COMPONENTS", "WORKLOADS", "APISERVER", "CONTROLLER_MANAGER", "SCHEDULER" },
            },
            // The platform runs its own Prometheus; Google's managed collection only for GKE's DCGM metrics of GPU nodes.
            MonitoringConfig = new ClusterMonitoringConfigArgs
            {
                EnableComponents = args.GpuMetrics ? ["SYSTEM_COMPONENTS", "DCGM"] : ["SYSTEM_COMPONENTS"],
                ManagedPrometheus = new ClusterMonitoringConfigManagedPrometheusArgs { Enabled = args.GpuMetrics },
            },
            AddonsConfig = new ClusterAddonsConfigArgs
            {
                HttpLoadBalancing = new ClusterAddonsConfigHttpLoadBalancingArgs { Disabled = false },
                GcePersistentDiskCsiDriverConfig = new ClusterAddonsConfigGcePersistentDiskCsiDriverConfigArgs { Enabled = true },
                NetworkPolicyConfig = new ClusterAddonsConfigNetworkPolicyConfigArgs { Disabled = true },
            },
            // Envoy Gateway installs and owns the Gateway API CRDs; GKE's own Gateway controller would fight over them.
            GatewayApiConfig = new ClusterGatewayApiConfigArgs { Channel = "CHANNEL_DISABLED" },
            CostManagementConfig = new ClusterCostManagementConfigArgs { Enabled = true },
            DeletionProtection = args.DeletionProtection,
        }, new CustomResourceOptions
        {
            Parent = this,
            DependsOn = [.. NodeRoleGrants],
            // Both describe only the default pool, deleted right after creation: a later read must not replace the cluster.
            IgnoreChanges = ["nodeConfig", "initialNodeCount"],
        });

        ClusterName = Cluster.Name;
        ClusterId = Cluster.Id;
        Endpoint = Cluster.Endpoint;
        CertificateAuthority = Cluster.MasterAuth.Apply(auth => auth.ClusterCaCertificate ?? string.Empty);

        var extraPorts = args.WebhookPorts.Except(GkeOpenedPorts).Distinct().Order().ToList();
        if (extraPorts.Count > 0)
        {
            WebhookFirewall = new Firewall($"{name}-webhooks", new FirewallArgs
            {
                Name = $"{args.Name}-control-plane-webhooks",
                Project = args.ProjectId,
                Network = args.NetworkId,
                Description = $"The control plane of {args.Name} calls admission webhooks on these ports (GKE opens only 443 and 10250)",
                Direction = "INGRESS",
                Priority = 1000,
                SourceRanges = { args.MasterCidr },
                TargetServiceAccounts = { nodeAccount.Email },
                Allows = { new FirewallAllowArgs { Protocol = "tcp", Ports = [.. extraPorts.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture))] } },
                LogConfig = new FirewallLogConfigArgs { Metadata = "EXCLUDE_ALL_METADATA" },
            }, child);
        }

        Kubeconfig = Output.Tuple(Endpoint, CertificateAuthority)
            .Apply(t => BuildKubeconfig(args.ProjectId, args.Location, args.Name, t.Item1, t.Item2));

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["clusterName"] = ClusterName,
            ["endpoint"] = Endpoint,
            ["nodeServiceAccount"] = NodeServiceAccountEmail,
        });
    }

    /// <summary>The GKE cluster.</summary>
    public Cluster Cluster { get; }

    /// <summary>The cluster's name.</summary>
    public Output<string> ClusterName { get; }

    /// <summary>The cluster's ID (<c>projects/&lt;p&gt;/locations/&lt;l&gt;/clusters/&lt;name&gt;</c>).</summary>
    public Output<string> ClusterId { get; }

    /// <summary>The API endpoint's IP address (the private one when the public endpoint is off).</summary>
    public Output<string> Endpoint { get; }

    /// <summary>The cluster CA certificate (base64 PEM).</summary>
    public Output<string> CertificateAuthority { get; }

    /// <summary>The nodes' service account.</summary>
    public Output<string> NodeServiceAccountEmail { get; }

    /// <summary>The node account's project roles: node pools wait for them.</summary>
    public ImmutableArray<Resource> NodeRoleGrants { get; }

    /// <summary>The firewall rule for webhook ports GKE does not open; null when there are none.</summary>
    public Firewall? WebhookFirewall { get; }

    /// <summary>A kubeconfig whose user gets tokens from <c>gke-gcloud-auth-plugin</c> (no credentials in it).</summary>
    public Output<string> Kubeconfig { get; }

    /// <summary>
    /// The kubeconfig of a GKE cluster, authenticating with <c>gke-gcloud-auth-plugin</c> (the caller's gcloud or
    /// application default credentials), named as <c>gcloud container clusters get-credentials</c> names it.
    /// </summary>
    public static string BuildKubeconfig(string projectId, string location, string clusterName, string endpoint, string certificateAuthority)
    {
        var context = $"gke_{projectId}_{location}_{clusterName}";
        var user = new JsonObject
        {
            ["exec"] = new JsonObject
            {
                ["apiVersion"] = "client.authentication.k8s.io/v1beta1",
                ["command"] = "gke-gcloud-auth-plugin",
                ["installHint"] = "Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin (see https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin)",
                ["provideClusterInfo"] = true,
                ["interactiveMode"] = "Never",
            },
        };
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Config",
            ["clusters"] = new JsonArray(new JsonObject
            {
                ["name"] = context,
                ["cluster"] = new JsonObject { ["server"] = $"https://{endpoint}", ["certificate-authority-data"] = certificateAuthority },
            }),
            ["users"] = new JsonArray(new JsonObject { ["name"] = context, ["user"] = user }),
            ["contexts"] = new JsonArray(new JsonObject
            {
                ["name"] = context,
                ["context"] = new JsonObject { ["cluster"] = context, ["user"] = context },
            }),
            ["current-context"] = context,
        }.ToJsonString();
    }
}
