using System.Collections.Immutable;
using MlPlatform.Components.Addons;
using MlPlatform.Components.Aws;
using MlPlatform.Infra.Plan;
using MlPlatform.Tests.Support;
using Pulumi;
using Xunit;

namespace MlPlatform.Tests.Aws;

public class EksClusterTests
{
    private const string Cluster = "aws:eks/cluster:Cluster";

    private static EksClusterArgs Args(ImmutableArray<string> publicCidrs = default, WorkloadIdentityMode identity = WorkloadIdentityMode.Irsa) => new()
    {
        Name = "ml",
        KubernetesVersion = "1.34",
        Region = "eu-west-1",
        SubnetIds = Output.Create(ImmutableArray.Create("subnet-a", "subnet-b", "subnet-c")),
        PublicAccessCidrs = publicCidrs.IsDefault ? [] : publicCidrs,
        AdminRoleArns = ["arn:aws:iam::123456789012:role/admin", "arn:aws:iam::123456789012:role/ci"],
        SystemNodes = new SystemNodeGroupSettings("m7i.large", 2, 4, 3),
        DeletionProtection = true,
        LogRetentionDays = 90,
        AddonVersions = VersionCatalog.EksAddonVersions("1.34")!,
        Identity = identity,
        AccountId = "123456789012",
    };

    [Fact]
    public async Task Cluster_is_private_encrypted_logged_and_has_no_implicit_admin()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new EksCluster("eks", Args()));
        var cluster = mocks.Inputs(Cluster, "eks");

        Assert.Equal("1.34", cluster["version"]!.GetValue<string>());
        Assert.True(cluster["vpcConfig"]!["endpointPrivateAccess"]!.GetValue<bool>());
        Assert.False(cluster["vpcConfig"]!["endpointPublicAccess"]!.GetValue<bool>());
        Assert.Null(cluster["vpcConfig"]!["publicAccessCidrs"]);
        Assert.Equal(3, cluster["vpcConfig"]!["subnetIds"]!.AsArray().Count);
        Assert.Equal("secrets", cluster["encryptionConfig"]!["resources"]![0]!.GetValue<string>());
        Assert.StartsWith("arn:aws:kms:", cluster["encryptionConfig"]!["provider"]!["keyArn"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(new[] { "api", "audit", "authenticator", "controllerManager", "scheduler" },
            cluster["enabledClusterLogTypes"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal("API", cluster["accessConfig"]!["authenticationMode"]!.GetValue<string>());
        Assert.False(cluster["accessConfig"]!["bootstrapClusterCreatorAdminPermissions"]!.GetValue<bool>());
        Assert.True(cluster["deletionProtection"]!.GetValue<bool>());

        // Two keys: the secrets' envelope key and the volumes' key of the platform's StorageClasses.
        var keys = mocks.OfType("aws:kms/key:Key").ToList();
        Assert.Equal(new[] { "eks-secrets", "eks-volumes" }, keys.Select(k => k.Name!).Order(StringComparer.Ordinal).ToArray());
        Assert.All(keys, k => Assert.True(k.Json()["enableKeyRotation"]!.GetValue<bool>()));
        var logGroup = mocks.Inputs("aws:cloudwatch/logGroup:LogGroup", "eks-control-plane");
        Assert.Equal("/aws/eks/ml/cluster", logGroup["name"]!.GetValue<string>());
        Assert.Equal(90, logGroup["retentionInDays"]!.AsInt());
    }

    [Fact]
    public async Task Public_endpoint_is_limited_to_the_configured_ranges()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new EksCluster("eks", Args(["203.0.113.0/24"])));
        var vpcConfig = mocks.Inputs(Cluster, "eks")["vpcConfig"]!;
        Assert.True(vpcConfig["endpointPublicAccess"]!.GetValue<bool>());
        Assert.True(vpcConfig["endpointPrivateAccess"]!.GetValue<bool>());
        Assert.Equal("203.0.113.0/24", Assert.Single(vpcConfig["publicAccessCidrs"]!.AsArray())!.GetValue<string>());
    }

    [Fact]
    public async Task Admin_roles_get_cluster_admin_through_access_entries()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new EksCluster("eks", Args()));

        var entries = mocks.OfType("aws:eks/accessEntry:AccessEntry").Select(e => e.Json()).ToList();
        Assert.Equal(new[] { "arn:aws:iam::123456789012:role/admin", "arn:aws:iam::123456789012:role/ci" },
            entries.Select(e => e["principalArn"]!.GetValue<string>()));
        Assert.All(entries, e => Assert.Equal("STANDARD", e["type"]!.GetValue<string>()));
        var associations = mocks.OfType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation").Select(a => a.Json()).ToList();
        Assert.Equal(2, associations.Count);
        Assert.All(associations, a =>
        {
            Assert.Equal("arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", a["policyArn"]!.GetValue<string>());
            Assert.Equal("cluster", a["accessScope"]!["type"]!.GetValue<string>());
        });
    }

    [Fact]
    public async Task Oidc_provider_serves_sts_for_irsa()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new EksCluster("eks", Args()));
        var oidc = Assert.Single(mocks.OfType("aws:iam/openIdConnectProvider:OpenIdConnectProvider")).Json();
        Assert.StartsWith("https://oidc.eks.us-east-1.amazonaws.com/id/", oidc["url"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("sts.amazonaws.com", Assert.Single(oidc["clientIdLists"]!.AsArray())!.GetValue<string>());
        Assert.Equal(EksCluster.OidcThumbprint, Assert.Single(oidc["thumbprintLists"]!.AsArray())!.GetValue<string>());
    }

    [Fact]
    public async Task System_nodes_are_on_demand_with_imdsv2_and_encrypted_gp3()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new EksCluster("eks", Args()));

        var template = Assert.Single(mocks.OfType("aws:ec2/launchTemplate:LaunchTemplate")).Json();
        Assert.Equal("required", template["metadataOptions"]!["httpTokens"]!.GetValue<string>());
        Assert.Equal(1, template["metadataOptions"]!["httpPutResponseHopLimit"]!.AsInt());
        var volume = Assert.Single(template["blockDeviceMappings"]!.AsArray())!["ebs"]!;
        Assert.Equal("gp3", volume["volumeType"]!.GetValue<string>());
        Assert.Equal("true", volume["encrypted"]!.GetValue<string>());

        var group = mocks.Inputs("aws:eks/nodeGroup:NodeGroup", "eks-system");
        Assert.Equal("ON_DEMAND", group["capacityType"]!.GetValue<string>());
        Assert.Equal("m7i.large", group["instanceTypes"]![0]!.GetValue<string>());
        Assert.Equal((2, 4, 3), (group["scalingConfig"]!["minSize"]!.AsInt(), group["scalingConfig"]!["maxSize"]!.AsInt(), group["scalingConfig"]!["desiredSize"]!.AsInt()));
        Assert.Equal("system", group["labels"]![EksCluster.SystemNodeLabel]!.GetValue<string>());
        Assert.Equal(EksCluster.SystemNodeTaint, group["taints"]![0]!["key"]!.GetValue<string>());
        Assert.Equal("AL2023_x86_64_STANDARD", group["amiType"]!.GetValue<string>());
        Assert.Equal("1", group["launchTemplate"]!["version"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bottlerocket_system_nodes_get_an_os_and_a_data_volume()
    {
        var args = Args();
        var mocks = await ComponentTest.RunAsync(() => _ = new EksCluster("eks", new EksClusterArgs
        {
            Name = args.Name,
            KubernetesVersion = args.KubernetesVersion,
            Region = args.Region,
            SubnetIds = args.SubnetIds,
            AdminRoleArns = args.AdminRoleArns,
            SystemNodes = args.SystemNodes,
            NodeImage = NodeImageFamily.Bottlerocket,
            AddonVersions = args.AddonVersions,
            Identity = args.Identity,
        }));

        var volumes = Assert.Single(mocks.OfType("aws:ec2/launchTemplate:LaunchTemplate")).Json()["blockDeviceMappings"]!.AsArray();
        Assert.Equal(new[] { ("/dev/xvda", 4), ("/dev/xvdb", 100) },
            volumes.Select(v => (v!["deviceName"]!.GetValue<string>(), v["ebs"]!["volumeSize"]!.AsInt())));
        Assert.All(volumes, v => Assert.Equal("true", v!["ebs"]!["encrypted"]!.GetValue<string>()));
        Assert.Equal("BOTTLEROCKET_x86_64", mocks.Inputs("aws:eks/nodeGroup:NodeGroup", "eks-system")["amiType"]!.GetValue<string>());
        Assert.False(mocks.Inputs(Cluster, "eks")["deletionProtection"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Core_addons_are_managed_with_network_policy_and_an_ebs_csi_identity()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new EksCluster("eks", Args()));
        var addons = mocks.OfType("aws:eks/addon:Addon").Select(a => a.Json()).ToDictionary(a => a["addonName"]!.GetValue<string>());

        Assert.Equal(new[] { "aws-ebs-csi-driver", "coredns", "kube-proxy", "metrics-server", "vpc-cni" }, addons.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("""{"enableNetworkPolicy":"true"}""", addons["vpc-cni"]["configurationValues"]!.GetValue<string>());
        Assert.Equal("arn:aws:iam::123456789012:role/eks-ebs-csi", addons["aws-ebs-csi-driver"]["serviceAccountRoleArn"]!.GetValue<string>());

        var trust = AwsTestSupport.ParseString(mocks.Inputs("aws:iam/role:Role", "eks-ebs-csi")["assumeRolePolicy"]);
        var subject = trust["Statement"]![0]!["Condition"]!["StringEquals"]!.AsObject().Single(c => c.Key.EndsWith(":sub", StringComparison.Ordinal));
        Assert.Equal("system:serviceaccount:kube-system:ebs-csi-controller-sa", subject.Value!.GetValue<string>());
    }

    [Fact]
    public async Task Node_group_waits_for_the_cni_and_coredns_waits_for_nodes()
    {
        var recorder = new OptionsRecorder();
        var mocks = await ComponentTest.RunAsync(() => _ = new EksCluster("eks", Args(), recorder.Options()));

        var nodeGroupDeps = await recorder.DependenciesOf("aws:eks/nodeGroup:NodeGroup", "eks-system");
        Assert.Contains(nodeGroupDeps, d => d.GetResourceName() == "eks-vpc-cni");
        Assert.Contains(nodeGroupDeps, d => d.GetResourceName() == "eks-kube-proxy");
        Assert.Contains(await recorder.DependenciesOf("aws:eks/addon:Addon", "eks-coredns"), d => d.GetResourceName() == "eks-system");
        Assert.Contains(await recorder.DependenciesOf(Cluster, "eks"), d => d.GetResourceName() == "eks-control-plane");
        Assert.NotEmpty(mocks.Registrations);
    }
}
