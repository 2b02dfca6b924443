using MlPlatform.Policies;
using Xunit;
using static MlPlatform.Tests.Policies.PolicyTestItems;

namespace MlPlatform.Tests.Policies;

public class PodRulesTests
{
    [Fact]
    public void A_well_formed_deployment_passes_every_pod_rule()
    {
        List<PlanItem> plan = [Namespace("serving"), RegistryPolicy("ghcr.io"), Deployment("api", "serving")];

        Assert.Empty(PodRules.ContainersHaveResources(plan));
        Assert.Empty(PodRules.ImagesArePinned(plan));
        Assert.Empty(PodRules.ImagesComeFromAllowedRegistries(plan));
        Assert.Empty(PodRules.RestrictedPodsAreRestricted(plan));
        Assert.Empty(PodRules.TokensOnlyWhereDeclared(plan));
        Assert.Empty(PodRules.NoHostAccess(plan));
    }

    [Fact]
    public void Missing_requests_and_limits_are_named()
    {
        var plan = new[] { Deployment("api", "serving", """{"name":"app","image":"ghcr.io/a/b:1","resources":{"requests":{"cpu":"1"},"limits":{"memory":"1Gi"}}}""") };

        var violation = Assert.Single(PodRules.ContainersHaveResources(plan));

        Assert.Equal("kubernetes:apps/v1:Deployment api", violation.Resource);
        Assert.Equal("spec.template.spec.containers[0].resources lacks requests.memory, limits.cpu", violation.Message);
    }

    [Theory]
    [InlineData("nginx", true)]
    [InlineData("nginx:latest", true)]
    [InlineData("localhost:5000/app", true)]
    [InlineData("localhost:5000/app:2.0", false)]
    [InlineData("ghcr.io/acme/app@sha256:0123", false)]
    [InlineData("quay.io/acme/app:v1.2.3", false)]
    public void Images_need_a_tag_other_than_latest_or_a_digest(string image, bool refused)
    {
        var plan = new[] { Deployment("api", "serving", $$$"""{"name":"app","image":"{{{image}}}"}""") };

        Assert.Equal(refused, PodRules.ImagesArePinned(plan).Any());
    }

    [Theory]
    [InlineData("nginx:1.27", "docker.io")]
    [InlineData("library/nginx:1.27", "docker.io")]
    [InlineData("docker.io/library/nginx:1.27", "docker.io")]
    [InlineData("123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1", "123456789012.dkr.ecr.us-east-1.amazonaws.com")]
    [InlineData("localhost:5000/app:1", "localhost:5000")]
    public void Registries_are_read_as_kyverno_reads_them(string image, string registry)
    {
        Assert.Equal(registry, ImageReference.Parse(image).Registry);
    }

    [Fact]
    public void Images_from_registries_the_kyverno_policy_refuses_are_refused_where_it_applies()
    {
        List<PlanItem> plan =
        [
            RegistryPolicy("ghcr.io", "*.dkr.ecr.us-east-1.amazonaws.com"),
            Deployment("ok", "serving", GoodContainer.Replace("ghcr.io/acme/app:1.2.3", "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1")),
            Deployment("hub", "serving", GoodContainer.Replace("ghcr.io/acme/app:1.2.3", "nginx:1.27")),
            Deployment("system", "kube-system", GoodContainer.Replace("ghcr.io/acme/app:1.2.3", "nginx:1.27")),
        ];

        var violation = Assert.Single(PodRules.ImagesComeFromAllowedRegistries(plan));

        Assert.Equal("kubernetes:apps/v1:Deployment hub", violation.Resource);
        Assert.Contains("comes from docker.io", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_registry_policy_the_rule_says_it_was_not_evaluated()
    {
        var finding = Assert.Single(PodRules.ImagesComeFromAllowedRegistries([Deployment("api", "serving")]));

        Assert.True(finding.NotEvaluated);
        Assert.DoesNotContain(PlanRules.Check([Namespace("serving"), Deployment("api", "serving")]), v => v.Rule == "image-registry");
        Assert.Contains(PlanRules.Evaluate([Deployment("api", "serving")]).NotEvaluated, v => v.Rule == "image-registry");
    }

    [Fact]
    public void Restricted_namespaces_need_the_restricted_security_context_only_there()
    {
        const string Loose = """{"name":"app","image":"ghcr.io/a/b:1","securityContext":{"allowPrivilegeEscalation":true}}""";
        List<PlanItem> plan = [Namespace("serving"), Namespace("argo", "baseline"), Deployment("a", "serving", Loose), Deployment("b", "argo", Loose)];

        var violation = Assert.Single(PodRules.RestrictedPodsAreRestricted(plan));

        Assert.Equal("kubernetes:apps/v1:Deployment a", violation.Resource);
        Assert.Contains("runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities.drop: [ALL], seccompProfile.type: RuntimeDefault", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pod_level_run_as_non_root_and_seccomp_count_for_every_container()
    {
        const string Container = """{"name":"app","image":"ghcr.io/a/b:1","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}}""";
        const string Pod = "\"automountServiceAccountToken\":false,\"securityContext\":{\"runAsNonRoot\":true,\"seccompProfile\":{\"type\":\"RuntimeDefault\"}}";

        Assert.Empty(PodRules.RestrictedPodsAreRestricted([Namespace("serving"), Deployment("a", "serving", Container, Pod)]));
    }

    [Fact]
    public void A_mounted_token_needs_a_bound_service_account()
    {
        var unbound = Deployment("a", "serving", pod: "\"serviceAccountName\":\"reader\"");
        var account = Item("kubernetes:core/v1:ServiceAccount", "reader", """{"metadata":{"name":"reader","namespace":"serving"}}""");
        var quiet = Item("kubernetes:core/v1:ServiceAccount", "quiet", """{"metadata":{"name":"quiet","namespace":"serving"},"automountServiceAccountToken":false}""");
        var binding = Item("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "reader", """{"metadata":{"name":"reader","namespace":"serving"},"subjects":[{"kind":"ServiceAccount","name":"reader"}]}""");

        Assert.Single(PodRules.TokensOnlyWhereDeclared([unbound, account]));
        Assert.Empty(PodRules.TokensOnlyWhereDeclared([unbound, account, binding]));
        Assert.Empty(PodRules.TokensOnlyWhereDeclared([Deployment("b", "serving", pod: "\"serviceAccountName\":\"quiet\""), quiet]));
    }

    [Fact]
    public void Host_access_is_allowed_only_in_the_reviewed_privileged_namespaces()
    {
        const string Pod = "\"automountServiceAccountToken\":false,\"hostNetwork\":true,\"volumes\":[{\"name\":\"logs\",\"hostPath\":{\"path\":\"/var/log\"}}]";
        var privilegedContainer = GoodContainer.Replace("\"runAsNonRoot\":true", "\"privileged\":true");

        var violations = PodRules.NoHostAccess([Deployment("a", "serving", privilegedContainer, Pod), Deployment("b", "gpu-operator", privilegedContainer, Pod)]).ToList();

        Assert.Equal(3, violations.Count);
        Assert.All(violations, v => Assert.Equal("kubernetes:apps/v1:Deployment a", v.Resource));
        Assert.Contains(violations, v => v.Message.Contains("host path /var/log", StringComparison.Ordinal));
    }

    [Fact]
    public void Workflow_templates_are_checked_per_template_with_the_workflow_s_pod_settings()
    {
        var template = Item("kubernetes:argoproj.io/v1alpha1:WorkflowTemplate", "pipeline", $$$"""
            {"metadata":{"name":"pipeline","namespace":"serving"},
             "spec":{"automountServiceAccountToken":false,"securityContext":{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}},
               "templates":[{"name":"main","steps":[]},
                            {"name":"train","container":{{{GoodContainer}}}},
                            {"name":"eval","script":{"image":"python:latest","source":"print(1)"}}]}}
            """);

        var pods = PodTemplate.Of(template).ToList();

        Assert.Equal(["spec.templates[1]", "spec.templates[2]"], pods.Select(p => p.Path).ToArray());
        Assert.Equal("spec.templates[2].script.image 'python:latest' has no tag or digest, or the tag latest: pin a version", Assert.Single(PodRules.ImagesArePinned([template])).Message);
        Assert.Single(PodRules.ContainersHaveResources([template]));
        Assert.Single(PodRules.RestrictedPodsAreRestricted([Namespace("serving"), template]));
        Assert.Empty(PodRules.TokensOnlyWhereDeclared([template]));
    }

    [Fact]
    public void An_inference_service_s_model_is_a_container()
    {
        var service = Item("kubernetes:serving.kserve.io/v1beta1:InferenceService", "llm", """
            {"metadata":{"name":"llm","namespace":"serving"},"spec":{"predictor":{"automountServiceAccountToken":false,
              "model":{"modelFormat":{"name":"sklearn"},"resources":{"limits":{"cpu":"1","memory":"1Gi"}}}}}}
            """);

        var violation = Assert.Single(PodRules.ContainersHaveResources([service]));

        Assert.Equal("spec.predictor.model.resources lacks requests.cpu, requests.memory", violation.Message);
    }
}
