using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlPlatform.Components.Aws;

/// <summary>
/// The IAM policy documents of the platform, as pure functions of ARNs and names so that their scoping can be
/// unit tested: who may assume each role, and exactly which resources each role may touch.
/// </summary>
public static class IamPolicies
{
    /// <summary>The audience of the tokens that EKS projects for IRSA.</summary>
    public const string StsAudience = "sts.amazonaws.com";

    /// <summary>A trust policy letting an AWS service assume the role.</summary>
    public static string AssumeRoleByService(string service, bool tagSession = false) => Document(Statement(
        "Allow",
        tagSession ? new JsonArray("sts:AssumeRole", "sts:TagSession") : new JsonArray("sts:AssumeRole"),
        principal: new JsonObject { ["Service"] = service }));

    /// <summary>
    /// The IRSA trust policy: only the service account <paramref name="serviceAccount"/> of <paramref name="namespace"/>,
    /// with a token issued for STS by the cluster's OIDC provider, may assume the role.
    /// </summary>
    /// <param name="oidcProviderArn">The cluster's IAM OIDC provider.</param>
    /// <param name="issuer">The issuer without its scheme (<c>oidc.eks.&lt;region&gt;.amazonaws.com/id/&lt;ID&gt;</c>).</param>
    /// <param name="namespace">The service account's namespace.</param>
    /// <param name="serviceAccount">The service account's name.</param>
    public static string IrsaTrust(string oidcProviderArn, string issuer, string @namespace, string serviceAccount)
    {
        var host = issuer.Replace("https://", string.Empty, StringComparison.Ordinal);
        return Document(Statement(
            "Allow",
            new JsonArray("sts:AssumeRoleWithWebIdentity"),
            principal: new JsonObject { ["Federated"] = oidcProviderArn },
            condition: new JsonObject
            {
                ["StringEquals"] = new JsonObject
                {
                    [$"{host}:sub"] = ServiceAccountSubject(@namespace, serviceAccount),
                    [$"{host}:aud"] = StsAudience,
                },
            }));
    }

    /// <summary>The service principal that EKS Pod Identity assumes roles as.</summary>
    public const string PodIdentityService = "pods.eks.amazonaws.com";

    /// <summary>
    /// The EKS Pod Identity trust policy: the Pod Identity service may assume the role (and tag the session) only on
    /// behalf of the service account <paramref name="serviceAccount"/> of <paramref name="namespace"/> in the cluster
    /// <paramref name="clusterName"/> of account <paramref name="accountId"/>. Pod Identity passes these as session tags,
    /// so an association made for any other service account or cluster cannot use the role.
    /// </summary>
    public static string PodIdentityTrust(string accountId, string clusterName, string @namespace, string serviceAccount) => Document(Statement(
        "Allow",
        new JsonArray("sts:AssumeRole", "sts:TagSession"),
        principal: new JsonObject { ["Service"] = PodIdentityService },
        condition: new JsonObject
        {
            ["StringEquals"] = new JsonObject
            {
                ["aws:SourceAccount"] = accountId,
                ["aws:RequestTag/eks-cluster-name"] = clusterName,
                ["aws:RequestTag/kubernetes-namespace"] = @namespace,
                ["aws:RequestTag/kubernetes-service-account"] = serviceAccount,
            },
        },
        sid: "EksPodIdentity"));

    /// <summary>
    /// The AWS Load Balancer Controller's policy: the upstream document of the pinned app version, unchanged except for
    /// the partition of its ARNs (see <c>components/Aws/Policies/SOURCES.md</c>).
    /// </summary>
    /// <param name="partition">The AWS partition (<c>aws</c>, <c>aws-cn</c>, <c>aws-us-gov</c>).</param>
    public static string LoadBalancerController(string partition) =>
        UpstreamDocument(LoadBalancerControllerPolicyFile).Replace("\"arn:aws:", $"\"arn:{partition}:", StringComparison.Ordinal);

    /// <summary>The embedded file of the load balancer controller's upstream policy (it names the app version).</summary>
    public const string LoadBalancerControllerPolicyFile = "aws-load-balancer-controller-v3.5.0.json";

    /// <summary>
    /// The policy of the load balancer access-log bucket: TLS only, and the log delivery service may write (and check
    /// the ACL) only under the account's own prefix, for this account's load balancers.
    /// </summary>
    public static string AccessLogBucket(string bucketArn, string accountId, string partition, string region, string prefix)
    {
        var sourceCondition = new JsonObject
        {
            ["StringEquals"] = new JsonObject { ["aws:SourceAccount"] = accountId },
            ["ArnLike"] = new JsonObject { ["aws:SourceArn"] = $"arn:{partition}:logs:{region}:{accountId}:*" },
        };
        var writeCondition = (JsonObject)sourceCondition.DeepClone();
        writeCondition["StringEquals"]!["s3:x-amz-acl"] = "bucket-owner-full-control";
        return Document(
            Statement("Deny", new JsonArray("s3:*"), principal: "*", resources: new JsonArray(bucketArn, $"{bucketArn}/*"),
                condition: new JsonObject { ["Bool"] = new JsonObject { ["aws:SecureTransport"] = "false" } }, sid: "DenyInsecureTransport"),
            Statement("Allow", new JsonArray("s3:PutObject"), principal: new JsonObject { ["Service"] = "delivery.logs.amazonaws.com" },
                resources: new JsonArray($"{bucketArn}/{prefix}/AWSLogs/{accountId}/*"), condition: writeCondition, sid: "LogDeliveryWrite"),
            Statement("Allow", new JsonArray("s3:GetBucketAcl"), principal: new JsonObject { ["Service"] = "delivery.logs.amazonaws.com" },
                resources: new JsonArray(bucketArn), condition: sourceCondition, sid: "LogDeliveryAclCheck"));
    }

    private static string UpstreamDocument(string file)
    {
        using var stream = typeof(IamPolicies).Assembly.GetManifestResourceStream($"MlPlatform.Components.Aws.Policies.{file}")
            ?? throw new InvalidOperationException($"The policy document {file} is not embedded in the assembly.");
        using var reader = new StreamReader(stream);
        return JsonNode.Parse(reader.ReadToEnd())!.ToJsonString();
    }

    /// <summary>The token subject of a Kubernetes service account.</summary>
    public static string ServiceAccountSubject(string @namespace, string serviceAccount) =>
        $"system:serviceaccount:{@namespace}:{serviceAccount}";

    /// <summary>What the VPC flow logs service needs to write to its log group.</summary>
    public static string FlowLogsDelivery(string logGroupArn) => Document(Statement(
        "Allow",
        new JsonArray("logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"),
        resources: new JsonArray(logGroupArn, $"{logGroupArn}:*")));

    /// <summary>What the EKS control plane needs to envelope-encrypt secrets with its key.</summary>
    public static string ClusterEncryption(string kmsKeyArn) => Document(Statement(
        "Allow",
        new JsonArray("kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"),
        resources: new JsonArray(kmsKeyArn)));

    /// <summary>
    /// What a CSI driver needs of the customer-managed key its volumes are encrypted with: data keys, and grants that
    /// EC2/EFS create for the attached volume (only for AWS resources, never for a principal of its choosing).
    /// </summary>
    public static string VolumeEncryption(string kmsKeyArn) => Document(
        Statement("Allow", new JsonArray("kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"),
            resources: new JsonArray(kmsKeyArn), sid: "VolumeKey"),
        Statement("Allow", new JsonArray("kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"), resources: new JsonArray(kmsKeyArn),
            condition: new JsonObject { ["Bool"] = new JsonObject { ["kms:GrantIsForAWSResource"] = "true" } }, sid: "VolumeKeyGrants"));

    /// <summary>Read and write access to one bucket's objects, with the bucket's KMS key.</summary>
    public static string BucketReadWrite(string bucketArn, string kmsKeyArn) => Document(
        Statement("Allow", new JsonArray("s3:ListBucket", "s3:GetBucketLocation"), resources: new JsonArray(bucketArn), sid: "ListBucket"),
        Statement("Allow",
            new JsonArray("s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"),
            resources: new JsonArray($"{bucketArn}/*"), sid: "Objects"),
        Statement("Allow", new JsonArray("kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt"), resources: new JsonArray(kmsKeyArn), sid: "BucketKey"));

    /// <summary>Read access to exactly the given secrets, and decryption with their KMS key.</summary>
    public static string SecretsRead(IEnumerable<string> secretArns, string kmsKeyArn) => Document(
        Statement("Allow",
            new JsonArray("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:ListSecretVersionIds"),
            resources: new JsonArray([.. secretArns.Select(a => (JsonNode)JsonValue.Create(a)!)]), sid: "PlatformSecrets"),
        Statement("Allow", new JsonArray("kms:Decrypt", "kms:DescribeKey"), resources: new JsonArray(kmsKeyArn), sid: "SecretsKey"));

    /// <summary>Read access to one bucket's objects, with the bucket's KMS key (model servers loading artifacts).</summary>
    public static string BucketRead(string bucketArn, string kmsKeyArn) => Document(
        Statement("Allow", new JsonArray("s3:ListBucket", "s3:GetBucketLocation"), resources: new JsonArray(bucketArn), sid: "ListBucket"),
        Statement("Allow", new JsonArray("s3:GetObject"), resources: new JsonArray($"{bucketArn}/*"), sid: "ReadObjects"),
        Statement("Allow", new JsonArray("kms:Decrypt"), resources: new JsonArray(kmsKeyArn), sid: "BucketKey"));

    /// <summary>
    /// What a node needs beyond image pull rights for a pull-through cache's first pull of an image: creating its
    /// cached repository and importing the upstream image, only under the cache's prefixes.
    /// </summary>
    public static string PullThroughCacheImport(string partition, string region, string accountId, IEnumerable<string> prefixes) => Document(Statement(
        "Allow",
        new JsonArray("ecr:BatchImportUpstreamImage", "ecr:CreateRepository"),
        resources: new JsonArray([.. prefixes.Select(p => (JsonNode)JsonValue.Create($"arn:{partition}:ecr:{region}:{accountId}:repository/{p}/*")!)]),
        sid: "PullThroughCacheImport"));

    /// <summary>
    /// cert-manager's DNS-01 solver on Route 53: change and list the records of one hosted zone, follow its changes,
    /// and find the zone by name (the only action Route 53 cannot scope to a zone).
    /// </summary>
    public static string Route53Dns01(string partition, string hostedZoneId) => Document(
        Statement("Allow", new JsonArray("route53:GetChange"), resources: new JsonArray($"arn:{partition}:route53:::change/*"), sid: "Changes"),
        Statement("Allow", new JsonArray("route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"),
            resources: new JsonArray($"arn:{partition}:route53:::hostedzone/{hostedZoneId}"), sid: "ChallengeRecords"),
        Statement("Allow", new JsonArray("route53:ListHostedZonesByName"), resources: new JsonArray("*"), sid: "FindZone"));

    /// <summary>Denies every request to the bucket that does not use TLS.</summary>
    public static string TlsOnlyBucket(string bucketArn) => Document(Statement(
        "Deny",
        new JsonArray("s3:*"),
        principal: "*",
        resources: new JsonArray(bucketArn, $"{bucketArn}/*"),
        condition: new JsonObject { ["Bool"] = new JsonObject { ["aws:SecureTransport"] = "false" } },
        sid: "DenyInsecureTransport"));

    /// <summary>Lets EventBridge (and SQS itself) deliver to the interruption queue; refuses plain-text access.</summary>
    public static string InterruptionQueue(string queueArn) => Document(
        Statement("Allow", new JsonArray("sqs:SendMessage"),
            principal: new JsonObject { ["Service"] = new JsonArray("events.amazonaws.com", "sqs.amazonaws.com") },
            resources: new JsonArray(queueArn), sid: "EventBridgeDelivery"),
        Statement("Deny", new JsonArray("sqs:*"), principal: "*", resources: new JsonArray(queueArn),
            condition: new JsonObject { ["Bool"] = new JsonObject { ["aws:SecureTransport"] = "false" } },
            sid: "DenyInsecureTransport"));

    /// <summary>
    /// The Karpenter controller's permissions, scoped to the cluster: it launches instances and launch templates tagged
    /// as the cluster's, terminates only those, passes only the node role (its instance profile exists already, so no IAM
    /// write access), and reads only its interruption queue.
    /// </summary>
    /// <param name="partition">The AWS partition (<c>aws</c>).</param>
    /// <param name="region">The region.</param>
    /// <param name="accountId">The account.</param>
    /// <param name="clusterName">The cluster name.</param>
    /// <param name="nodeRoleArn">The role of the nodes Karpenter launches.</param>
    /// <param name="queueArn">The interruption queue.</param>
    public static string KarpenterController(string partition, string region, string accountId, string clusterName, string nodeRoleArn, string queueArn)
    {
        var ec2 = $"arn:{partition}:ec2:{region}";
        var clusterTag = $"aws:RequestTag/{AwsTags.Cluster(clusterName)}";
        var ownedTag = $"aws:ResourceTag/{AwsTags.Cluster(clusterName)}";
        var ownedResources = new[] { "fleet", "instance", "volume", "network-interface", "launch-template", "spot-instances-request" };
        var profiles = $"arn:{partition}:iam::{accountId}:instance-profile/*";
        JsonArray Owned() => [.. ownedResources.Select(r => (JsonNode)JsonValue.Create($"{ec2}:*:{r}/*")!)];

        return Document(
            Statement("Allow", new JsonArray("ec2:RunInstances", "ec2:CreateFleet"),
                resources: new JsonArray($"{ec2}::image/*", $"{ec2}::snapshot/*", $"{ec2}:*:security-group/*", $"{ec2}:*:subnet/*", $"{ec2}:*:capacity-reservation/*"),
                sid: "LaunchFromSharedResources"),
            Statement("Allow", new JsonArray("ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"),
                resources: Owned(),
                condition: new JsonObject { ["StringEquals"] = new JsonObject { [clusterTag] = "owned" } },
                sid: "LaunchClusterResources"),
            Statement("Allow", new JsonArray("ec2:RunInstances", "ec2:CreateFleet"),
                resources: new JsonArray($"{ec2}:*:launch-template/*"),
                condition: new JsonObject { ["StringEquals"] = new JsonObject { [ownedTag] = "owned" } },
                sid: "LaunchWithClusterTemplates"),
            Statement("Allow", new JsonArray("ec2:CreateTags"),
                resources: Owned(),
                condition: new JsonObject
                {
                    ["StringEquals"] = new JsonObject
                    {
                        [clusterTag] = "owned",
                        ["ec2:CreateAction"] = new JsonArray("RunInstances", "CreateFleet", "CreateLaunchTemplate"),
                    },
                },
                sid: "TagOnLaunch"),
            // After launch Karpenter only names its instances and records their node claim; it may not rewrite the
            // tags the other statements rely on (the cluster ownership tag).
            Statement("Allow", new JsonArray("ec2:CreateTags"),
                resources: new JsonArray($"{ec2}:*:instance/*"),
                condition: new JsonObject
                {
                    ["StringEquals"] = new JsonObject { [ownedTag] = "owned" },
                    ["ForAllValues:StringEquals"] = new JsonObject { ["aws:TagKeys"] = new JsonArray("eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name") },
                },
                sid: "TagClusterInstances"),
            Statement("Allow", new JsonArray("ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"),
                resources: new JsonArray($"{ec2}:*:instance/*", $"{ec2}:*:launch-template/*"),
                condition: new JsonObject { ["StringEquals"] = new JsonObject { [ownedTag] = "owned" } },
                sid: "DeleteClusterResources"),
            Statement("Allow",
                new JsonArray("ec2:DescribeAvailabilityZones", "ec2:DescribeCapacityReservations", "ec2:DescribeImages", "ec2:DescribeInstances",
                    "ec2:DescribeInstanceTypeOfferings", "ec2:DescribeInstanceTypes", "ec2:DescribeLaunchTemplates", "ec2:DescribePlacementGroups",
                    "ec2:DescribeSecurityGroups", "ec2:DescribeSpotPriceHistory", "ec2:DescribeSubnets"),
                resources: new JsonArray("*"),
                condition: new JsonObject { ["StringEquals"] = new JsonObject { ["aws:RequestedRegion"] = region } },
                sid: "ReadEc2"),
            Statement("Allow", new JsonArray("ssm:GetParameter"), resources: new JsonArray($"arn:{partition}:ssm:{region}::parameter/aws/service/*"), sid: "ReadAmiParameters"),
            Statement("Allow", new JsonArray("pricing:GetProducts"), resources: new JsonArray("*"), sid: "ReadPrices"),
            Statement("Allow", new JsonArray("sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"), resources: new JsonArray(queueArn), sid: "InterruptionQueue"),
            Statement("Allow", new JsonArray("iam:PassRole"), resources: new JsonArray(nodeRoleArn),
                condition: new JsonObject { ["StringEquals"] = new JsonObject { ["iam:PassedToService"] = "ec2.amazonaws.com" } },
                sid: "PassNodeRole"),
            // The node classes name a pre-created instance profile, so Karpenter needs no IAM write access: it only
            // resolves the profile and lists profiles (its garbage collection of profiles it created runs regardless).
            Statement("Allow", new JsonArray("iam:GetInstanceProfile"), resources: new JsonArray(profiles), sid: "ReadInstanceProfiles"),
            // IAM List actions support no resource-level scoping: on any ARN but "*" the call is denied, and the
            // controller's instance profile garbage collection fails.
            Statement("Allow", new JsonArray("iam:ListInstanceProfiles"), resources: new JsonArray("*"), sid: "ListInstanceProfiles"),
            Statement("Allow", new JsonArray("eks:DescribeCluster"),
                resources: new JsonArray($"arn:{partition}:eks:{region}:{accountId}:cluster/{clusterName}"), sid: "DescribeCluster"));
    }

    private static JsonObject Statement(
        string effect, JsonArray actions, JsonNode? principal = null, JsonArray? resources = null, JsonObject? condition = null, string? sid = null)
    {
        var statement = new JsonObject();
        if (sid is not null)
        {
            statement["Sid"] = sid;
        }

        statement["Effect"] = effect;
        if (principal is not null)
        {
            statement["Principal"] = principal;
        }

        statement["Action"] = actions;
        if (resources is not null)
        {
            statement["Resource"] = resources;
        }

        if (condition is not null)
        {
            statement["Condition"] = condition;
        }

        return statement;
    }

    private static string Document(params JsonObject[] statements) =>
        new JsonObject
        {
            ["Version"] = "2012-10-17",
            ["Statement"] = new JsonArray([.. statements]),
        }.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}
