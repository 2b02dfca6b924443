using System.Collections.Immutable;
using System.Text.RegularExpressions;
using MlPlatform.Components.Aws;

namespace MlPlatform.Stacks.Configuration;

/// <summary>Reading and validation of <c>mlplatform:aws</c>.</summary>
public static partial class ConfigReader
{
    /// <summary>
    /// The GPUs per instance that the sizes of each accelerator's default AWS family offer (g4dn, g6, g5: 1, 4 or 8;
    /// p4d: only 8; p5: 1 or 8). A pool asking for another count matches no instance type and never gets a node.
    /// </summary>
    public static ImmutableDictionary<Accelerator, ImmutableArray<int>> AwsGpusPerInstance { get; } =
        ImmutableDictionary<Accelerator, ImmutableArray<int>>.Empty
            .Add(Accelerator.T4, [1, 4, 8])
            .Add(Accelerator.L4, [1, 4, 8])
            .Add(Accelerator.A10G, [1, 4, 8])
            .Add(Accelerator.A100, [8])
            .Add(Accelerator.H100, [1, 8]);

    /// <summary>
    /// On AWS, a GPU pool on its accelerator's default instance family must ask for a GPU count that family's sizes
    /// have (pools with their own <c>instanceFamilies</c> are the user's call).
    /// </summary>
    private static void ValidateAwsGpuPools(IReadOnlyList<JsonConfigNode> nodes, ImmutableArray<NodePoolConfig> pools)
    {
        // Once per pool list, without reading (and reporting) the names again: lists can be long.
        var byName = new Dictionary<string, JsonConfigNode>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            if (node.PeekString("name") is { } name)
            {
                byName.TryAdd(name, node);
            }
        }

        foreach (var pool in pools)
        {
            if (pool.Accelerator == Accelerator.A10)
            {
                nodes.FirstOrDefault(n => n.String("name") == pool.Name)?.Problem("accelerator",
                    "a10 (NVIDIA A10, Azure's NVads A10 v5) is not offered on AWS; use a10g (g5), l4 (g6) or t4 (g4dn)");
                continue;
            }

            if (!pool.IsGpu || !pool.InstanceFamilies.IsDefaultOrEmpty || pool.Accelerator is not { } accelerator
                || !AwsGpusPerInstance.TryGetValue(accelerator, out var counts) || counts.Contains(pool.GpusPerNode))
            {
                continue;
            }

            byName.GetValueOrDefault(pool.Name)?.Problem("gpusPerNode",
                $"{Lower(accelerator)} instances on AWS have {string.Join(" or ", counts)} GPUs, not {pool.GpusPerNode}: no instance type would match");
        }
    }

    /// <summary>
    /// Reads <c>mlplatform:aws</c>: null on other clouds (where setting it is a problem), the validated settings with
    /// their defaults on <c>aws</c>.
    /// </summary>
    private static AwsConfig? ReadAws(
        JsonConfigNode? node, CloudKind? cloud, bool production, SystemNodePoolConfig systemPool, List<ConfigProblem> problems)
    {
        if (cloud != CloudKind.Aws)
        {
            if (node is not null && cloud is not null)
            {
                problems.Add(new(Key("aws"), $"only used with cloud 'aws', not '{Lower(cloud.Value)}'"));
            }

            return null;
        }

        var vpcCidr = node?.String("vpcCidr") ?? AwsConfig.DefaultVpcCidr;
        if (!IsCidr(vpcCidr))
        {
            node!.Problem("vpcCidr", CidrProblem(vpcCidr, "10.0.0.0/16"));
        }
        else if (PrefixLength(vpcCidr) is < 16 or > 20)
        {
            node!.Problem("vpcCidr", $"must be a /16 to /20 (it is split into six subnets across three zones), not /{PrefixLength(vpcCidr)}");
        }

        var publicCidrs = node?.StringList("publicAccessCidrs") ?? [];
        for (var i = 0; i < publicCidrs.Length; i++)
        {
            if (!IsCidr(publicCidrs[i]))
            {
                node!.Problem($"publicAccessCidrs[{i}]", CidrProblem(publicCidrs[i], "203.0.113.0/24"));
            }
        }

        if (production && publicCidrs.Contains("0.0.0.0/0"))
        {
            node!.Problem("publicAccessCidrs", "0.0.0.0/0 would open the production API server to the internet");
        }
        else if (production && !publicCidrs.IsEmpty)
        {
            node!.Problem("publicAccessCidrs", "the production API server is private (reach it from the VPC, a VPN or a bastion); remove this key");
        }

        var adminRoles = node?.StringList("adminRoleArns") ?? [];
        if (adminRoles.IsEmpty)
        {
            problems.Add(new($"{Key("aws")}.adminRoleArns",
                "required: at least one IAM role ARN, including the role that runs `pulumi up` (the cluster creator is not made admin implicitly)"));
        }

        for (var i = 0; i < adminRoles.Length; i++)
        {
            if (!IsIamRoleArn(adminRoles[i]))
            {
                node!.Problem($"adminRoleArns[{i}]", $"'{adminRoles[i]}' is not an IAM role ARN such as arn:aws:iam::123456789012:role/platform-admin");
            }
        }

        var image = ReadEnum<NodeImageFamily>(node?.String("nodeImage"), node?.Child("nodeImage") ?? "", problems, required: false, fullKey: true)
            ?? NodeImageFamily.Al2023;
        var imageVersion = node?.String("nodeImageVersion") ?? "latest";
        if (imageVersion != "latest" && !AmiVersion().IsMatch(imageVersion))
        {
            node!.Problem("nodeImageVersion", $"'{imageVersion}' is neither 'latest' nor an image release such as v20251103 (al2023) or v1.50.0 (bottlerocket)");
        }

        var retention = node?.Int("logRetentionDays") ?? (production ? 365 : 30);
        if (!AwsConfig.LogRetentionValues.Contains(retention))
        {
            node!.Problem("logRetentionDays", $"{retention} is not a CloudWatch Logs retention ({string.Join(", ", AwsConfig.LogRetentionValues)})");
        }

        var database = ReadAwsDatabase(node?.Object("database"), production);
        var identity = ReadEnum<WorkloadIdentityMode>(node?.String("identity"), node?.Child("identity") ?? "", problems, required: false, fullKey: true)
            ?? WorkloadIdentityMode.PodIdentity;
        var loadBalancer = ReadAwsLoadBalancer(node?.Object("loadBalancer"), production, problems);
        var registry = ReadAwsRegistry(node?.Object("registry"), problems);
        node?.RejectUnknownKeys();

        var instanceType = systemPool.InstanceType ?? AwsConfig.DefaultSystemInstanceType;
        if (!Ec2InstanceType().IsMatch(instanceType))
        {
            problems.Add(new($"{Key("systemNodePool")}.instanceType", $"'{instanceType}' is not an EC2 instance type such as m7i.xlarge"));
        }

        return new AwsConfig
        {
            VpcCidr = vpcCidr,
            PublicAccessCidrs = publicCidrs,
            AdminRoleArns = adminRoles,
            NodeImage = image,
            NodeImageVersion = imageVersion,
            SystemInstanceType = instanceType,
            LogRetentionDays = retention,
            Database = database,
            Identity = identity,
            LoadBalancer = loadBalancer,
            Registry = registry,
        };
    }

    private static AwsLoadBalancerConfig ReadAwsLoadBalancer(JsonConfigNode? node, bool production, List<ConfigProblem> problems)
    {
        var scheme = ReadEnum<LoadBalancerScheme>(node?.String("scheme"), node?.Child("scheme") ?? "", problems, required: false, fullKey: true)
            ?? LoadBalancerScheme.InternetFacing;
        var accessLogs = node?.Bool("accessLogs") ?? production;
        var certificate = node?.String("certificateArn");
        node?.RejectUnknownKeys();
        if (certificate is not null && !AcmCertificateArn().IsMatch(certificate))
        {
            node!.Problem("certificateArn", $"'{certificate}' is not an ACM certificate ARN such as arn:aws:acm:us-east-1:123456789012:certificate/0f3c...");
        }

        return new AwsLoadBalancerConfig(scheme, accessLogs, certificate);
    }

    /// <summary>
    /// TLS at the NLB re-encrypts to the gateway's HTTPS listener, which exists only with <c>gateway.tls</c> and a host name.
    /// </summary>
    private static void ValidateAwsGateway(AwsConfig? aws, GatewayConfig gateway, AddonsConfig addons, List<ConfigProblem> problems)
    {
        if (aws?.LoadBalancer.CertificateArn is null)
        {
            return;
        }

        if (!addons.Gateway || gateway.Tls is null || gateway.Hostname is null)
        {
            problems.Add(new($"{Key("aws")}.loadBalancer.certificateArn",
                "TLS at the NLB forwards to the gateway's HTTPS listener: set gateway.hostname and gateway.tls (or remove this key)"));
        }
    }

    /// <summary>The pinned EKS add-on versions must cover the configured Kubernetes version.</summary>
    private static void ValidateAwsKubernetesVersion(CloudKind? cloud, string kubernetesVersion, List<ConfigProblem> problems)
    {
        if (cloud == CloudKind.Aws && KubernetesVersion().IsMatch(kubernetesVersion)
            && MlPlatform.Components.Addons.VersionCatalog.EksAddonVersions(kubernetesVersion) is null)
        {
            problems.Add(new(Key("kubernetesVersion"),
                $"no pinned EKS add-on versions for {kubernetesVersion} (supported: {string.Join(", ", MlPlatform.Components.Addons.VersionCatalog.EksAddons.Keys.Order(StringComparer.Ordinal))}); add them to VersionCatalog.EksAddons"));
        }
    }

    private static AwsDatabaseConfig ReadAwsDatabase(JsonConfigNode? node, bool production)
    {
        var instanceClass = node?.String("instanceClass") ?? (production ? "db.r7g.large" : "db.t4g.medium");
        var storage = node?.Int("allocatedStorage") ?? (production ? 100 : 20);
        var retention = node?.Int("backupRetentionDays") ?? (production ? 14 : 7);
        var version = node?.String("engineVersion") ?? AwsConfig.DefaultPostgresVersion;
        node?.RejectUnknownKeys();

        if (!instanceClass.StartsWith("db.", StringComparison.Ordinal) || !Ec2InstanceType().IsMatch(instanceClass[3..]))
        {
            node!.Problem("instanceClass", $"'{instanceClass}' is not an RDS instance class such as db.t4g.medium");
        }

        if (storage is < 20 or > 65536)
        {
            node!.Problem("allocatedStorage", $"must be between 20 and 65536 GiB, not {storage}");
        }

        if (retention is < 7 or > 35)
        {
            node!.Problem("backupRetentionDays", $"must be between 7 and 35 days (point-in-time recovery for at least a week), not {retention}");
        }

        if (!PostgresVersion().IsMatch(version))
        {
            node!.Problem("engineVersion", $"'{version}' is not a PostgreSQL version such as 17 or 17.6");
        }

        return new AwsDatabaseConfig(instanceClass, storage, retention, version);
    }

    /// <summary>The default address ranges of the network policies: on AWS the API server, nodes and data stores are in the VPC.</summary>
    private static NetworkDefaults? PrivateNetworkDefault(AwsConfig? aws) =>
        aws is not null && IsCidr(aws.VpcCidr) ? new NetworkDefaults([aws.VpcCidr], [aws.VpcCidr], [aws.VpcCidr]) : null;

    private static int PrefixLength(string cidr) => int.Parse(cidr[(cidr.IndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// True for an IAM role ARN: <c>arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME</c>, a 12-digit account, a role name
    /// of 1 to 64 and a path of at most 512 characters, both from IAM's ASCII set (letters, digits, <c>+=,.@_-</c>).
    /// </summary>
    public static bool IsIamRoleArn(string value) =>
        IamRoleArn().Match(value) is { Success: true } match && match.Groups["name"].Length <= 64 && match.Groups["path"].Length + 1 <= 512;

    /// <summary>True for an AWS region name such as <c>us-east-1</c>, <c>us-gov-west-1</c> or <c>ap-southeast-7</c>.</summary>
    public static bool IsAwsRegion(string value) => AwsRegion().IsMatch(value);

    [GeneratedRegex(@"\A[a-z]{2}(-[a-z]+)+-[0-9]{1,2}\z")]
    private static partial Regex AwsRegion();

    // Not \w: in .NET it matches every Unicode letter and digit, which IAM refuses.
    [GeneratedRegex(@"\Aarn:aws(-[a-z]+)*:iam::[0-9]{12}:role/(?<path>([A-Za-z0-9+=,.@_-]+/)*)(?<name>[A-Za-z0-9+=,.@_-]+)\z")]
    private static partial Regex IamRoleArn();

    [GeneratedRegex(@"\A[a-z][a-z0-9-]*\.[a-z0-9-]+\z")]
    private static partial Regex Ec2InstanceType();

    [GeneratedRegex(@"\Av[0-9]+(\.[0-9]+)*\z")]
    private static partial Regex AmiVersion();

    [GeneratedRegex(@"\A[0-9]{2}(\.[0-9]+)?\z")]
    private static partial Regex PostgresVersion();

    [GeneratedRegex(@"\Aarn:aws(-[a-z]+)*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]{36}\z")]
    private static partial Regex AcmCertificateArn();
}
