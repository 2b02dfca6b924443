using System.Text.Json.Nodes;
using MlPlatform.Components.Aws;
using Xunit;

namespace MlPlatform.Tests.Aws;

public class PolicyDocumentTests
{
    private const string Provider = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC";

    private static JsonArray Statements(string document) => JsonNode.Parse(document)!["Statement"]!.AsArray();

    private static JsonNode Sid(string document, string sid) => Statements(document).Single(s => s!["Sid"]?.GetValue<string>() == sid)!;

    [Theory]
    [InlineData("10.0.0.0/16", 3, 0, "10.0.0.0/19")]
    [InlineData("10.0.0.0/16", 3, 4, "10.0.128.0/19")]
    [InlineData("10.40.0.0/16", 3, 6, "10.40.192.0/19")]
    [InlineData("10.8.0.0/20", 3, 2, "10.8.4.0/23")]
    [InlineData("10.0.5.7/16", 3, 1, "10.0.32.0/19")]
    public void Subnet_blocks_are_carved_from_the_vpc(string cidr, int bits, int index, string expected)
    {
        Assert.Equal(expected, SubnetPlan.Block(cidr, bits, index));
    }

    [Fact]
    public void Subnet_plan_gives_three_private_and_three_public_disjoint_subnets()
    {
        Assert.Equal(new[] { "10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19" }, SubnetPlan.Private("10.0.0.0/16").ToArray());
        Assert.Equal(new[] { "10.0.128.0/19", "10.0.160.0/19", "10.0.192.0/19" }, SubnetPlan.Public("10.0.0.0/16").ToArray());
        Assert.Throws<ArgumentException>(() => SubnetPlan.Block("10.0.0.0/16", 3, 8));
        Assert.Throws<ArgumentException>(() => SubnetPlan.Block("10.0.0.0/26", 3, 0));
    }

    [Fact]
    public void Irsa_trust_names_exactly_one_service_account_and_the_sts_audience()
    {
        var statement = Assert.Single(Statements(IamPolicies.IrsaTrust(Provider, "https://oidc.eks.us-east-1.amazonaws.com/id/ABC", "mlflow", "mlflow")))!;

        Assert.Equal("Allow", statement["Effect"]!.GetValue<string>());
        Assert.Equal(Provider, statement["Principal"]!["Federated"]!.GetValue<string>());
        Assert.Equal("sts:AssumeRoleWithWebIdentity", Assert.Single(statement["Action"]!.AsArray())!.GetValue<string>());
        var equals = statement["Condition"]!["StringEquals"]!.AsObject();
        Assert.Equal(2, equals.Count);
        Assert.Equal("system:serviceaccount:mlflow:mlflow", equals["oidc.eks.us-east-1.amazonaws.com/id/ABC:sub"]!.GetValue<string>());
        Assert.Equal("sts.amazonaws.com", equals["oidc.eks.us-east-1.amazonaws.com/id/ABC:aud"]!.GetValue<string>());
        Assert.Null(statement["Condition"]!["StringLike"]);
    }

    [Fact]
    public void Bucket_access_is_limited_to_one_bucket_and_its_key()
    {
        var document = IamPolicies.BucketReadWrite("arn:aws:s3:::artifacts", "arn:aws:kms:us-east-1:123456789012:key/k");
        var resources = Statements(document).SelectMany(s => s!["Resource"]!.AsArray()).Select(r => r!.GetValue<string>()).ToList();
        Assert.Equal(new[] { "arn:aws:s3:::artifacts", "arn:aws:s3:::artifacts/*", "arn:aws:kms:us-east-1:123456789012:key/k" }, resources);
        Assert.DoesNotContain(Statements(document).SelectMany(s => s!["Action"]!.AsArray()), a => a!.GetValue<string>().EndsWith('*'));
    }

    [Fact]
    public void Secrets_access_is_limited_to_the_given_secrets()
    {
        var document = IamPolicies.SecretsRead(["arn:aws:secretsmanager:us-east-1:123456789012:secret:db-abc"], "arn:aws:kms:us-east-1:123456789012:key/k");
        var secrets = Sid(document, "PlatformSecrets");
        Assert.Equal("arn:aws:secretsmanager:us-east-1:123456789012:secret:db-abc", Assert.Single(secrets["Resource"]!.AsArray())!.GetValue<string>());
        Assert.DoesNotContain(secrets["Action"]!.AsArray(), a => a!.GetValue<string>() is "secretsmanager:PutSecretValue" or "secretsmanager:*");
    }

    [Fact]
    public void Bucket_policy_denies_plain_http()
    {
        var statement = Assert.Single(Statements(IamPolicies.TlsOnlyBucket("arn:aws:s3:::artifacts")))!;
        Assert.Equal("Deny", statement["Effect"]!.GetValue<string>());
        Assert.Equal("false", statement["Condition"]!["Bool"]!["aws:SecureTransport"]!.GetValue<string>());
        Assert.Equal(2, statement["Resource"]!.AsArray().Count);
    }

    [Fact]
    public void Interruption_queue_accepts_eventbridge_and_sqs_only()
    {
        var document = IamPolicies.InterruptionQueue("arn:aws:sqs:us-east-1:123456789012:q");
        var services = Sid(document, "EventBridgeDelivery")["Principal"]!["Service"]!.AsArray().Select(s => s!.GetValue<string>());
        Assert.Equal(new[] { "events.amazonaws.com", "sqs.amazonaws.com" }, services);
        Assert.Equal("Deny", Sid(document, "DenyInsecureTransport")["Effect"]!.GetValue<string>());
    }

    [Fact]
    public void Karpenter_controller_is_scoped_to_its_cluster_node_role_and_queue()
    {
        var document = IamPolicies.KarpenterController("aws", "us-east-1", "123456789012", "ml", "arn:aws:iam::123456789012:role/ml-karpenter-node", "arn:aws:sqs:us-east-1:123456789012:ml-karpenter");

        var passRole = Sid(document, "PassNodeRole");
        Assert.Equal("arn:aws:iam::123456789012:role/ml-karpenter-node", Assert.Single(passRole["Resource"]!.AsArray())!.GetValue<string>());
        Assert.Equal("ec2.amazonaws.com", passRole["Condition"]!["StringEquals"]!["iam:PassedToService"]!.GetValue<string>());
        Assert.Equal("owned", Sid(document, "DeleteClusterResources")["Condition"]!["StringEquals"]!["aws:ResourceTag/kubernetes.io/cluster/ml"]!.GetValue<string>());
        Assert.Equal("owned", Sid(document, "LaunchClusterResources")["Condition"]!["StringEquals"]!["aws:RequestTag/kubernetes.io/cluster/ml"]!.GetValue<string>());
        Assert.Equal("owned", Sid(document, "LaunchWithClusterTemplates")["Condition"]!["StringEquals"]!["aws:ResourceTag/kubernetes.io/cluster/ml"]!.GetValue<string>());
        Assert.Equal("arn:aws:sqs:us-east-1:123456789012:ml-karpenter", Assert.Single(Sid(document, "InterruptionQueue")["Resource"]!.AsArray())!.GetValue<string>());
        Assert.Equal("arn:aws:eks:us-east-1:123456789012:cluster/ml", Assert.Single(Sid(document, "DescribeCluster")["Resource"]!.AsArray())!.GetValue<string>());
        Assert.DoesNotContain(Statements(document).SelectMany(s => s!["Action"]!.AsArray()), a => a!.GetValue<string>() is "iam:*" or "ec2:*" or "*");
    }

    [Fact]
    public void Karpenter_controller_holds_every_action_karpenter_1x_calls()
    {
        var document = IamPolicies.KarpenterController("aws", "us-east-1", "123456789012", "ml", "arn:aws:iam::123456789012:role/ml-karpenter-node", "arn:aws:sqs:us-east-1:123456789012:ml-karpenter");
        var actions = Statements(document).Where(s => s!["Effect"]!.GetValue<string>() == "Allow")
            .SelectMany(s => s!["Action"]!.AsArray()).Select(a => a!.GetValue<string>()).ToHashSet();
        string[] needed =
        [
            "ec2:CreateFleet", "ec2:RunInstances", "ec2:CreateLaunchTemplate", "ec2:DeleteLaunchTemplate", "ec2:CreateTags",
            "ec2:TerminateInstances", "ec2:DescribeImages", "ec2:DescribeInstances", "ec2:DescribeInstanceTypes",
            "ec2:DescribeInstanceTypeOfferings", "ec2:DescribeLaunchTemplates", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets",
            "ec2:DescribeSpotPriceHistory", "ec2:DescribeCapacityReservations", "ssm:GetParameter", "pricing:GetProducts",
            "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueUrl", "iam:PassRole", "eks:DescribeCluster",
            "iam:GetInstanceProfile", "iam:ListInstanceProfiles",
        ];
        Assert.Empty(needed.Except(actions));
    }

    [Fact]
    public void Karpenter_controller_has_no_iam_write_access_and_lists_profiles_on_the_only_resource_iam_accepts()
    {
        var document = IamPolicies.KarpenterController("aws", "eu-west-1", "123456789012", "ml", "arn:aws:iam::123456789012:role/ml-karpenter-node", "arn:aws:sqs:eu-west-1:123456789012:ml-karpenter");
        var iamActions = Statements(document).SelectMany(s => s!["Action"]!.AsArray()).Select(a => a!.GetValue<string>())
            .Where(a => a.StartsWith("iam:", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        Assert.Equal(new[] { "iam:GetInstanceProfile", "iam:ListInstanceProfiles", "iam:PassRole" }, iamActions);

        var list = Sid(document, "ListInstanceProfiles");
        Assert.Equal("iam:ListInstanceProfiles", Assert.Single(list["Action"]!.AsArray())!.GetValue<string>());
        Assert.Equal("*", Assert.Single(list["Resource"]!.AsArray())!.GetValue<string>());
        Assert.Equal(new[] { "eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name" },
            Sid(document, "TagClusterInstances")["Condition"]!["ForAllValues:StringEquals"]!["aws:TagKeys"]!.AsArray().Select(k => k!.GetValue<string>()));
        Assert.Equal("arn:aws:iam::123456789012:instance-profile/*",
            Assert.Single(Sid(document, "ReadInstanceProfiles")["Resource"]!.AsArray())!.GetValue<string>());
    }

    [Fact]
    public void Kubeconfig_authenticates_with_the_aws_cli_and_holds_no_credentials()
    {
        var kubeconfig = JsonNode.Parse(EksCluster.BuildKubeconfig("ml", "https://x.eks.amazonaws.com", "Q0E=", "eu-west-1"))!;
        var exec = kubeconfig["users"]![0]!["user"]!["exec"]!;
        Assert.Equal("aws", exec["command"]!.GetValue<string>());
        Assert.Equal(new[] { "eks", "get-token", "--cluster-name", "ml", "--region", "eu-west-1", "--output", "json" },
            exec["args"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal("https://x.eks.amazonaws.com", kubeconfig["clusters"]![0]!["cluster"]!["server"]!.GetValue<string>());
        Assert.Null(kubeconfig["users"]![0]!["user"]!["token"]);
    }
}
