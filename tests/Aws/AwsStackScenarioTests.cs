using System.Text.Json.Nodes;
using MlPlatform.Infra.Plan;
using MlPlatform.Tests.Support;
using Moq;
using Pulumi.Testing;
using Xunit;

namespace MlPlatform.Tests.Aws;

public class AwsStackScenarioTests
{
    private const string ProductionCluster = "mlplatform-production";

    private static JsonObject Single(PlanResult plan, string type, string name) =>
        plan.Resources.Single(r => r.Type == type && r.Name == name).Inputs;

    private static string Subject(JsonNode trustPolicy) =>
        trustPolicy["Statement"]![0]!["Condition"]!["StringEquals"]!.AsObject().Single(c => c.Key.EndsWith(":sub", StringComparison.Ordinal)).Value!.GetValue<string>();

    private static string Audience(JsonNode trustPolicy) =>
        trustPolicy["Statement"]![0]!["Condition"]!["StringEquals"]!.AsObject().Single(c => c.Key.EndsWith(":aud", StringComparison.Ordinal)).Value!.GetValue<string>();

    [Fact]
    public async Task Production_cluster_is_private_encrypted_audited_and_reached_through_its_own_provider()
    {
        var plan = await AwsPlans.Production;

        Assert.Equal("aws", plan.Cloud);
        var cluster = Single(plan, "aws:eks/cluster:Cluster", "eks");
        Assert.Equal(ProductionCluster, cluster["name"]!.GetValue<string>());
        Assert.False(cluster["vpcConfig"]!["endpointPublicAccess"]!.GetValue<bool>());
        Assert.True(cluster["vpcConfig"]!["endpointPrivateAccess"]!.GetValue<bool>());
        Assert.Contains("audit", cluster["enabledClusterLogTypes"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal("secrets", cluster["encryptionConfig"]!["resources"]![0]!.GetValue<string>());
        Assert.False(cluster["accessConfig"]!["bootstrapClusterCreatorAdminPermissions"]!.GetValue<bool>());
        Assert.True(cluster["deletionProtection"]!.GetValue<bool>());

        // Every Kubernetes object goes through the provider built from the cluster, whose user runs aws eks get-token.
        var provider = plan.Resources.Single(r => r.Type == "pulumi:providers:kubernetes");
        var kubeconfig = JsonNode.Parse(provider.Inputs["kubeconfig"]!.GetValue<string>())!;
        Assert.Equal(new[] { "eks", "get-token", "--cluster-name", ProductionCluster, "--region", "us-east-1", "--output", "json" },
            kubeconfig["users"]![0]!["user"]!["exec"]!["args"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.StartsWith("https://", kubeconfig["clusters"]![0]!["cluster"]!["server"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.All(plan.Resources.Where(r => r.Custom && r.Type.StartsWith("kubernetes:", StringComparison.Ordinal)),
            r => Assert.StartsWith(provider.Urn, r.Provider ?? "", StringComparison.Ordinal));
        // AWS resources use the explicit provider of mlplatform:region.
        var aws = plan.Resources.Single(r => r.Type == "pulumi:providers:aws");
        Assert.Equal("us-east-1", aws.Inputs["region"]!.GetValue<string>());
        Assert.All(plan.Resources.Where(r => r.Custom && r.Type.StartsWith("aws:", StringComparison.Ordinal)),
            r => Assert.StartsWith(aws.Urn, r.Provider ?? "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Plan_passes_the_ids_aws_really_assigns_to_queue_policies_and_secret_versions()
    {
        var plan = await AwsPlans.Production;

        // A queue's ID is its URL and a secret's ID its ARN: the plan must not hide a wrong reference behind names.
        var queueUrl = Assert.Single(plan.OfType("aws:sqs/queuePolicy:QueuePolicy")).Inputs["queueUrl"]!.GetValue<string>();
        Assert.Equal($"https://sqs.us-east-1.amazonaws.com/{FakeCloud.AccountId}/{ProductionCluster}-karpenter", queueUrl);
        var secretId = Assert.Single(plan.OfType("aws:secretsmanager/secretVersion:SecretVersion")).Inputs["secretId"]!.GetValue<string>();
        Assert.StartsWith($"arn:aws:secretsmanager:us-east-1:{FakeCloud.AccountId}:secret:{ProductionCluster}/mlflow/database-", secretId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_network_has_a_nat_gateway_per_zone_and_flow_logs()
    {
        var plan = await AwsPlans.Production;
        Assert.Equal(3, plan.OfType("aws:ec2/natGateway:NatGateway").Count());
        Assert.Equal("10.50.0.0/16", Assert.Single(plan.OfType("aws:ec2/vpc:Vpc")).Inputs["cidrBlock"]!.GetValue<string>());
        Assert.Single(plan.OfType("aws:ec2/flowLog:FlowLog"));
        Assert.Equal(365, Single(plan, "aws:cloudwatch/logGroup:LogGroup", "network-flow-logs")["retentionInDays"]!.AsInt());

        // The network policies open the API server and webhooks to the VPC, not to the world.
        var apiServer = plan.OfType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
            .Single(p => p.Inputs["metadata"]!["namespace"]!.GetValue<string>() == "karpenter" && p.Inputs["metadata"]!["name"]!.GetValue<string>() == "allow-api-server");
        Assert.Equal("10.50.0.0/16", apiServer.Inputs["spec"]!["egress"]![0]!["to"]![0]!["ipBlock"]!["cidr"]!.GetValue<string>());
    }

    [Fact]
    public async Task Production_nodes_use_imdsv2_and_gpu_pools_are_tainted_and_limited()
    {
        var plan = await AwsPlans.Production;

        var template = Assert.Single(plan.OfType("aws:ec2/launchTemplate:LaunchTemplate")).Inputs;
        Assert.Equal("required", template["metadataOptions"]!["httpTokens"]!.GetValue<string>());
        Assert.Equal(1, template["metadataOptions"]!["httpPutResponseHopLimit"]!.AsInt());
        foreach (var nodeClass in plan.OfType("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"))
        {
            Assert.Equal("required", nodeClass.Inputs["spec"]!["metadataOptions"]!["httpTokens"]!.GetValue<string>());
            Assert.Equal(1, nodeClass.Inputs["spec"]!["metadataOptions"]!["httpPutResponseHopLimit"]!.AsInt());
            Assert.Equal("mlplatform-production-karpenter-node", nodeClass.Inputs["spec"]!["instanceProfile"]!.GetValue<string>());
            Assert.Equal("al2023@v20260512", nodeClass.Inputs["spec"]!["amiSelectorTerms"]![0]!["alias"]!.GetValue<string>());
            Assert.Empty(CrdSchema.Problems("karpenter.k8s.aws", "v1", "EC2NodeClass", nodeClass.Inputs));
        }

        // The profile the node classes name exists and holds the Karpenter node role (Karpenter creates none itself).
        var profile = Assert.Single(plan.OfType("aws:iam/instanceProfile:InstanceProfile")).Inputs;
        Assert.Equal("mlplatform-production-karpenter-node", profile["name"]!.GetValue<string>());
        Assert.Equal("mlplatform-production-karpenter-node", profile["role"]!.GetValue<string>());

        var pools = plan.OfType("kubernetes:karpenter.sh/v1:NodePool").ToDictionary(p => p.Inputs["metadata"]!["name"]!.GetValue<string>(), p => p.Inputs);
        Assert.Equal(new[] { "cpu-batch", "gpu-inference", "gpu-training" }, pools.Keys.Order(StringComparer.Ordinal));
        foreach (var pool in pools.Values)
        {
            Assert.Empty(CrdSchema.Problems("karpenter.sh", "v1", "NodePool", pool));
        }

        Assert.Equal("12", pools["gpu-inference"]["spec"]!["limits"]!["nvidia.com/gpu"]!.GetValue<string>());
        Assert.Equal("32", pools["gpu-training"]["spec"]!["limits"]!["nvidia.com/gpu"]!.GetValue<string>());
        Assert.Null(pools["cpu-batch"]["spec"]!["limits"]!["nvidia.com/gpu"]);
        foreach (var gpuPool in new[] { "gpu-inference", "gpu-training" })
        {
            Assert.Contains(pools[gpuPool]["spec"]!["template"]!["spec"]!["taints"]!.AsArray(),
                t => t!["key"]!.GetValue<string>() == "nvidia.com/gpu" && t["effect"]!.GetValue<string>() == "NoSchedule");
        }

        Assert.Equal(new[] { "p5" }, Requirement(pools["gpu-training"], "karpenter.k8s.aws/instance-family"));
        Assert.Equal(new[] { "on-demand" }, Requirement(pools["gpu-training"], "karpenter.sh/capacity-type"));
        Assert.Equal(new[] { "spot", "on-demand" }, Requirement(pools["gpu-inference"], "karpenter.sh/capacity-type"));

        var outputs = plan.Outputs["nodePools"]!.AsArray();
        Assert.Equal(3, outputs.Count);
        Assert.Equal("on-demand", outputs.Single(p => p!["name"]!.GetValue<string>() == "gpu-training")!["capacity"]!.GetValue<string>());
        var report = PlanReport.Render(plan);
        Assert.Contains("Node pools:", report, StringComparison.Ordinal);
        Assert.Contains("gpu-training", report, StringComparison.Ordinal);
    }

    private static IEnumerable<string> Requirement(JsonObject pool, string key) =>
        pool["spec"]!["template"]!["spec"]!["requirements"]!.AsArray().Single(r => r!["key"]!.GetValue<string>() == key)!["values"]!.AsArray().Select(v => v!.GetValue<string>());

    [Fact]
    public async Task Production_interruption_queue_is_fed_by_eventbridge_and_wired_into_karpenter()
    {
        var plan = await AwsPlans.Production;

        var queue = Assert.Single(plan.OfType("aws:sqs/queue:Queue")).Inputs;
        Assert.True(queue["sqsManagedSseEnabled"]!.GetValue<bool>());
        var queueName = queue["name"]!.GetValue<string>();
        var release = plan.OfType("kubernetes:helm.sh/v3:Release").Single(r => r.Name == "karpenter").Inputs;
        Assert.Equal(queueName, release["values"]!["settings"]!["interruptionQueue"]!.GetValue<string>());
        Assert.Equal(ProductionCluster, release["values"]!["settings"]!["clusterName"]!.GetValue<string>());
        Assert.Equal(2, release["values"]!["replicas"]!.AsInt());
        Assert.Equal("karpenter", release["namespace"]!.GetValue<string>());

        var patterns = plan.OfType("aws:cloudwatch/eventRule:EventRule").Select(r => JsonNode.Parse(r.Inputs["eventPattern"]!.GetValue<string>())!).ToList();
        Assert.Equal(
            new[] { "AWS Health Event", "EC2 Instance Rebalance Recommendation", "EC2 Instance State-change Notification", "EC2 Spot Instance Interruption Warning" },
            patterns.Select(p => p["detail-type"]![0]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.All(plan.OfType("aws:cloudwatch/eventTarget:EventTarget"),
            t => Assert.Equal($"arn:aws:sqs:us-east-1:{FakeCloud.AccountId}:{queueName}", t.Inputs["arn"]!.GetValue<string>()));
        var queuePolicy = AwsTestSupport.ParseString(Assert.Single(plan.OfType("aws:sqs/queuePolicy:QueuePolicy")).Inputs["policy"]);
        Assert.Contains("events.amazonaws.com", queuePolicy.ToJsonString(), StringComparison.Ordinal);

        var nodeEntry = plan.OfType("aws:eks/accessEntry:AccessEntry").Single(e => e.Inputs["type"]!.GetValue<string>() == "EC2_LINUX").Inputs;
        Assert.Equal($"arn:aws:iam::{FakeCloud.AccountId}:role/mlplatform-production-karpenter-node", nodeEntry["principalArn"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("karpenter-controller", "system:serviceaccount:karpenter:karpenter", "karpenterControllerRoleArn")]
    [InlineData("mlflow-irsa", "system:serviceaccount:mlflow:mlflow", "mlflowRoleArn")]
    [InlineData("external-secrets-irsa", "system:serviceaccount:external-secrets:external-secrets", "externalSecretsRoleArn")]
    [InlineData("eks-ebs-csi", "system:serviceaccount:kube-system:ebs-csi-controller-sa", null)]
    [InlineData("aws-load-balancer-controller-irsa", "system:serviceaccount:aws-load-balancer-controller:aws-load-balancer-controller", "loadBalancerControllerRoleArn")]
    public async Task Staging_irsa_roles_trust_exactly_their_service_account(string role, string subject, string? output)
    {
        // Staging keeps IRSA (mlplatform:aws.identity: irsa); production uses the default, EKS Pod Identity.
        var plan = await AwsPlans.Staging;

        var trust = AwsTestSupport.ParseString(Single(plan, "aws:iam/role:Role", role)["assumeRolePolicy"]);
        Assert.Equal(subject, Subject(trust));
        Assert.Equal("sts.amazonaws.com", Audience(trust));
        Assert.Equal(plan.Outputs["oidcProviderArn"]!.GetValue<string>(), trust["Statement"]![0]!["Principal"]!["Federated"]!.GetValue<string>());
        if (output is not null)
        {
            Assert.Equal($"arn:aws:iam::{FakeCloud.AccountId}:role/{role}", plan.Outputs[output]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Production_identities_reach_only_their_own_resources()
    {
        var plan = await AwsPlans.Production;

        var bucket = plan.Outputs["artifactBucket"]!.GetValue<string>();
        var mlflow = AwsTestSupport.ParseString(Single(plan, "aws:iam/rolePolicy:RolePolicy", "mlflow-pod-identity")["policy"]).ToJsonString();
        Assert.Contains($"arn:aws:s3:::{bucket}/*", mlflow, StringComparison.Ordinal);
        Assert.DoesNotContain("secretsmanager", mlflow, StringComparison.Ordinal);
        var secrets = AwsTestSupport.ParseString(Single(plan, "aws:iam/rolePolicy:RolePolicy", "external-secrets-pod-identity")["policy"]);
        var secretArn = secrets["Statement"]![0]!["Resource"]![0]!.GetValue<string>();
        Assert.StartsWith($"arn:aws:secretsmanager:us-east-1:{FakeCloud.AccountId}:secret:{ProductionCluster}/mlflow/database-", secretArn, StringComparison.Ordinal);
        Assert.Equal($"{ProductionCluster}/mlflow/database", plan.Outputs["databaseSecretName"]!.GetValue<string>());
        Assert.Equal($"s3://{bucket}", plan.Outputs["artifactStoreUri"]!.GetValue<string>());
    }

    [Fact]
    public async Task Production_data_stores_are_encrypted_highly_available_and_protected()
    {
        var plan = await AwsPlans.Production;

        Assert.True(Assert.Single(plan.OfType("aws:rds/instance:Instance")).Protected);
        Assert.True(plan.Get("aws:s3/bucket:Bucket", "mlflow-artifacts").Protected);
        Assert.True(plan.Get("aws:s3/bucket:Bucket", "gateway-access-logs").Protected);
        Assert.True(Assert.Single(plan.OfType("aws:secretsmanager/secret:Secret")).Protected);
        Assert.All(plan.OfType("aws:kms/key:Key"), k => Assert.True(k.Protected, $"{k.Name} is not protected"));
        Assert.DoesNotContain(plan.Resources, r => r.Protected && r.Type.StartsWith("kubernetes:", StringComparison.Ordinal));

        var instance = Assert.Single(plan.OfType("aws:rds/instance:Instance")).Inputs;
        Assert.True(instance["multiAz"]!.GetValue<bool>());
        Assert.True(instance["deletionProtection"]!.GetValue<bool>());
        Assert.True(instance["storageEncrypted"]!.GetValue<bool>());
        Assert.False(instance["publiclyAccessible"]!.GetValue<bool>());
        Assert.Equal(14, instance["backupRetentionPeriod"]!.AsInt());
        Assert.Equal("db.r7g.large", instance["instanceClass"]!.GetValue<string>());
        var rule = Assert.Single(plan.OfType("aws:ec2/securityGroupRule:SecurityGroupRule")).Inputs;
        // The only way in is from the cluster security group (control plane, system nodes and Karpenter nodes).
        var clusterSecurityGroup = Assert.Single(plan.OfType("aws:ec2/tag:Tag")).Inputs["resourceId"]!.GetValue<string>();
        Assert.StartsWith("sg-", clusterSecurityGroup, StringComparison.Ordinal);
        Assert.Equal(clusterSecurityGroup, rule["sourceSecurityGroupId"]!.GetValue<string>());
        Assert.Equal(5432, rule["fromPort"]!.AsInt());
    }

    [Fact]
    public async Task Karpenter_waits_for_the_cluster_and_outlives_nothing_it_needs()
    {
        var plan = await AwsPlans.Production;
        var karpenter = plan.Get("mlplatform:aws:Karpenter", "karpenter");

        Assert.Contains(plan.Get("aws:eks/nodeGroup:NodeGroup", "eks-system").Urn, karpenter.DependsOn);
        Assert.Contains(plan.Get("aws:eks/addon:Addon", "eks-vpc-cni").Urn, karpenter.DependsOn);
        Assert.Contains(plan.Get("mlplatform:aws:KarpenterInfrastructure", "karpenter").Urn, karpenter.DependsOn);
        var release = plan.ChildrenOf(karpenter.Urn).Single(r => r.Type == "kubernetes:helm.sh/v3:Release" && r.Name == "karpenter");
        Assert.StartsWith(plan.Get("pulumi:providers:kubernetes", "eks").Urn + "::", release.Provider, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invokes_are_answered_by_the_fake_cloud()
    {
        var config = StackConfigFile.Load(RepositoryPaths.Root, "production");
        var mocks = new Mock<PlanMocks>("us-east-1", FakeCloud.AccountId) { CallBase = true };
        await Scenario.StackFileAsync("production", mocks.Object);

        foreach (var token in new[] { "aws:index/getAvailabilityZones:getAvailabilityZones", "aws:index/getCallerIdentity:getCallerIdentity", "aws:index/getPartition:getPartition" })
        {
            mocks.Verify(m => m.CallAsync(It.Is<MockCallArgs>(c => c.Token == token)), Times.AtLeastOnce(), token);
        }

        Assert.All(mocks.Object.Calls, c => Assert.StartsWith("aws:", c.Token, StringComparison.Ordinal));
        Assert.Equal("production", config.StackName);
    }

    [Fact]
    public async Task Staging_is_small_public_to_its_ranges_and_spot()
    {
        var plan = await AwsPlans.Staging;

        var vpcConfig = Single(plan, "aws:eks/cluster:Cluster", "eks")["vpcConfig"]!;
        Assert.True(vpcConfig["endpointPublicAccess"]!.GetValue<bool>());
        Assert.Equal("203.0.113.0/24", Assert.Single(vpcConfig["publicAccessCidrs"]!.AsArray())!.GetValue<string>());
        Assert.Single(plan.OfType("aws:ec2/natGateway:NatGateway"));
        var instance = Assert.Single(plan.OfType("aws:rds/instance:Instance")).Inputs;
        Assert.False(instance["multiAz"]!.GetValue<bool>());
        Assert.False(instance["deletionProtection"]!.GetValue<bool>());
        Assert.Equal(1, plan.OfType("kubernetes:helm.sh/v3:Release").Single(r => r.Name == "karpenter").Inputs["values"]!["replicas"]!.AsInt());
        Assert.All(plan.Outputs["nodePools"]!.AsArray(), p => Assert.Equal(0, p!["min"]!.AsInt()));
        Assert.All(plan.OfType("kubernetes:karpenter.sh/v1:NodePool"),
            p => Assert.Contains("spot", Requirement(p.Inputs, "karpenter.sh/capacity-type")));
        Assert.Equal("m7i.large", Assert.Single(plan.OfType("aws:eks/nodeGroup:NodeGroup")).Inputs["instanceTypes"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_mlflow_there_is_no_bucket_database_or_identity_for_it()
    {
        var config = new Dictionary<string, object>
        {
            ["cloud"] = "aws",
            ["environment"] = "staging",
            ["region"] = "eu-west-1",
            ["aws"] = new Dictionary<string, object> { ["adminRoleArns"] = new[] { "arn:aws:iam::123456789012:role/admin" } },
            ["addons"] = new Dictionary<string, object> { ["mlflow"] = false },
        };
        var plan = await Scenario.RunAsync(config, new PlanMocks("eu-west-1"));

        // The telemetry bucket (logging and tracing) is the only one left.
        Assert.Equal("telemetry", Assert.Single(plan.OfType("aws:s3/bucket:Bucket")).Name);
        Assert.Empty(plan.OfType("aws:rds/instance:Instance"));
        Assert.DoesNotContain(plan.OfType("aws:iam/role:Role"), r => r.Name.StartsWith("mlflow-", StringComparison.Ordinal) || r.Name.StartsWith("external-secrets-", StringComparison.Ordinal));
        Assert.Empty(plan.OfType("kubernetes:karpenter.sh/v1:NodePool"));
        Assert.Empty(plan.OfType("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"));
        Assert.Single(plan.OfType("aws:eks/cluster:Cluster"));
        Assert.Equal("eu-west-1", plan.Outputs["region"]!.GetValue<string>());
    }
}
