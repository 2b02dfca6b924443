using System.Text.Json.Nodes;
using MlPlatform.Components.Aws;
using MlPlatform.Infra.Plan;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Aws;

/// <summary>EKS Pod Identity (production, the default) and IRSA (staging): who gets which role, and how.</summary>
public class PodIdentityTests
{
    private const string Association = "aws:eks/podIdentityAssociation:PodIdentityAssociation";
    private const string Role = "aws:iam/role:Role";

    private static readonly string[] AwsServiceAccounts =
    [
        "aws-load-balancer-controller/aws-load-balancer-controller",
        "cert-manager/cert-manager",
        "external-secrets/external-secrets",
        "karpenter/karpenter",
        "mlflow/mlflow",
    ];

    private static JsonNode Trust(PlannedResource role) => AwsTestSupport.ParseString(role.Inputs["assumeRolePolicy"]);

    [Fact]
    public async Task Associations_bind_exactly_the_service_accounts_that_call_aws()
    {
        var plan = await AwsPlans.Production;

        var associations = plan.OfType(Association).Select(a => a.Inputs).ToList();
        Assert.Equal(AwsServiceAccounts, associations
            .Select(a => $"{a["namespace"]!.GetValue<string>()}/{a["serviceAccount"]!.GetValue<string>()}").Order(StringComparer.Ordinal));
        Assert.All(associations, a => Assert.Equal("mlplatform-production", a["clusterName"]!.GetValue<string>()));

        // Each association names the role made for its own service account.
        var roles = plan.OfType(Role).ToDictionary(r => $"arn:aws:iam::{FakeCloud.AccountId}:role/{r.Name}");
        foreach (var association in associations)
        {
            var trust = Trust(roles[association["roleArn"]!.GetValue<string>()]);
            var tags = trust["Statement"]![0]!["Condition"]!["StringEquals"]!;
            Assert.Equal(association["namespace"]!.GetValue<string>(), tags["aws:RequestTag/kubernetes-namespace"]!.GetValue<string>());
            Assert.Equal(association["serviceAccount"]!.GetValue<string>(), tags["aws:RequestTag/kubernetes-service-account"]!.GetValue<string>());
        }

        // The EBS CSI driver's association belongs to its EKS add-on (created and deleted with it).
        var ebs = plan.Get("aws:eks/addon:Addon", "eks-aws-ebs-csi-driver").Inputs;
        var ebsAssociation = Assert.Single(ebs["podIdentityAssociations"]!.AsArray())!;
        Assert.Equal(EksCluster.EbsCsiServiceAccount, ebsAssociation["serviceAccount"]!.GetValue<string>());
        Assert.Equal($"arn:aws:iam::{FakeCloud.AccountId}:role/eks-ebs-csi", ebsAssociation["roleArn"]!.GetValue<string>());
        Assert.Null(ebs["serviceAccountRoleArn"]);
    }

    [Fact]
    public async Task Pod_identity_roles_trust_only_the_pod_identity_service_for_their_cluster_and_service_account()
    {
        var plan = await AwsPlans.Production;

        var workloadRoles = plan.OfType(Role).Where(r => r.Parent is { } parent && parent.Contains(PodIdentityRole.TypeToken, StringComparison.Ordinal)).ToList();
        Assert.Equal(6, workloadRoles.Count); // five associations (cert-manager solves DNS-01 on Route 53) and the EBS CSI driver
        foreach (var role in workloadRoles)
        {
            var statement = Assert.Single(Trust(role)["Statement"]!.AsArray())!;
            Assert.Equal("pods.eks.amazonaws.com", statement["Principal"]!["Service"]!.GetValue<string>());
            Assert.Equal(new[] { "sts:AssumeRole", "sts:TagSession" }, statement["Action"]!.AsArray().Select(a => a!.GetValue<string>()));
            var conditions = statement["Condition"]!["StringEquals"]!;
            Assert.Equal(FakeCloud.AccountId, conditions["aws:SourceAccount"]!.GetValue<string>());
            Assert.Equal("mlplatform-production", conditions["aws:RequestTag/eks-cluster-name"]!.GetValue<string>());
        }

        // No OIDC trust anywhere: no identity provider, no web-identity role.
        Assert.Empty(plan.OfType("aws:iam/openIdConnectProvider:OpenIdConnectProvider"));
        Assert.DoesNotContain(plan.OfType(Role), r => Trust(r).ToJsonString().Contains("Federated", StringComparison.Ordinal));
        Assert.Null(plan.Outputs["oidcProviderArn"]);
        Assert.Equal("pod-identity", plan.Outputs["identity"]!.GetValue<string>());
    }

    [Fact]
    public async Task Pod_identity_needs_its_agent_and_no_service_account_annotation()
    {
        var plan = await AwsPlans.Production;

        var agent = plan.Get("aws:eks/addon:Addon", "eks-eks-pod-identity-agent");
        Assert.Contains(agent.Urn, plan.Get("aws:eks/addon:Addon", "eks-aws-ebs-csi-driver").DependsOn);
        foreach (var release in new[] { "karpenter", "aws-load-balancer-controller" })
        {
            var values = plan.OfType("kubernetes:helm.sh/v3:Release").Single(r => r.Name == release).Inputs["values"]!;
            Assert.Empty(values["serviceAccount"]!["annotations"]!.AsObject());
        }

        Assert.DoesNotContain(plan.OfType("kubernetes:helm.sh/v3:Release"),
            r => r.Inputs.ToJsonString().Contains(IrsaRole.RoleArnAnnotation, StringComparison.Ordinal));
        Assert.DoesNotContain(plan.OfType("kubernetes:core/v1:ServiceAccount"),
            r => r.Inputs.ToJsonString().Contains(IrsaRole.RoleArnAnnotation, StringComparison.Ordinal));

        // Pods started before their association get no credentials: every association comes before the controllers.
        var karpenter = plan.ChildrenOf(plan.Get("mlplatform:aws:Karpenter", "karpenter").Urn).Single(r => r.Name == "karpenter");
        Assert.Contains(plan.Get(Association, "karpenter-controller").Urn, karpenter.DependsOn);
        var loadBalancerController = plan.Get("mlplatform:aws:AwsLoadBalancerController", "aws-load-balancer-controller");
        Assert.Contains(plan.Get(Association, "aws-load-balancer-controller-pod-identity").Urn, loadBalancerController.DependsOn);
    }

    [Fact]
    public async Task Cert_manager_may_change_records_of_its_hosted_zone_only()
    {
        var plan = await AwsPlans.Production;

        var policy = System.Text.Json.Nodes.JsonNode.Parse(Assert.Single(plan.OfType("aws:iam/rolePolicy:RolePolicy"), p => p.Name.StartsWith("cert-manager", StringComparison.Ordinal))
            .Inputs["policy"]!.GetValue<string>())!;
        var statements = policy["Statement"]!.AsArray().ToDictionary(st => st!["Sid"]!.GetValue<string>(), st => st!);
        Assert.Equal(["ChallengeRecords", "Changes", "FindZone"], statements.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("arn:aws:route53:::hostedzone/Z04812345PRODML00001", statements["ChallengeRecords"]["Resource"]!.AsArray().Single()!.GetValue<string>());
        Assert.DoesNotContain(statements.Values, st => st["Action"]!.AsArray().Any(a => a!.GetValue<string>() == "route53:ChangeResourceRecordSets") && st["Resource"]!.ToJsonString().Contains('*', StringComparison.Ordinal));
    }

    [Fact]
    public async Task Workloads_with_pod_identity_may_reach_the_agent_and_nothing_else_does()
    {
        var production = await AwsPlans.Production;
        var staging = await AwsPlans.Staging;

        static IEnumerable<string> Namespaces(PlanResult plan) => plan.OfType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
            .Where(p => p.Inputs["metadata"]!["name"]!.GetValue<string>() == "allow-pod-identity-agent")
            .Select(p => p.Inputs["metadata"]!["namespace"]!.GetValue<string>()).Order(StringComparer.Ordinal);

        Assert.Equal(AwsServiceAccounts.Select(a => a.Split('/')[0]), Namespaces(production));
        Assert.Empty(Namespaces(staging));
        var rule = production.OfType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
            .First(p => p.Inputs["metadata"]!["name"]!.GetValue<string>() == "allow-pod-identity-agent").Inputs["spec"]!["egress"]![0]!;
        Assert.Equal("169.254.170.23/32", rule["to"]![0]!["ipBlock"]!["cidr"]!.GetValue<string>());
        Assert.Equal(80, rule["ports"]![0]!["port"]!.AsInt());
    }

    [Fact]
    public async Task Irsa_still_works_when_chosen()
    {
        var plan = await AwsPlans.Staging;

        Assert.Empty(plan.OfType(Association));
        Assert.DoesNotContain(plan.OfType("aws:eks/addon:Addon"), a => a.Inputs["addonName"]!.GetValue<string>() == EksCluster.PodIdentityAgentAddon);
        Assert.Single(plan.OfType("aws:iam/openIdConnectProvider:OpenIdConnectProvider"));
        Assert.Equal("irsa", plan.Outputs["identity"]!.GetValue<string>());

        var ebs = plan.Get("aws:eks/addon:Addon", "eks-aws-ebs-csi-driver").Inputs;
        Assert.Equal($"arn:aws:iam::{FakeCloud.AccountId}:role/eks-ebs-csi", ebs["serviceAccountRoleArn"]!.GetValue<string>());
        Assert.Null(ebs["podIdentityAssociations"]);

        var karpenter = plan.OfType("kubernetes:helm.sh/v3:Release").Single(r => r.Name == "karpenter").Inputs["values"]!;
        Assert.Equal($"arn:aws:iam::{FakeCloud.AccountId}:role/karpenter-controller",
            karpenter["serviceAccount"]!["annotations"]![IrsaRole.RoleArnAnnotation]!.GetValue<string>());
        var controller = plan.OfType("kubernetes:helm.sh/v3:Release").Single(r => r.Name == "aws-load-balancer-controller").Inputs["values"]!;
        Assert.Equal($"arn:aws:iam::{FakeCloud.AccountId}:role/aws-load-balancer-controller-irsa",
            controller["serviceAccount"]!["annotations"]![IrsaRole.RoleArnAnnotation]!.GetValue<string>());
        Assert.Contains(plan.OfType(Role), r => r.Name == "mlflow-irsa");
    }

    [Fact]
    public async Task A_pod_identity_role_gets_its_permissions_before_its_association()
    {
        var recorder = new OptionsRecorder();
        var mocks = await ComponentTest.RunAsync(() => _ = new PodIdentityRole("mlflow", new PodIdentityRoleArgs
        {
            ClusterName = "ml",
            AccountId = "123456789012",
            Namespace = "mlflow",
            ServiceAccount = "mlflow",
            Description = "MLflow",
            InlinePolicy = """{"Version":"2012-10-17","Statement":[]}""",
        }, recorder.Options()));

        var trust = AwsTestSupport.ParseString(mocks.Inputs(Role, "mlflow")["assumeRolePolicy"]);
        Assert.Equal(
            """{"Version":"2012-10-17","Statement":[{"Sid":"EksPodIdentity","Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"],"Condition":{"StringEquals":{"aws:SourceAccount":"123456789012","aws:RequestTag/eks-cluster-name":"ml","aws:RequestTag/kubernetes-namespace":"mlflow","aws:RequestTag/kubernetes-service-account":"mlflow"}}}]}""",
            trust.ToJsonString());
        var association = mocks.Inputs(Association, "mlflow");
        Assert.Equal(("ml", "mlflow", "mlflow", "arn:aws:iam::123456789012:role/mlflow"), (
            association["clusterName"]!.GetValue<string>(), association["namespace"]!.GetValue<string>(),
            association["serviceAccount"]!.GetValue<string>(), association["roleArn"]!.GetValue<string>()));
        Assert.Contains(await recorder.DependenciesOf(Association, "mlflow"), d => d.GetResourceType() == "aws:iam/rolePolicy:RolePolicy");
    }
}
