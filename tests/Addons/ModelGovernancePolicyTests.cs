using System.Collections.Immutable;
using System.Text.Json.Nodes;
using MlPlatform.Components.Addons;
using MlPlatform.Tests.Support;
using Xunit;
using static MlPlatform.Tests.Support.KyvernoRuleEvaluator;

namespace MlPlatform.Tests.Addons;

public class ModelGovernancePolicyTests
{
    private static readonly PolicySet Policies = new() { Enforce = true, AllowedRegistries = ["docker.io"] };

    private static readonly Dictionary<string, string> TeamNamespace = new() { ["mlplatform.io/role"] = "gpu-workloads" };

    private static readonly Dictionary<string, string> ServingNamespace = new() { ["mlplatform.io/role"] = "serving" };

    private static readonly Dictionary<string, string> DataNamespace = new() { ["mlplatform.io/role"] = "data" };

    private static ModelGovernance Approved => new()
    {
        ModelName = "churn",
        Version = "2.1.0",
        Owner = "team-a",
        Stage = ModelStage.Production,
        RunId = "3f2a",
        Approver = "jane",
        Ticket = "CHG-42",
    };

    [Fact]
    public void Governance_policies_pass_the_kyverno_crd_schema()
    {
        foreach (var policy in new[] { Policies.RequireModelGovernance(), Policies.ProtectProductionModels() })
        {
            Assert.Empty(CrdSchema.Problems("kyverno.io", "v1", "ClusterPolicy", Json.Object("kyverno.io/v1", "ClusterPolicy", policy.Name, null, policy.Spec)));
        }

        Assert.Contains(Policies.All(), p => p.Name == "require-model-governance");
        Assert.Contains(Policies.All(), p => p.Name == "protect-production-models");
    }

    [Fact]
    public void A_model_rendered_from_its_governance_metadata_is_admitted()
    {
        foreach (var governance in new[] { Approved, Approved with { Stage = ModelStage.Staging, Approver = null, Ticket = null, RunId = null } })
        {
            Assert.All(Create(Service(governance), TeamNamespace).Values, r => Assert.NotEqual(Outcome.Fail, r));
        }
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("v1.2.3")]
    [InlineData("1.2.3.4")]
    [InlineData("01.2.3")]
    [InlineData("1.2.x")]
    [InlineData("1.2.3-rc1")]
    public void A_non_semantic_version_is_rejected(string version)
    {
        var outcomes = Create(Service(Approved with { Version = version }), ServingNamespace);

        Assert.Equal(Outcome.Fail, outcomes["semantic-version"]);
        Assert.Equal(Outcome.Pass, outcomes["model-labels"]);
    }

    [Theory]
    [InlineData("0.0.1")]
    [InlineData("10.20.30")]
    public void Semantic_versions_are_accepted(string version) =>
        Assert.Equal(Outcome.Pass, Create(Service(Approved with { Version = version }), ServingNamespace)["semantic-version"]);

    [Theory]
    [InlineData(ModelGovernance.ApproverAnnotation)]
    [InlineData(ModelGovernance.TicketAnnotation)]
    [InlineData(ModelGovernance.RunIdAnnotation)]
    public void A_production_model_without_approval_or_lineage_is_rejected(string missing)
    {
        var isvc = Service(Approved);
        isvc["metadata"]!["annotations"]!.AsObject().Remove(missing);

        Assert.Equal(Outcome.Fail, Create(isvc, TeamNamespace)["production-approval"]);
    }

    [Fact]
    public void Approval_is_only_asked_of_production_models()
    {
        var isvc = Service(Approved with { Stage = ModelStage.Staging, Approver = null, Ticket = null });

        Assert.Equal(Outcome.Skipped, Create(isvc, TeamNamespace)["production-approval"]);
    }

    [Theory]
    [InlineData(ModelGovernance.OwnerLabel, null)]
    [InlineData(ModelGovernance.StageLabel, "live")]
    [InlineData(ModelGovernance.NameLabel, "")]
    public void Missing_or_wrong_labels_are_rejected(string label, string? value)
    {
        var isvc = Service(Approved);
        var labels = isvc["metadata"]!["labels"]!.AsObject();
        labels.Remove(label);
        if (value is not null)
        {
            labels[label] = value;
        }

        Assert.Equal(Outcome.Fail, Create(isvc, ServingNamespace)["model-labels"]);
    }

    [Fact]
    public void Inference_services_outside_serving_and_team_namespaces_are_not_judged()
    {
        var isvc = Service(Approved with { Version = "latest" });

        Assert.All(Create(isvc, DataNamespace).Values, o => Assert.Equal(Outcome.Skipped, o));
    }

    [Fact]
    public void A_production_model_is_deleted_only_with_the_override_annotation()
    {
        var rule = Rule(Policies.ProtectProductionModels(), "deny-delete");
        var production = Service(Approved);
        var overridden = Service(Approved);
        overridden["metadata"]!["annotations"]![ModelGovernance.AllowDeletionAnnotation] = "true";
        var staging = Service(Approved with { Stage = ModelStage.Staging });

        Assert.Equal(Outcome.Fail, Evaluate(rule, "DELETE", null, production, TeamNamespace));
        Assert.Equal(Outcome.Pass, Evaluate(rule, "DELETE", null, overridden, TeamNamespace));
        Assert.Equal(Outcome.Pass, Evaluate(rule, "DELETE", null, staging, TeamNamespace));
        Assert.Equal(Outcome.Skipped, Evaluate(rule, "UPDATE", production, production, TeamNamespace));
        Assert.False(Json.Of(Policies.ProtectProductionModels().Spec)["background"]!.GetValue<bool>());
    }

    [Fact]
    public void Governance_rules_audit_in_staging_and_enforce_in_production()
    {
        var audit = Policies with { Enforce = false };

        Assert.All(Json.Of(audit.RequireModelGovernance().Spec)["rules"]!.AsArray(), r => Assert.Equal("Audit", r!["validate"]!["failureAction"]!.GetValue<string>()));
        Assert.All(Json.Of(Policies.ProtectProductionModels().Spec)["rules"]!.AsArray(), r => Assert.Equal("Enforce", r!["validate"]!["failureAction"]!.GetValue<string>()));
    }

    [Fact]
    public void The_evaluator_refuses_what_it_does_not_understand()
    {
        var rule = JsonNode.Parse("""{"match":{"any":[{"resources":{"kinds":["InferenceService"]}}]},"validate":{"deny":{"conditions":{"any":[{"key":"{{ to_upper(request.object.kind) }}","operator":"Equals","value":"X"}]}}}}""")!;

        Assert.Throws<NotSupportedException>(() => Evaluate(rule, "CREATE", Service(Approved), null, TeamNamespace));
    }

    private static Dictionary<string, Outcome> Create(JsonObject isvc, IReadOnlyDictionary<string, string> namespaceLabels) =>
        Json.Of(Policies.RequireModelGovernance().Spec)["rules"]!.AsArray()
            .ToDictionary(r => r!["name"]!.GetValue<string>(), r => Evaluate(r!, "CREATE", isvc, null, namespaceLabels));

    private static JsonNode Rule(ClusterPolicyDefinition policy, string name) =>
        Json.Of(policy.Spec)["rules"]!.AsArray().Single(r => r!["name"]!.GetValue<string>() == name)!;

    // The InferenceService as ModelServing renders it: the policies are tested against the real metadata.
    private static JsonObject Service(ModelGovernance governance)
    {
        var model = new ServedModel
        {
            Name = "churn",
            Namespace = "team-a",
            Source = ModelSource.Parse("s3://bucket-a/churn")!,
            Runtime = ModelRuntime.Sklearn,
            Governance = governance,
        };
        var isvc = Json.Object("serving.kserve.io/v1beta1", "InferenceService", model.Name, model.Namespace, ModelInferenceService.Spec(model));
        isvc["metadata"]!["labels"] = Json.Of(ModelInferenceService.Labels(model, ImmutableDictionary<string, string>.Empty));
        isvc["metadata"]!["annotations"] = Json.Of(ModelInferenceService.Annotations(model));
        return isvc;
    }
}
