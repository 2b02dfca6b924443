using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlPlatform.Components.Addons;
using MlPlatform.Components.Aws;
using MlPlatform.Infra.Plan;
using MlPlatform.Stacks.Configuration;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Aws;

/// <summary>The shared gateway's Service on AWS: an NLB of the load balancer controller, set up through the EnvoyProxy.</summary>
public class GatewayLoadBalancerTests
{
    private const string P = NlbService.Prefix;
    private const string Certificate = "arn:aws:acm:us-east-1:123456789012:certificate/0f3c1a2b-1111-2222-3333-444455556666";
    private const string Admin = "arn:aws:iam::123456789012:role/platform-admin";

    private static JsonNode EnvoyService(PlanResult plan) =>
        Assert.Single(plan.OfType("kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy")).Inputs["spec"]!["provider"]!["kubernetes"]!["envoyService"]!;

    [Theory]
    [InlineData(LoadBalancerScheme.InternetFacing, "internet-facing")]
    [InlineData(LoadBalancerScheme.Internal, "internal")]
    public void Annotations_ask_for_an_ip_target_nlb_of_the_scheme(LoadBalancerScheme scheme, string expected)
    {
        var annotations = NlbService.Annotations(new NlbSettings(scheme));

        Assert.Equal("external", annotations[$"{P}type"]);
        Assert.Equal("ip", annotations[$"{P}nlb-target-type"]);
        Assert.Equal(expected, annotations[$"{P}scheme"]);
        Assert.Equal("load_balancing.cross_zone.enabled=true", annotations[$"{P}attributes"]);
        Assert.Equal("preserve_client_ip.enabled=true", annotations[$"{P}target-group-attributes"]);
        Assert.DoesNotContain($"{P}ssl-cert", annotations.Keys);
    }

    [Fact]
    public void Tls_at_the_nlb_uses_a_tls13_policy_and_re_encrypts_and_logs_go_to_the_bucket()
    {
        var annotations = NlbService.Annotations(new NlbSettings(LoadBalancerScheme.Internal, Certificate, "logs-bucket"));

        Assert.Equal(Certificate, annotations[$"{P}ssl-cert"]);
        Assert.Equal("443", annotations[$"{P}ssl-ports"]);
        Assert.Equal("ELBSecurityPolicy-TLS13-1-2-2021-06", annotations[$"{P}ssl-negotiation-policy"]);
        Assert.Equal("ssl", annotations[$"{P}backend-protocol"]);
        Assert.Equal("load_balancing.cross_zone.enabled=true,access_logs.s3.enabled=true,access_logs.s3.bucket=logs-bucket,access_logs.s3.prefix=gateway-nlb",
            annotations[$"{P}attributes"]);
    }

    [Fact]
    public async Task Production_gateway_service_is_an_internet_facing_nlb_logging_to_its_bucket_after_the_controller()
    {
        var plan = await AwsPlans.Production;

        var service = EnvoyService(plan);
        Assert.Equal(AwsLoadBalancerController.NlbClass, service["loadBalancerClass"]!.GetValue<string>());
        Assert.Equal("LoadBalancer", service["type"]!.GetValue<string>());
        Assert.Equal("internet-facing", service["annotations"]![$"{P}scheme"]!.GetValue<string>());
        var bucket = plan.Outputs["gatewayAccessLogBucket"]!.GetValue<string>();
        Assert.Contains($"access_logs.s3.bucket={bucket}", service["annotations"]![$"{P}attributes"]!.GetValue<string>(), StringComparison.Ordinal);
        // Any source (the default 0.0.0.0/0) needs no source ranges.
        Assert.Null(service["loadBalancerSourceRanges"]);

        // The gateway goes after the controller, so that a destroy deletes the NLB while its controller still runs.
        var gateway = plan.Get("mlplatform:addons:EnvoyGateway", "envoy-gateway");
        Assert.Contains(plan.OfType("kubernetes:helm.sh/v3:Release").Single(r => r.Name == AwsLoadBalancerController.ReleaseName).Urn, gateway.DependsOn);

        // The NLB health checks come from the VPC; clients keep their address (client IP preservation).
        var healthChecks = plan.OfType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
            .Single(p => p.Inputs["metadata"]!["name"]!.GetValue<string>() == "allow-load-balancer-health-checks").Inputs;
        Assert.Equal("envoy-gateway-system", healthChecks["metadata"]!["namespace"]!.GetValue<string>());
        Assert.Equal("10.50.0.0/16", healthChecks["spec"]!["ingress"]![0]!["from"]![0]!["ipBlock"]!["cidr"]!.GetValue<string>());
    }

    [Fact]
    public async Task Production_access_logs_are_encrypted_protected_and_writable_only_by_log_delivery()
    {
        var plan = await AwsPlans.Production;

        Assert.True(plan.Get("aws:s3/bucket:Bucket", "gateway-access-logs").Protected);
        var encryption = plan.Get("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "gateway-access-logs-encryption").Inputs;
        Assert.Equal("AES256", encryption["rules"]![0]!["applyServerSideEncryptionByDefault"]!["sseAlgorithm"]!.GetValue<string>());
        var access = plan.Get("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "gateway-access-logs-public-access").Inputs;
        Assert.True(access["blockPublicPolicy"]!.GetValue<bool>() && access["restrictPublicBuckets"]!.GetValue<bool>());
        var retention = plan.Get("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "gateway-access-logs-retention").Inputs;
        Assert.Equal(365, retention["rules"]![0]!["expiration"]!["days"]!.AsInt());

        var policy = AwsTestSupport.ParseString(plan.Get("aws:s3/bucketPolicy:BucketPolicy", "gateway-access-logs-policy").Inputs["policy"]);
        var statements = policy["Statement"]!.AsArray().ToDictionary(s => s!["Sid"]!.GetValue<string>());
        Assert.Equal("Deny", statements["DenyInsecureTransport"]!["Effect"]!.GetValue<string>());
        var write = statements["LogDeliveryWrite"]!;
        Assert.Equal("delivery.logs.amazonaws.com", write["Principal"]!["Service"]!.GetValue<string>());
        Assert.EndsWith($"/gateway-nlb/AWSLogs/{FakeCloud.AccountId}/*", write["Resource"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(FakeCloud.AccountId, write["Condition"]!["StringEquals"]!["aws:SourceAccount"]!.GetValue<string>());

        // Staging keeps no access logs by default.
        Assert.Empty((await AwsPlans.Staging).OfType("mlplatform:aws:AccessLogBucket"));
    }

    [Fact]
    public async Task An_internal_nlb_admits_only_the_configured_sources_and_terminates_tls_with_the_certificate()
    {
        var config = new Dictionary<string, object>
        {
            ["cloud"] = "aws",
            ["environment"] = "staging",
            ["region"] = "eu-west-1",
            ["aws"] = new Dictionary<string, object>
            {
                ["adminRoleArns"] = new[] { Admin },
                ["loadBalancer"] = new Dictionary<string, object> { ["scheme"] = "internal", ["certificateArn"] = Certificate },
            },
            ["network"] = new Dictionary<string, object> { ["loadBalancerSourceCidrs"] = new[] { "10.0.0.0/8", "192.168.0.0/16" } },
            ["gateway"] = new Dictionary<string, object> { ["hostname"] = "*.ml.example.com", ["tls"] = new Dictionary<string, object> { ["clusterIssuer"] = "letsencrypt" } },
        };
        var plan = await Scenario.RunAsync(config, new PlanMocks("eu-west-1"));

        var service = EnvoyService(plan);
        Assert.Equal("internal", service["annotations"]![$"{P}scheme"]!.GetValue<string>());
        Assert.Equal(Certificate, service["annotations"]![$"{P}ssl-cert"]!.GetValue<string>());
        Assert.Equal(new[] { "10.0.0.0/8", "192.168.0.0/16" }, service["loadBalancerSourceRanges"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Empty(CrdSchema.Problems("gateway.envoyproxy.io", "v1alpha1", "EnvoyProxy",
            Assert.Single(plan.OfType("kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy")).Inputs));
    }

    [Fact]
    public void Other_clouds_leave_the_gateway_service_to_the_cluster()
    {
        var spec = Json.Of(EnvoyGateway.ProxySpec(new EnvoyGatewayArgs { Namespace = "envoy-gateway-system" }));
        Assert.Null(spec["provider"]!["kubernetes"]!["envoyService"]);
    }

    [Fact]
    public void Load_balancer_settings_are_validated_with_their_keys()
    {
        static IReadOnlyList<ConfigProblem> Problems(Dictionary<string, object> loadBalancer, bool tls)
        {
            var config = new Dictionary<string, object>
            {
                ["cloud"] = "aws",
                ["environment"] = "staging",
                ["region"] = "us-east-1",
                ["aws"] = new Dictionary<string, object> { ["adminRoleArns"] = new[] { Admin }, ["loadBalancer"] = loadBalancer },
            };
            if (tls)
            {
                config["gateway"] = new Dictionary<string, object> { ["hostname"] = "ml.example.com", ["tls"] = new Dictionary<string, object> { ["clusterIssuer"] = "acme" } };
            }

            try
            {
                ConfigReader.Read(key => config.TryGetValue(key, out var value) ? value as string ?? JsonSerializer.Serialize(value) : null);
                return [];
            }
            catch (ConfigValidationException e)
            {
                return e.Problems;
            }
        }

        Assert.Contains(Problems(new() { ["scheme"] = "public" }, tls: false), p => p.Key == "mlplatform:aws.loadBalancer.scheme" && p.Message.Contains("internet-facing, internal", StringComparison.Ordinal));
        Assert.Contains(Problems(new() { ["certificateArn"] = "arn:aws:acm:us-east-1:1:certificate/x" }, tls: true), p => p.Key == "mlplatform:aws.loadBalancer.certificateArn");
        Assert.Contains(Problems(new() { ["certificateArn"] = Certificate }, tls: false), p => p.Key == "mlplatform:aws.loadBalancer.certificateArn" && p.Message.Contains("gateway.tls", StringComparison.Ordinal));
        Assert.Contains(Problems(new() { ["accessLog"] = true }, tls: false), p => p.Key.StartsWith("mlplatform:aws.loadBalancer", StringComparison.Ordinal));
        Assert.Empty(Problems(new() { ["scheme"] = "internal", ["accessLogs"] = true, ["certificateArn"] = Certificate }, tls: true));
    }
}
