using MlPlatform.Policies;
using Xunit;
using static MlPlatform.Tests.Policies.PolicyTestItems;

namespace MlPlatform.Tests.Policies;

public class ClusterRulesTests
{
    private static readonly PlanItem Production = Namespace("serving", environment: "production");

    [Fact]
    public void A_public_endpoint_is_refused_in_production_on_every_cloud()
    {
        List<PlanItem> clusters =
        [
            Item("aws:eks/cluster:Cluster", "eks", """{"vpcConfig":{"endpointPrivateAccess":true,"endpointPublicAccess":true}}"""),
            Item("azure-native:containerservice:ManagedCluster", "aks", """{"apiServerAccessProfile":{"enablePrivateCluster":false}}"""),
            Item("gcp:container/cluster:Cluster", "gke", """{"privateClusterConfig":{"enablePrivateNodes":true}}"""),
        ];

        Assert.Empty(ClusterRules.PrivateEndpointInProduction([Namespace("serving"), .. clusters]));
        Assert.Equal(3, ClusterRules.PrivateEndpointInProduction([Production, .. clusters]).Count());
    }

    [Fact]
    public void Secrets_encryption_audit_logs_and_workload_identity_are_checked_per_cloud()
    {
        var eks = Item("aws:eks/cluster:Cluster", "eks", """{"encryptionConfig":{"resources":["secrets"]},"enabledClusterLogTypes":["api"]}""");
        var gke = Item("gcp:container/cluster:Cluster", "gke", """
            {"databaseEncryption":{"state":"ENCRYPTED","keyName":"k"},"loggingConfig":{"enableComponents":["SYSTEM_COMPONENTS","APISERVER"]},"workloadIdentityConfig":{"workloadPool":"p.svc.id.goog"}}
            """);
        var pool = Item("gcp:container/nodePool:NodePool", "pool", """{"nodeConfig":{"workloadMetadataConfig":{"mode":"GCE_METADATA"}}}""");
        List<PlanItem> plan = [eks, gke, pool];

        Assert.Equal("encryptionConfig must encrypt resources [secrets] with a KMS key (provider.keyArn)", Assert.Single(ClusterRules.SecretsEncrypted(plan)).Message);
        Assert.Equal("enabledClusterLogTypes lacks audit", Assert.Single(ClusterRules.AuditLogs(plan)).Message);
        Assert.Equal(["aws:eks/cluster:Cluster eks", "gcp:container/nodePool:NodePool pool"], ClusterRules.WorkloadIdentity(plan).Select(v => v.Resource).ToArray());
        Assert.Empty(ClusterRules.WorkloadIdentity([eks with { Name = "eks2" }, Item("aws:eks/addon:Addon", "pia", """{"addonName":"eks-pod-identity-agent"}""")]));
    }

    [Fact]
    public void Aks_audit_logs_come_from_a_diagnostic_setting_of_the_cluster()
    {
        var aks = Item("azure-native:containerservice:ManagedCluster", "aks", """{"resourceName":"mlp"}""");
        static PlanItem Diagnostics(string category) => Item("azure-native:monitor:DiagnosticSetting", "d", $$"""
            {"resourceUri":"/subscriptions/s/resourceGroups/r/providers/Microsoft.ContainerService/managedClusters/mlp","logs":[{"category":"{{category}}","enabled":true}]}
            """);

        Assert.Single(ClusterRules.AuditLogs([aks, Diagnostics("kube-apiserver")]));
        Assert.Empty(ClusterRules.AuditLogs([aks, Diagnostics("kube-audit-admin")]));
    }

    [Fact]
    public void Static_credentials_are_refused()
    {
        List<PlanItem> plan =
        [
            Item("aws:iam/accessKey:AccessKey", "ci", """{"user":"ci"}"""),
            Item("gcp:serviceaccount/key:Key", "sa-key", """{"serviceAccountId":"sa"}"""),
            Item("azure-native:containerservice:ManagedCluster", "aks", """{"disableLocalAccounts":false}"""),
            Item("azure-native:containerregistry:Registry", "acr", """{"adminUserEnabled":true}"""),
            Item("azure-native:storage:StorageAccount", "st", """{"allowSharedKeyAccess":false}"""),
        ];

        Assert.Equal(4, ClusterRules.NoStaticCredentials(plan).Count());
    }

    [Fact]
    public void Imdsv2_is_required_on_launch_templates_and_node_classes()
    {
        List<PlanItem> plan =
        [
            Item("aws:ec2/launchTemplate:LaunchTemplate", "lt", """{"metadataOptions":{"httpTokens":"optional"}}"""),
            Item("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "default", """{"metadata":{"name":"default"},"spec":{}}"""),
            Item("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "loose", """{"metadata":{"name":"loose"},"spec":{"metadataOptions":{"httpTokens":"optional"}}}"""),
        ];

        Assert.Equal(["aws:ec2/launchTemplate:LaunchTemplate lt", "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass loose"], ClusterRules.ImdsV2(plan).Select(v => v.Resource).ToArray());
    }

    [Fact]
    public void Keys_rotate()
    {
        List<PlanItem> plan =
        [
            Item("aws:kms/key:Key", "still", """{"enableKeyRotation":false}"""),
            Item("aws:kms/key:Key", "signing", """{"keySpec":"RSA_2048","enableKeyRotation":false}"""),
            Item("gcp:kms/cryptoKey:CryptoKey", "rotating", """{"purpose":"ENCRYPT_DECRYPT","rotationPeriod":"7776000s"}"""),
            Item("gcp:kms/cryptoKey:CryptoKey", "never", """{"purpose":"ENCRYPT_DECRYPT"}"""),
        ];

        Assert.Equal(["aws:kms/key:Key still", "gcp:kms/cryptoKey:CryptoKey never"], ClusterRules.KeyRotation(plan).Select(v => v.Resource).ToArray());
    }
}
