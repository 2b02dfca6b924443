using System.Collections.Immutable;
using MlPlatform.Components.Aws;

namespace MlPlatform.Stacks.Configuration;

/// <summary>The MLflow backend database on RDS PostgreSQL (<c>mlplatform:aws.database</c>).</summary>
/// <param name="InstanceClass">The RDS instance class, e.g. <c>db.t4g.medium</c>.</param>
/// <param name="AllocatedStorage">Initial storage in GiB; storage autoscaling may grow it to four times this.</param>
/// <param name="BackupRetentionDays">Days of automated backups (7 to 35).</param>
/// <param name="EngineVersion">The PostgreSQL major (or major.minor) version.</param>
public sealed record AwsDatabaseConfig(string InstanceClass, int AllocatedStorage, int BackupRetentionDays, string EngineVersion);

/// <summary>The shared gateway's NLB (<c>mlplatform:aws.loadBalancer</c>).</summary>
/// <param name="Scheme">Internet-facing (public subnets) or internal (private subnets).</param>
/// <param name="AccessLogs">Write the NLB's access logs to an encrypted, protected bucket (default on in production).</param>
/// <param name="CertificateArn">An ACM certificate for TLS termination at the NLB (re-encrypted to the gateway), or null.</param>
public sealed record AwsLoadBalancerConfig(LoadBalancerScheme Scheme, bool AccessLogs, string? CertificateArn);

/// <summary>
/// The stack's ECR registry (<c>mlplatform:aws.registry</c>): the platform's own repositories, their lifecycle, and the
/// pull-through cache of the public registries. The upstream credentials are Pulumi secrets of their own
/// (<see cref="ConfigReader.DockerHubCredentialKey"/>, <see cref="ConfigReader.GithubCredentialKey"/>); only whether
/// they are set is kept here.
/// </summary>
public sealed record AwsRegistryConfig
{
    /// <summary>The number of tagged images each repository keeps when none is configured.</summary>
    public const int DefaultKeepImages = 30;

    /// <summary>The days an untagged image stays when none is configured.</summary>
    public const int DefaultUntaggedExpiryDays = 7;

    /// <summary>Repositories beyond the mirrored catalog images (e.g. a team's pipeline step images), by name under the stack's prefix.</summary>
    public ImmutableArray<string> Repositories { get; init; } = [];

    /// <summary>How many of the newest images a repository keeps; older ones expire.</summary>
    public int KeepImages { get; init; } = DefaultKeepImages;

    /// <summary>Days after which an untagged image expires.</summary>
    public int UntaggedExpiryDays { get; init; } = DefaultUntaggedExpiryDays;

    /// <summary>Pull-through cache rules for the public registries (quay.io, registry.k8s.io, and ghcr.io and docker.io with their credentials).</summary>
    public bool PullThroughCache { get; init; } = true;

    /// <summary>True when the Docker Hub credential secret is configured (the docker.io cache rule needs it).</summary>
    public bool DockerHubCredential { get; init; }

    /// <summary>True when the GitHub credential secret is configured (the ghcr.io cache rule needs it).</summary>
    public bool GithubCredential { get; init; }
}

/// <summary>
/// The settings of the <c>aws</c> target (<c>mlplatform:aws</c>); the region is <c>mlplatform:region</c> and the
/// system node pool's instance type is <c>mlplatform:systemNodePool.instanceType</c>.
/// </summary>
public sealed record AwsConfig
{
    /// <summary>The VPC address range used when none is configured.</summary>
    public const string DefaultVpcCidr = "10.0.0.0/16";

    /// <summary>The system node pool's instance type when <c>systemNodePool.instanceType</c> is not set.</summary>
    public const string DefaultSystemInstanceType = "m7i.xlarge";

    /// <summary>The PostgreSQL major version used when none is configured.</summary>
    public const string DefaultPostgresVersion = "17";

    /// <summary>The retention periods CloudWatch Logs accepts, in days.</summary>
    public static ImmutableArray<int> LogRetentionValues { get; } =
        [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

    /// <summary>The VPC's IPv4 range (a /16 to /20), split into three private and three public subnets.</summary>
    public string VpcCidr { get; init; } = DefaultVpcCidr;

    /// <summary>
    /// Where the cluster's public API endpoint may be reached from (staging and development only). Empty keeps the
    /// endpoint private: reachable from the VPC (and peered networks or a VPN) only.
    /// </summary>
    public ImmutableArray<string> PublicAccessCidrs { get; init; } = [];

    /// <summary>IAM roles granted cluster admin through EKS access entries; the role that runs <c>pulumi up</c> must be one.</summary>
    public ImmutableArray<string> AdminRoleArns { get; init; } = [];

    /// <summary>The node operating system image (<c>al2023</c> or <c>bottlerocket</c>).</summary>
    public NodeImageFamily NodeImage { get; init; } = NodeImageFamily.Al2023;

    /// <summary>
    /// The image version in Karpenter's AMI alias (<c>al2023@&lt;version&gt;</c>), e.g. <c>v20251103</c>; <c>latest</c>
    /// follows new releases (nodes drift and are replaced when one comes out).
    /// </summary>
    public string NodeImageVersion { get; init; } = "latest";

    /// <summary>The system node group's instance type.</summary>
    public string SystemInstanceType { get; init; } = DefaultSystemInstanceType;

    /// <summary>Retention of the VPC flow logs and the control-plane logs, in days.</summary>
    public int LogRetentionDays { get; init; } = 30;

    /// <summary>
    /// How pods get their IAM roles (<c>identity</c>): EKS Pod Identity by default (no OIDC provider, roles trust
    /// one cluster, namespace and service account through session tags), or IRSA.
    /// </summary>
    public WorkloadIdentityMode Identity { get; init; } = WorkloadIdentityMode.PodIdentity;

    /// <summary>The shared gateway's NLB.</summary>
    public AwsLoadBalancerConfig LoadBalancer { get; init; } = new(LoadBalancerScheme.InternetFacing, false, null);

    /// <summary>The MLflow backend database.</summary>
    public required AwsDatabaseConfig Database { get; init; }

    /// <summary>The stack's ECR registry and pull-through cache.</summary>
    public AwsRegistryConfig Registry { get; init; } = new();

    /// <summary>True when the API endpoint is public (restricted to <see cref="PublicAccessCidrs"/>).</summary>
    public bool HasPublicEndpoint => !PublicAccessCidrs.IsEmpty;
}
