using System.Text.Json.Nodes;
using MlPlatform.Policies;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Policies;

public class PlanRulesTests
{
    private static PlanItem Item(string type, string name, string json, bool isProtected = false) =>
        new(type, name, JsonNode.Parse(json)!.AsObject(), isProtected);

    private static PlanItem Namespace(string name, string level = "restricted") => new(
        "kubernetes:core/v1:Namespace", name,
        new JsonObject { ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["pod-security.kubernetes.io/enforce"] = level } } },
        false);

    private static IEnumerable<PlanItem> Guards(string ns) =>
    [
        Item("kubernetes:core/v1:ResourceQuota", $"{ns}-quota", $$$"""{"metadata":{"name":"q","namespace":"{{{ns}}}"}}"""),
        Item("kubernetes:core/v1:LimitRange", $"{ns}-limits", $$$"""{"metadata":{"name":"l","namespace":"{{{ns}}}"}}"""),
        Item("kubernetes:networking.k8s.io/v1:NetworkPolicy", $"{ns}-deny",
            $$$"""{"metadata":{"name":"default-deny","namespace":"{{{ns}}}"},"spec":{"podSelector":{},"policyTypes":["Ingress","Egress"]}}"""),
    ];

    [Fact]
    public void A_guarded_namespace_passes()
    {
        Assert.Empty(PlanRules.Check([Namespace("serving"), .. Guards("serving")]));
    }

    [Fact]
    public void Missing_guard_rails_are_each_reported()
    {
        var violations = PlanRules.NamespacesAreGuarded([Namespace("serving")]).Select(v => v.Message).ToArray();

        Assert.Equal(["has no ResourceQuota", "has no LimitRange", "has no default-deny NetworkPolicy for ingress and egress"], violations);
    }

    [Fact]
    public void A_deny_policy_with_allow_rules_is_not_a_default_deny()
    {
        var plan = new List<PlanItem> { Namespace("serving") };
        plan.AddRange(Guards("serving").Take(2));
        plan.Add(Item("kubernetes:networking.k8s.io/v1:NetworkPolicy", "allow", """{"metadata":{"namespace":"serving"},"spec":{"podSelector":{},"policyTypes":["Ingress","Egress"],"ingress":[{}]}}"""));

        Assert.Single(PlanRules.NamespacesAreGuarded(plan));
    }

    [Fact]
    public void Privileged_namespaces_need_a_reviewed_exception()
    {
        var violations = PlanRules.PodSecurityIsDeclared([Namespace("gpu-operator", "privileged"), Namespace("mlflow", "privileged"), Item("kubernetes:core/v1:Namespace", "bare", """{"metadata":{"name":"bare"}}""")]);

        Assert.Equal(["kubernetes:core/v1:Namespace mlflow", "kubernetes:core/v1:Namespace bare"], violations.Select(v => v.Resource).ToArray());
    }

    [Fact]
    public void Stateful_resources_must_be_protected()
    {
        var violations = PlanRules.StatefulResourcesAreProtected(
        [
            Item("aws:rds/instance:Instance", "mlflow-db", "{}", isProtected: true),
            Item("aws:s3/bucket:Bucket", "artifacts", "{}"),
            Item("aws:ec2/vpc:Vpc", "vpc", "{}"),
        ]);

        Assert.Equal("aws:s3/bucket:Bucket artifacts", Assert.Single(violations).Resource);
    }

    [Fact]
    public void Gpu_node_pools_must_be_tainted()
    {
        const string Tainted = """{"spec":{"limits":{"cpu":"100","nvidia.com/gpu":"8"},"template":{"spec":{"taints":[{"key":"nvidia.com/gpu","effect":"NoSchedule"}]}}}}""";
        const string Untainted = """{"spec":{"limits":{"nvidia.com/gpu":"8"},"template":{"spec":{}}}}""";
        const string Cpu = """{"spec":{"limits":{"cpu":"100"},"template":{"spec":{}}}}""";

        var violations = PlanRules.GpuNodePoolsAreTainted(
        [
            Item("kubernetes:karpenter.sh/v1:NodePool", "gpu-a", Tainted),
            Item("kubernetes:karpenter.sh/v1:NodePool", "gpu-b", Untainted),
            Item("kubernetes:karpenter.sh/v1:NodePool", "cpu", Cpu),
        ]);

        Assert.Equal("kubernetes:karpenter.sh/v1:NodePool gpu-b", Assert.Single(violations).Resource);
    }

    [Fact]
    public void Azure_data_stores_are_known_by_their_real_tokens()
    {
        // Pulumi.AzureNative 3.x names the PostgreSQL flexible server `Server`; no `FlexibleServer` token exists.
        Assert.Contains("azure-native:dbforpostgresql:Server", PlanRules.StatefulTypes);
        Assert.DoesNotContain("azure-native:dbforpostgresql:FlexibleServer", PlanRules.StatefulTypes);

        var violations = PlanRules.StatefulResourcesAreProtected(
        [
            Item("azure-native:dbforpostgresql:Server", "mlflow-db", "{}"),
            Item("azure-native:keyvault:Secret", "mlflow-db-credentials", "{}"),
            Item("azure-native:storage:BlobContainer", "artifacts", "{}", isProtected: true),
            Item("azure-native:network:Subnet", "nodes", "{}"),
        ]);

        Assert.Equal(["azure-native:dbforpostgresql:Server mlflow-db", "azure-native:keyvault:Secret mlflow-db-credentials"], violations.Select(v => v.Resource).ToArray());
    }

    [Fact]
    public void Aks_pools_of_gpu_sizes_must_be_tainted()
    {
        var violations = PlanRules.GpuNodePoolsAreTainted(
        [
            Item("azure-native:containerservice:AgentPool", "gpu-a", """{"vmSize":"Standard_NC8as_T4_v3","nodeTaints":["nvidia.com/gpu=present:NoSchedule"]}"""),
            Item("azure-native:containerservice:AgentPool", "gpu-b", """{"vmSize":"Standard_ND96isr_H100_v5","nodeTaints":["nvidia.com/gpu=present:PreferNoSchedule"]}"""),
            Item("azure-native:containerservice:AgentPool", "gpu-c", """{"vmSize":"Standard_NV36ads_A10_v5"}"""),
            Item("azure-native:containerservice:AgentPool", "cpu", """{"vmSize":"Standard_D8ds_v5"}"""),
        ]);

        Assert.Equal(["azure-native:containerservice:AgentPool gpu-b", "azure-native:containerservice:AgentPool gpu-c"], violations.Select(v => v.Resource).ToArray());
    }

    [Theory]
    [InlineData("1.11.5", true)]
    [InlineData("v26.7.0", true)]
    [InlineData("", false)]
    [InlineData("^1.11", false)]
    [InlineData(">=1.0.0", false)]
    [InlineData("1.x", false)]
    public void Chart_versions_are_exact(string version, bool pinned)
    {
        var violations = PlanRules.ChartsArePinned([Item("kubernetes:helm.sh/v3:Release", "r", $$$"""{"chart":"c","version":"{{{version}}}"}""")]);

        Assert.Equal(pinned, !violations.Any());
    }

    [Fact]
    public void Objects_the_api_server_would_refuse_break_the_gate()
    {
        var ns = new PlanItem("kubernetes:core/v1:Namespace", "team-nl", new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = "team-nl\n",
                ["labels"] = new JsonObject { ["pod-security.kubernetes.io/enforce"] = "baseline", ["mlplatform.io/workload"] = "batch\n" },
                ["annotations"] = new JsonObject { ["bad key"] = "x" },
            },
        }, false);
        var quota = new PlanItem("kubernetes:core/v1:ResourceQuota", "team-nl-quota", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "quota", ["namespace"] = "team-nl\n" },
            ["spec"] = new JsonObject { ["hard"] = new JsonObject { ["requests.nvidia.com/gpu"] = "4\n", ["pods"] = "100" } },
        }, false);
        var limits = new PlanItem("kubernetes:core/v1:LimitRange", "team-nl-limits", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "limits", ["namespace"] = "team-nl" },
            ["spec"] = new JsonObject { ["limits"] = new JsonArray(new JsonObject { ["type"] = "Container", ["max"] = new JsonObject { ["cpu"] = " 8" } }) },
        }, false);

        var problems = PlanRules.KubernetesObjectsAreWellFormed([ns, quota, limits]).Select(v => v.Message).ToList();

        Assert.Equal(
        [
            "metadata.name 'team-nl\n' is not a valid Namespace name",
            "label mlplatform.io/workload: 'batch\n' is not a label value",
            "annotation key 'bad key' is not a qualified name",
            "metadata.namespace 'team-nl\n' is not a namespace name",
            "spec.hard.requests.nvidia.com/gpu: '4\n' is not a Kubernetes quantity",
            "spec.limits[0].max.cpu: ' 8' is not a Kubernetes quantity",
        ], problems);
        Assert.Contains(PlanRules.All, r => r.Id == "kubernetes-syntax");
    }

    [Fact]
    public void Rbac_names_may_hold_colons()
    {
        var role = Item("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "r", """{"metadata":{"name":"mlplatform:workflow-reader"}}""");
        var configMap = Item("kubernetes:core/v1:ConfigMap", "c", """{"metadata":{"name":"mlplatform:x","namespace":"serving"}}""");

        Assert.Empty(PlanRules.KubernetesObjectsAreWellFormed([role]));
        Assert.Single(PlanRules.KubernetesObjectsAreWellFormed([configMap]));
    }

    [Theory]
    [MemberData(nameof(StackFiles.Names), MemberType = typeof(StackFiles))]
    public async Task Every_stack_of_the_repository_passes_the_gate(string stack)
    {
        var plan = await StackPlans.Of(stack);

        Assert.Empty(PlanRules.Check(plan.ToPolicyItems()));
    }
}
