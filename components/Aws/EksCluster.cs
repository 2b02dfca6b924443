using System.Collections.Immutable;
using MlPlatform.Components.Kubernetes;
using Pulumi;
using Pulumi.Aws.CloudWatch;
using Pulumi.Aws.Ec2;
using Pulumi.Aws.Ec2.Inputs;
using Pulumi.Aws.Eks;
using Pulumi.Aws.Eks.Inputs;
using Pulumi.Aws.Iam;
using Pulumi.Aws.Kms;

namespace MlPlatform.Components.Aws;

/// <summary>The on-demand managed node group that runs the platform's controllers.</summary>
/// <param name="InstanceType">EC2 instance type.</param>
/// <param name="Min">Fewest nodes.</param>
/// <param name="Max">Most nodes.</param>
/// <param name="Desired">Nodes at creation.</param>
/// <param name="VolumeSizeGiB">Size of the node's data (root on AL2023) volume.</param>
public sealed record SystemNodeGroupSettings(string InstanceType, int Min, int Max, int Desired, int VolumeSizeGiB = 100);

/// <summary>Inputs of <see cref="EksCluster"/>.</summary>
public sealed class EksClusterArgs
{
    /// <summary>The cluster name (also the prefix of its IAM roles and log groups).</summary>
    public required string Name { get; init; }

    /// <summary>The pinned Kubernetes minor version.</summary>
    public required string KubernetesVersion { get; init; }

    /// <summary>The region (for the kubeconfig's token command).</summary>
    public required string Region { get; init; }

    /// <summary>The AWS partition, for managed policy ARNs.</summary>
    public Input<string> Partition { get; init; } = "aws";

    /// <summary>The private subnets of the control plane's interfaces and of the nodes.</summary>
    public required Output<ImmutableArray<string>> SubnetIds { get; init; }

    /// <summary>
    /// Where the public API endpoint may be reached from; empty keeps the endpoint private (the private endpoint is
    /// always on).
    /// </summary>
    public ImmutableArray<string> PublicAccessCidrs { get; init; } = [];

    /// <summary>IAM roles granted <c>AmazonEKSClusterAdminPolicy</c> through access entries.</summary>
    public required ImmutableArray<string> AdminRoleArns { get; init; }

    /// <summary>The system node group.</summary>
    public required SystemNodeGroupSettings SystemNodes { get; init; }

    /// <summary>The node image of the system node group.</summary>
    public NodeImageFamily NodeImage { get; init; } = NodeImageFamily.Al2023;

    /// <summary>Refuse to delete the cluster (production).</summary>
    public bool DeletionProtection { get; init; }

    /// <summary>Retention of the control-plane logs, in days.</summary>
    public int LogRetentionDays { get; init; } = 30;

    /// <summary>
    /// The exact version of every managed add-on for <see cref="KubernetesVersion"/>, by add-on name
    /// (<c>VersionCatalog.EksAddonVersions</c>): two runs a month apart install the same versions.
    /// </summary>
    public required ImmutableDictionary<string, string> AddonVersions { get; init; }

    /// <summary>How the add-ons that call AWS (EBS CSI) get their role: EKS Pod Identity (with its agent) or IRSA.</summary>
    public WorkloadIdentityMode Identity { get; init; } = WorkloadIdentityMode.PodIdentity;

    /// <summary>The account (the Pod Identity trust policies name it); required with Pod Identity.</summary>
    public Input<string>? AccountId { get; init; }

    /// <summary>Tags of every resource.</summary>
    public ImmutableDictionary<string, string> Tags { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// An EKS cluster locked down by default: private endpoint, KMS envelope encryption of secrets, every control-plane
/// log, access entries instead of aws-auth (no implicit admin for the creator), EKS Pod Identity (or an OIDC provider for IRSA), an
/// on-demand system node group with IMDSv2 and encrypted gp3 volumes, and the core add-ons.
/// </summary>
public sealed class EksCluster : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:aws:EksCluster";

    /// <summary>
    /// SHA-1 thumbprint of the root CA of the EKS OIDC issuers (Starfield Services Root CA - G2). Since 2023 IAM
    /// validates EKS issuers against its own trusted CAs and ignores this value, but the API still records one.
    /// </summary>
    public const string OidcThumbprint = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280";

    /// <summary>The node label of the system node group; platform controllers select it.</summary>
    public const string SystemNodeLabel = "mlplatform.io/node-role";

    /// <summary>The taint key of the system node group (PreferNoSchedule: workloads go to Karpenter capacity when it exists).</summary>
    public const string SystemNodeTaint = "mlplatform.io/system";

    /// <summary>The managed add-ons every cluster runs, in the order of <see cref="Addons"/>.</summary>
    public static ImmutableArray<string> CoreAddonNames { get; } = ["vpc-cni", "kube-proxy", "coredns", "aws-ebs-csi-driver", MetricsServerAddon];

    /// <summary>
    /// The metrics-server add-on: EKS, unlike AKS and GKE, ships none, and resource-metric HPAs (KEDA's cpu and
    /// memory triggers included) and <c>kubectl top</c> read the metrics API it serves.
    /// </summary>
    public const string MetricsServerAddon = "metrics-server";

    /// <summary>The Pod Identity agent add-on (with <see cref="WorkloadIdentityMode.PodIdentity"/> only).</summary>
    public const string PodIdentityAgentAddon = "eks-pod-identity-agent";

    /// <summary>The EBS CSI controller's service account (the one its role trusts).</summary>
    public const string EbsCsiServiceAccount = "ebs-csi-controller-sa";

    /// <summary>Every control-plane log type; <c>audit</c> is the one security reviews need.</summary>
    public static ImmutableArray<string> ControlPlaneLogTypes { get; } = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

    /// <summary>Creates the cluster.</summary>
    public EksCluster(string name, EksClusterArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var child = new CustomResourceOptions { Parent = this };
        var tags = args.Tags;
        var partition = args.Partition.ToOutput();
        Output<string> AwsPolicy(string policy) => partition.Apply(p => $"arn:{p}:iam::aws:policy/{policy}");

        var secretsKey = new Key($"{name}-secrets", new KeyArgs
        {
            Description = $"Envelope encryption of the Kubernetes secrets of {args.Name}",
            EnableKeyRotation = true,
            DeletionWindowInDays = 30,
            Tags = AwsTags.Of(tags),
        }, new CustomResourceOptions { Parent = this, Protect = true }); // losing it makes every Kubernetes secret unreadable
        _ = new Pulumi.Aws.Kms.Alias($"{name}-secrets", new Pulumi.Aws.Kms.AliasArgs
        {
            Name = $"alias/{args.Name}-eks-secrets",
            TargetKeyId = secretsKey.KeyId,
        }, child);
        SecretsKeyArn = secretsKey.Arn;

        // The platform's StorageClasses encrypt EBS (and EFS) volumes with their own key, not the account's default
        // aws/ebs key: its policy and rotation are the stack's, and deleting the stack cannot orphan readable disks.
        var volumesKey = new Key($"{name}-volumes", new KeyArgs
        {
            Description = $"Encryption of the persistent volumes of {args.Name}",
            EnableKeyRotation = true,
            DeletionWindowInDays = 30,
            Tags = AwsTags.Of(tags),
        }, new CustomResourceOptions { Parent = this, Protect = true }); // losing it makes every volume unreadable
        _ = new Pulumi.Aws.Kms.Alias($"{name}-volumes", new Pulumi.Aws.Kms.AliasArgs
        {
            Name = $"alias/{args.Name}-volumes",
            TargetKeyId = volumesKey.KeyId,
        }, child);
        VolumesKeyArn = volumesKey.Arn;

        // Created before the cluster so that EKS writes into a log group with a retention, not an unbounded one.
        var logGroup = new LogGroup($"{name}-control-plane", new LogGroupArgs
        {
            Name = $"/aws/eks/{args.Name}/cluster",
            RetentionInDays = args.LogRetentionDays,
            Tags = AwsTags.Of(tags),
        }, child);

        var clusterRole = new Role($"{name}-cluster", new RoleArgs
        {
            AssumeRolePolicy = IamPolicies.AssumeRoleByService("eks.amazonaws.com", tagSession: true),
            Description = $"EKS control plane of {args.Name}",
            Tags = AwsTags.Of(tags),
        }, child);
        var clusterPolicy = new RolePolicyAttachment($"{name}-cluster", new RolePolicyAttachmentArgs
        {
            Role = clusterRole.Name,
            PolicyArn = AwsPolicy("AmazonEKSClusterPolicy"),
        }, child);
        var encryptionPolicy = new RolePolicy($"{name}-cluster-encryption", new RolePolicyArgs
        {
            Role = clusterRole.Id,
            Policy = secretsKey.Arn.Apply(IamPolicies.ClusterEncryption),
        }, child);

        var publicEndpoint = !args.PublicAccessCidrs.IsEmpty;
        var vpcConfig = new ClusterVpcConfigArgs
        {
            SubnetIds = args.SubnetIds,
            EndpointPrivateAccess = true,
            EndpointPublicAccess = publicEndpoint,
        };
        if (publicEndpoint)
        {
            vpcConfig.PublicAccessCidrs = [.. args.PublicAccessCidrs];
        }

        Cluster = new Cluster(name, new ClusterArgs
        {
            Name = args.Name,
            Version = args.KubernetesVersion,
            RoleArn = clusterRole.Arn,
            VpcConfig = vpcConfig,
            EncryptionConfig = new ClusterEncryptionConfigArgs
            {
                Resources = { "secrets" },
                Provider = new ClusterEncryptionConfigProviderArgs { KeyArn = secretsKey.Arn },
            },
            EnabledClusterLogTypes = [.. ControlPlaneLogTypes],
            AccessConfig = new ClusterAccessConfigArgs
            {
                AuthenticationMode = "API",
                BootstrapClusterCreatorAdminPermissions = false,
            },
            // The core add-ons are managed below (versioned and configured), not the unmanaged defaults.
            BootstrapSelfManagedAddons = false,
            // Standard support only: extended support is charged extra; upgrade instead.
            UpgradePolicy = new ClusterUpgradePolicyArgs { SupportType = "STANDARD" },
            DeletionProtection = args.DeletionProtection,
            Tags = AwsTags.Of(tags),
        }, new CustomResourceOptions { Parent = this, DependsOn = { logGroup, clusterPolicy, encryptionPolicy } });

        ClusterName = Cluster.Name;
        Endpoint = Cluster.Endpoint;
        CertificateAuthority = Cluster.CertificateAuthority.Apply(ca => ca.Data ?? string.Empty);
        ClusterSecurityGroupId = Cluster.VpcConfig.Apply(v => v.ClusterSecurityGroupId ?? string.Empty);
        OidcIssuer = Cluster.Identities.Apply(ids => (ids.IsDefault ? [] : ids)
            .SelectMany(i => i.Oidcs.IsDefault ? [] : i.Oidcs)
            .Select(o => o.Issuer)
            .FirstOrDefault(i => i is not null) ?? string.Empty);

        // The nodes Karpenter launches join this security group (the control plane and managed nodes share it).
        _ = new Tag($"{name}-karpenter-discovery", new TagArgs
        {
            ResourceId = ClusterSecurityGroupId,
            Key = AwsTags.KarpenterDiscovery,
            Value = args.Name,
        }, child);

        var adminAccess = new List<Resource>();
        for (var i = 0; i < args.AdminRoleArns.Length; i++)
        {
            var entry = new AccessEntry($"{name}-admin-{i}", new AccessEntryArgs
            {
                ClusterName = Cluster.Name,
                PrincipalArn = args.AdminRoleArns[i],
                Type = "STANDARD",
                Tags = AwsTags.Of(tags),
            }, child);
            adminAccess.Add(new AccessPolicyAssociation($"{name}-admin-{i}", new AccessPolicyAssociationArgs
            {
                ClusterName = Cluster.Name,
                PrincipalArn = entry.PrincipalArn,
                PolicyArn = partition.Apply(p => $"arn:{p}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"),
                AccessScope = new AccessPolicyAssociationAccessScopeArgs { Type = "cluster" },
            }, new CustomResourceOptions { Parent = this, DependsOn = { entry } }));
        }

        AdminAccess = [.. adminAccess];

        // IRSA needs the cluster's issuer as an IAM identity provider; with Pod Identity nothing trusts it, so none exists.
        if (args.Identity == WorkloadIdentityMode.Irsa)
        {
            var oidc = new OpenIdConnectProvider($"{name}-oidc", new OpenIdConnectProviderArgs
            {
                Url = OidcIssuer,
                ClientIdLists = { IamPolicies.StsAudience },
                ThumbprintLists = { OidcThumbprint },
                Tags = AwsTags.Of(tags),
            }, child);
            OidcProviderArn = oidc.Arn;
        }

        var nodeRole = new Role($"{name}-system-nodes", new RoleArgs
        {
            AssumeRolePolicy = IamPolicies.AssumeRoleByService("ec2.amazonaws.com"),
            Description = $"System nodes of {args.Name}",
            Tags = AwsTags.Of(tags),
        }, child);
        var nodePolicies = NodePolicies.Select(policy => new RolePolicyAttachment($"{name}-system-nodes-{policy}", new RolePolicyAttachmentArgs
        {
            Role = nodeRole.Name,
            PolicyArn = AwsPolicy(policy),
        }, child)).ToList();
        SystemNodeRoleName = nodeRole.Name;

        var launchTemplate = new LaunchTemplate($"{name}-system", new LaunchTemplateArgs
        {
            Description = $"System nodes of {args.Name}: IMDSv2 only, encrypted gp3 volumes",
            UpdateDefaultVersion = true,
            MetadataOptions = new LaunchTemplateMetadataOptionsArgs
            {
                HttpEndpoint = "enabled",
                HttpTokens = "required",
                // One hop: pods (one hop further) cannot reach the node's credentials; they use IRSA.
                HttpPutResponseHopLimit = 1,
            },
            BlockDeviceMappings = [.. args.NodeImage.Volumes(args.SystemNodes.VolumeSizeGiB).Select(v => new LaunchTemplateBlockDeviceMappingArgs
            {
                DeviceName = v.Device,
                Ebs = new LaunchTemplateBlockDeviceMappingEbsArgs
                {
                    VolumeSize = v.SizeGiB,
                    VolumeType = "gp3",
                    Encrypted = "true",
                    DeleteOnTermination = "true",
                },
            })],
            TagSpecifications =
            {
                new LaunchTemplateTagSpecificationArgs { ResourceType = "instance", Tags = AwsTags.Named(tags, $"{args.Name}-system") },
                new LaunchTemplateTagSpecificationArgs { ResourceType = "volume", Tags = AwsTags.Named(tags, $"{args.Name}-system") },
            },
            Tags = AwsTags.Of(tags),
        }, child);

        // The CNI and kube-proxy run before any node joins: nodes only become Ready with the CNI in place, and the
        // CNI reaches the API server through the kubernetes Service that kube-proxy programs. They are therefore also
        // the only add-ons updated before the nodes on an upgrade (the kube-proxy skew policy allows it).
        var vpcCni = Addon(name, "vpc-cni", a => a.ConfigurationValues = """{"enableNetworkPolicy":"true"}""", [Cluster]);
        var kubeProxy = Addon(name, "kube-proxy", null, [Cluster]);

        SystemNodeGroup = new NodeGroup($"{name}-system", new NodeGroupArgs
        {
            ClusterName = Cluster.Name,
            // The control plane's version, as an output: on an upgrade the nodes roll only once the control plane has
            // moved (kubelets may not be newer than the API server), each to the latest release of the new version.
            Version = Cluster.Version,
            NodeGroupName = "system",
            NodeRoleArn = nodeRole.Arn,
            SubnetIds = args.SubnetIds,
            CapacityType = "ON_DEMAND",
            AmiType = args.NodeImage.ManagedNodeGroupAmiType(),
            InstanceTypes = { args.SystemNodes.InstanceType },
            ScalingConfig = new NodeGroupScalingConfigArgs
            {
                MinSize = args.SystemNodes.Min,
                MaxSize = args.SystemNodes.Max,
                DesiredSize = args.SystemNodes.Desired,
            },
            UpdateConfig = new NodeGroupUpdateConfigArgs { MaxUnavailable = 1 },
            LaunchTemplate = new NodeGroupLaunchTemplateArgs
            {
                Id = launchTemplate.Id,
                Version = launchTemplate.LatestVersion.Apply(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            },
            Labels = { { SystemNodeLabel, "system" } },
            Taints =
            {
                new NodeGroupTaintArgs { Key = SystemNodeTaint, Value = "true", Effect = "PREFER_NO_SCHEDULE" },
            },
            Tags = AwsTags.Of(tags),
        }, new CustomResourceOptions
        {
            Parent = this,
            DependsOn = [Cluster, .. nodePolicies, vpcCni, kubeProxy],
        });

        var identity = new WorkloadIdentityContext
        {
            Mode = args.Identity,
            ClusterName = Cluster.Name,
            AccountId = args.AccountId ?? (args.Identity == WorkloadIdentityMode.PodIdentity
                ? throw new ArgumentException("Pod Identity trust policies name the account: set AccountId.", nameof(args))
                : string.Empty),
            OidcProviderArn = OidcProviderArn ?? Output.Create(string.Empty),
            OidcIssuer = OidcIssuer,
            Tags = tags,
        };
        var ebsCsiRole = ServiceAccountIdentity.Create($"{name}-ebs-csi", identity, new ServiceAccountPermissions(
            "kube-system", EbsCsiServiceAccount, $"EBS CSI driver of {args.Name}",
            InlinePolicy: volumesKey.Arn.Apply(IamPolicies.VolumeEncryption),
            ManagedPolicyArns: [AwsPolicy("service-role/AmazonEBSCSIDriverPolicy")]),
            new ComponentResourceOptions { Parent = this }, createAssociation: false);

        // Everything else runs on nodes: on an upgrade these add-ons move after the node group has rolled.
        var coreDns = Addon(name, "coredns", null, [SystemNodeGroup]);
        var agent = args.Identity == WorkloadIdentityMode.PodIdentity ? Addon(name, PodIdentityAgentAddon, null, [SystemNodeGroup]) : null;
        var ebsCsi = Addon(name, "aws-ebs-csi-driver", a =>
        {
            // The node plugin must run on every node, GPU nodes (tainted) included, or their volumes cannot attach.
            a.ConfigurationValues = """{"node":{"tolerateAllTaints":true}}""";
            if (args.Identity == WorkloadIdentityMode.Irsa)
            {
                a.ServiceAccountRoleArn = ebsCsiRole.RoleArn;
            }
            else
            {
                // EKS creates (and deletes) the association with the add-on; its pods start after the agent.
                a.PodIdentityAssociations = new InputList<AddonPodIdentityAssociationArgs> { new AddonPodIdentityAssociationArgs { ServiceAccount = EbsCsiServiceAccount, RoleArn = ebsCsiRole.RoleArn } };
            }
        }, agent is null ? [SystemNodeGroup] : [SystemNodeGroup, agent]);
        var metricsServer = Addon(name, MetricsServerAddon, null, [SystemNodeGroup]);
        Addons = agent is null ? [vpcCni, kubeProxy, coreDns, ebsCsi, metricsServer] : [vpcCni, kubeProxy, coreDns, ebsCsi, metricsServer, agent];
        NodeAddons = agent is null ? [coreDns, ebsCsi] : [coreDns, ebsCsi, agent];

        Kubeconfig = Output.Tuple(Cluster.Name, Cluster.Endpoint, CertificateAuthority)
            .Apply(t => BuildKubeconfig(t.Item1, t.Item2, t.Item3, args.Region));

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["clusterName"] = ClusterName,
            ["endpoint"] = Endpoint,
            ["clusterSecurityGroupId"] = ClusterSecurityGroupId,
        });

        Addon Addon(string prefix, string addonName, Action<AddonArgs>? configure, Resource[] after)
        {
            var addonArgs = new AddonArgs
            {
                ClusterName = Cluster.Name,
                AddonName = addonName,
                AddonVersion = args.AddonVersions.TryGetValue(addonName, out var version)
                    ? version
                    : throw new ArgumentException($"No pinned version of the EKS add-on '{addonName}' for Kubernetes {args.KubernetesVersion}.", nameof(args)),
                ResolveConflictsOnCreate = "OVERWRITE",
                ResolveConflictsOnUpdate = "OVERWRITE",
                Tags = AwsTags.Of(tags),
            };
            configure?.Invoke(addonArgs);
            return new Addon($"{prefix}-{addonName}", addonArgs, new CustomResourceOptions { Parent = this, DependsOn = [.. after] });
        }
    }

    /// <summary>The managed policies of every node role: join the cluster, run the VPC CNI, pull from ECR, be reachable through SSM (no SSH).</summary>
    public static ImmutableArray<string> NodePolicies { get; } =
        ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly", "AmazonSSMManagedInstanceCore"];

    /// <summary>The EKS cluster.</summary>
    public Cluster Cluster { get; }

    /// <summary>The cluster name.</summary>
    public Output<string> ClusterName { get; }

    /// <summary>The API server endpoint.</summary>
    public Output<string> Endpoint { get; }

    /// <summary>The cluster CA bundle (base64).</summary>
    public Output<string> CertificateAuthority { get; }

    /// <summary>The security group EKS created for the control plane and managed nodes (Karpenter nodes join it too).</summary>
    public Output<string> ClusterSecurityGroupId { get; }

    /// <summary>The OIDC issuer URL.</summary>
    public Output<string> OidcIssuer { get; }

    /// <summary>The IAM OIDC provider for IRSA; null with Pod Identity (nothing trusts the issuer then).</summary>
    public Output<string>? OidcProviderArn { get; }

    /// <summary>The KMS key that envelope-encrypts Kubernetes secrets.</summary>
    public Output<string> SecretsKeyArn { get; }

    /// <summary>The KMS key the platform's StorageClasses encrypt volumes with.</summary>
    public Output<string> VolumesKeyArn { get; }

    /// <summary>The system node group.</summary>
    public NodeGroup SystemNodeGroup { get; }

    /// <summary>The IAM role of the system nodes (the managed node group), by name.</summary>
    public Output<string> SystemNodeRoleName { get; }

    /// <summary>The managed add-ons.</summary>
    public ImmutableArray<Addon> Addons { get; }

    /// <summary>
    /// The add-ons that run on the nodes and are updated after the system node group (CoreDNS, EBS CSI, the Pod
    /// Identity agent): what the cluster's upgrade waits for before Karpenter's objects.
    /// </summary>
    public ImmutableArray<Addon> NodeAddons { get; }

    /// <summary>The admin access policy associations (the deployer needs them before any Kubernetes call).</summary>
    public ImmutableArray<Resource> AdminAccess { get; }

    /// <summary>A kubeconfig whose user gets a token from <c>aws eks get-token</c> (no credentials in it).</summary>
    public Output<string> Kubeconfig { get; }

    /// <summary>Everything that must exist before Kubernetes objects are created.</summary>
    public ImmutableArray<Resource> Ready => [SystemNodeGroup, .. Addons, .. AdminAccess];

    /// <summary>The kubeconfig of a cluster, authenticating with the AWS CLI.</summary>
    public static string BuildKubeconfig(string clusterName, string endpoint, string certificateAuthority, string region) =>
        ExecKubeconfig.Build(clusterName, endpoint, certificateAuthority, "aws",
            ["eks", "get-token", "--cluster-name", clusterName, "--region", region, "--output", "json"]);
}
