using System.Collections.Immutable;
using System.Text.Json.Nodes;
using MlPlatform.Components.Addons;
using MlPlatform.Components.Aws;
using MlPlatform.Infra.Plan;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Aws;

/// <summary>The AWS Load Balancer Controller: its release, namespace, openings, policy and identity.</summary>
public class LoadBalancerControllerTests
{
    private const string Namespace = "aws-load-balancer-controller";

    private static LoadBalancerControllerSettings Settings(bool ha) =>
        new("ml", "eu-west-1", "aws-load-balancer-controller", ha, "system-critical", ImmutableDictionary<string, string>.Empty.Add(EksCluster.SystemNodeLabel, "system"));

    private static JsonNode Values(bool ha) => Json.Of(AwsLoadBalancerController.Values(Settings(ha), "vpc-0123", new Dictionary<string, string>()));

    private static JsonObject Release(PlanResult plan) =>
        plan.OfType("kubernetes:helm.sh/v3:Release").Single(r => r.Name == AwsLoadBalancerController.ReleaseName).Inputs;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Values_exist_in_the_pinned_chart_and_keep_the_pods_restricted(bool ha)
    {
        var values = Values(ha);
        var chart = VersionCatalog.AwsLoadBalancerController;
        Assert.Empty(ChartValues.UnknownKeys(chart.Name, chart.Version, values));

        Assert.Equal(("ml", "eu-west-1", "vpc-0123"), (values["clusterName"]!.GetValue<string>(), values["region"]!.GetValue<string>(), values["vpcId"]!.GetValue<string>()));
        Assert.Equal("ip", values["defaultTargetType"]!.GetValue<string>());
        Assert.Equal("system-critical", values["priorityClassName"]!.GetValue<string>());
        Assert.Equal("system", values["nodeSelector"]![EksCluster.SystemNodeLabel]!.GetValue<string>());
        var pod = new JsonObject { ["securityContext"] = values["podSecurityContext"]!.DeepClone() };
        var container = new JsonObject { ["securityContext"] = values["securityContext"]!.DeepClone() };
        Assert.Empty(RestrictedPodSecurity.Problems(pod, [container], "controller"));
    }

    [Fact]
    public void Production_runs_two_replicas_spread_over_zones_with_a_disruption_budget()
    {
        var ha = Values(ha: true);
        Assert.Equal(2, ha["replicaCount"]!.AsInt());
        Assert.Equal(1, ha["podDisruptionBudget"]!["maxUnavailable"]!.AsInt());
        var spread = ha["topologySpreadConstraints"]!.AsArray().ToDictionary(c => c!["topologyKey"]!.GetValue<string>(), c => c!);
        Assert.Equal("DoNotSchedule", spread["kubernetes.io/hostname"]["whenUnsatisfiable"]!.GetValue<string>());
        Assert.Equal("Honor", spread["kubernetes.io/hostname"]["nodeTaintsPolicy"]!.GetValue<string>());
        Assert.Equal("ScheduleAnyway", spread["topology.kubernetes.io/zone"]["whenUnsatisfiable"]!.GetValue<string>());
        Assert.All(spread.Values, c => Assert.Equal(AwsLoadBalancerController.ReleaseName, c["labelSelector"]!["matchLabels"]!["app.kubernetes.io/instance"]!.GetValue<string>()));

        var single = Values(ha: false);
        Assert.Equal(1, single["replicaCount"]!.AsInt());
        Assert.Null(single["podDisruptionBudget"]);
        Assert.Null(single["topologySpreadConstraints"]);
    }

    [Fact]
    public async Task The_release_is_pinned_in_its_guarded_namespace_after_the_cluster_is_ready()
    {
        var plan = await AwsPlans.Production;

        var release = Release(plan);
        Assert.Equal(("aws-load-balancer-controller", "3.5.0", "https://aws.github.io/eks-charts"),
            (release["chart"]!.GetValue<string>(), release["version"]!.GetValue<string>(), release["repositoryOpts"]!["repo"]!.GetValue<string>()));
        Assert.Equal(Namespace, release["namespace"]!.GetValue<string>());
        Assert.Equal(plan.Outputs["vpcId"]!.GetValue<string>(), release["values"]!["vpcId"]!.GetValue<string>());
        Assert.Equal(2, release["values"]!["replicaCount"]!.AsInt());

        var ns = plan.OfType("kubernetes:core/v1:Namespace").Single(n => n.Inputs["metadata"]!["name"]!.GetValue<string>() == Namespace).Inputs;
        Assert.Equal("restricted", ns["metadata"]!["labels"]!["pod-security.kubernetes.io/enforce"]!.GetValue<string>());
        var component = plan.Get("mlplatform:aws:AwsLoadBalancerController", "aws-load-balancer-controller");
        Assert.Contains(plan.Get("aws:eks/nodeGroup:NodeGroup", "eks-system").Urn, component.DependsOn);
        Assert.Contains(plan.Get("aws:eks/addon:Addon", "eks-vpc-cni").Urn, component.DependsOn);

        // Staging runs one replica.
        Assert.Equal(1, Release(await AwsPlans.Staging)["values"]!["replicaCount"]!.AsInt());
    }

    [Fact]
    public async Task The_namespace_opens_the_api_server_aws_apis_over_https_and_the_webhook_port()
    {
        var plan = await AwsPlans.Production;

        var policies = plan.OfType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
            .Where(p => p.Inputs["metadata"]!["namespace"]!.GetValue<string>() == Namespace)
            .ToDictionary(p => p.Inputs["metadata"]!["name"]!.GetValue<string>(), p => p.Inputs["spec"]!);
        Assert.Contains("default-deny", policies.Keys);
        static IEnumerable<int> Ports(JsonNode rule) => rule["ports"]!.AsArray().Select(p => p!["port"]!.AsInt());

        var webhooks = policies["allow-webhooks"]!["ingress"]![0]!;
        Assert.Equal(new[] { AwsLoadBalancerController.WebhookPort }, Ports(webhooks));
        Assert.Equal("10.50.0.0/16", webhooks["from"]![0]!["ipBlock"]!["cidr"]!.GetValue<string>());
        Assert.Equal(new[] { 443, 6443 }, Ports(policies["allow-api-server"]!["egress"]![0]!));
        var https = policies["allow-https"]!["egress"]![0]!;
        Assert.Equal(new[] { 443 }, Ports(https));
        Assert.Equal("0.0.0.0/0", https["to"]![0]!["ipBlock"]!["cidr"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_role_holds_the_upstream_policy_of_the_pinned_version()
    {
        var plan = await AwsPlans.Production;

        var policy = AwsTestSupport.ParseString(plan.Get("aws:iam/rolePolicy:RolePolicy", "aws-load-balancer-controller-pod-identity").Inputs["policy"]);
        var upstream = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "components", "Aws", "Policies", IamPolicies.LoadBalancerControllerPolicyFile)))!;
        Assert.True(JsonNode.DeepEquals(upstream, policy), "the role's policy differs from the upstream document");
        Assert.Contains("v3.5.0", IamPolicies.LoadBalancerControllerPolicyFile, StringComparison.Ordinal);
        Assert.Equal($"v{VersionCatalog.AwsLoadBalancerController.Version}",
            File.ReadAllLines(Path.Combine(RepositoryPaths.Root, "tests", "Fixtures", "schemas", "charts", "aws-load-balancer-controller", "3.5.0", "Chart.yaml"))
                .Single(l => l.StartsWith("appVersion:", StringComparison.Ordinal))["appVersion:".Length..].Trim());
        Assert.Equal($"arn:aws:iam::{FakeCloud.AccountId}:role/aws-load-balancer-controller-pod-identity", plan.Outputs["loadBalancerControllerRoleArn"]!.GetValue<string>());
    }

    [Fact]
    public void The_upstream_policy_follows_the_partition()
    {
        var commercial = IamPolicies.LoadBalancerController("aws");
        var govCloud = IamPolicies.LoadBalancerController("aws-us-gov");

        Assert.Equal(16, JsonNode.Parse(commercial)!["Statement"]!.AsArray().Count);
        Assert.Contains("\"arn:aws:elasticloadbalancing:", commercial, StringComparison.Ordinal);
        Assert.DoesNotContain("\"arn:aws:", govCloud, StringComparison.Ordinal);
        Assert.Contains("\"arn:aws-us-gov:ec2:*:*:security-group/*\"", govCloud, StringComparison.Ordinal);
        // Both fit an inline role policy (10,240 characters) with room to spare.
        Assert.True(govCloud.Length < 10_240, $"{govCloud.Length} characters");
    }
}
