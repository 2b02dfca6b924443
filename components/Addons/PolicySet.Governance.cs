using MlPlatform.Components.Kubernetes;

namespace MlPlatform.Components.Addons;

/// <summary>
/// The model governance policies: what an InferenceService in a serving or team namespace must carry, and that a
/// production model is not deleted by accident. Audit in staging and Enforce in production like the others.
/// </summary>
public sealed partial record PolicySet
{
    /// <summary>The role label value of the serving namespace.</summary>
    public string ServingRole { get; init; } = "serving";

    /// <summary>
    /// The semantic version the governance policy accepts, X.Y.Z without leading zeros: a JMESPath raw string (no
    /// escapes but <c>\'</c>), evaluated by Kyverno's <c>regex_match</c> (Go RE2).
    /// </summary>
    public const string SemanticVersionPattern = @"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$";

    /// <summary>
    /// InferenceServices in serving and team namespaces carry the model's name, semantic version, owner and stage;
    /// production ones the approval (approver and ticket) and the MLflow run id of their lineage.
    /// </summary>
    public ClusterPolicyDefinition RequireModelGovernance()
    {
        var label = $"request.object.metadata.labels.\"{ModelGovernance.VersionLabel}\"";
        return Validate(
            "require-model-governance",
            "Require model governance metadata",
            "Served models name their model, semantic version, owner and stage; production models carry their approval and MLflow run id.",
            autogen: false,
            new Dictionary<string, object>
            {
                ["name"] = "model-labels",
                ["match"] = MatchInferenceServices(),
                ["validate"] = ValidateBlock(
                    $"InferenceServices must carry the labels {ModelGovernance.NameLabel}, {ModelGovernance.VersionLabel}, {ModelGovernance.OwnerLabel} and {ModelGovernance.StageLabel} (staging, production or archived).",
                    new Dictionary<string, object>
                    {
                        ["metadata"] = new Dictionary<string, object>
                        {
                            ["labels"] = new Dictionary<string, object>
                            {
                                [ModelGovernance.NameLabel] = "?*",
                                [ModelGovernance.VersionLabel] = "?*",
                                [ModelGovernance.OwnerLabel] = "?*",
                                [ModelGovernance.StageLabel] = "staging | production | archived",
                            },
                        },
                    }),
            },
            new Dictionary<string, object>
            {
                ["name"] = "semantic-version",
                ["match"] = MatchInferenceServices(),
                ["validate"] = new Dictionary<string, object>
                {
                    ["failureAction"] = FailureAction,
                    ["message"] = $"The label {ModelGovernance.VersionLabel} must be a semantic version X.Y.Z.",
                    ["deny"] = new Dictionary<string, object>
                    {
                        ["conditions"] = new Dictionary<string, object>
                        {
                            ["any"] = new object[]
                            {
                                new Dictionary<string, object>
                                {
                                    ["key"] = $"{{{{ regex_match('{SemanticVersionPattern}', {label} || '') }}}}",
                                    ["operator"] = "Equals",
                                    ["value"] = false,
                                },
                            },
                        },
                    },
                },
            },
            new Dictionary<string, object>
            {
                ["name"] = "production-approval",
                ["match"] = MatchInferenceServices(stage: ModelGovernance.StageValue(ModelStage.Production)),
                ["validate"] = ValidateBlock(
                    $"Production models must carry the annotations {ModelGovernance.ApproverAnnotation}, {ModelGovernance.TicketAnnotation} and {ModelGovernance.RunIdAnnotation}.",
                    new Dictionary<string, object>
                    {
                        ["metadata"] = new Dictionary<string, object>
                        {
                            ["annotations"] = new Dictionary<string, object>
                            {
                                [ModelGovernance.ApproverAnnotation] = "?*",
                                [ModelGovernance.TicketAnnotation] = "?*",
                                [ModelGovernance.RunIdAnnotation] = "?*",
                            },
                        },
                    }),
            });
    }

    /// <summary>
    /// A production-stage InferenceService is deleted only after someone sets the override annotation
    /// (<see cref="ModelGovernance.AllowDeletionAnnotation"/>: <c>true</c>) on it, a deliberate, recorded step.
    /// Admission only (a deletion is a request, not a state a background scan could find).
    /// </summary>
    public ClusterPolicyDefinition ProtectProductionModels()
    {
        var old = "request.oldObject.metadata";
        var policy = Validate(
            "protect-production-models",
            "Protect production models",
            $"Production InferenceServices are deleted only with the annotation {ModelGovernance.AllowDeletionAnnotation}: \"true\".",
            autogen: false,
            new Dictionary<string, object>
            {
                ["name"] = "deny-delete",
                ["match"] = MatchInferenceServices(operations: ["DELETE"]),
                ["validate"] = new Dictionary<string, object>
                {
                    ["failureAction"] = FailureAction,
                    ["message"] = $"This InferenceService serves production; set the annotation {ModelGovernance.AllowDeletionAnnotation}: \"true\" before deleting it.",
                    ["deny"] = new Dictionary<string, object>
                    {
                        ["conditions"] = new Dictionary<string, object>
                        {
                            ["all"] = new object[]
                            {
                                new Dictionary<string, object>
                                {
                                    ["key"] = $"{{{{ {old}.labels.\"{ModelGovernance.StageLabel}\" || '' }}}}",
                                    ["operator"] = "Equals",
                                    ["value"] = ModelGovernance.StageValue(ModelStage.Production),
                                },
                                new Dictionary<string, object>
                                {
                                    ["key"] = $"{{{{ {old}.annotations.\"{ModelGovernance.AllowDeletionAnnotation}\" || '' }}}}",
                                    ["operator"] = "NotEquals",
                                    ["value"] = "true",
                                },
                            },
                        },
                    },
                },
            });
        policy.Spec["background"] = false;
        return policy;
    }

    // InferenceServices in the serving namespace and team namespaces (by their role label); a stage narrows to one stage.
    private Dictionary<string, object> MatchInferenceServices(string? stage = null, string[]? operations = null)
    {
        var resources = new Dictionary<string, object>
        {
            ["kinds"] = new[] { "serving.kserve.io/v1beta1/InferenceService" },
            ["namespaceSelector"] = new Dictionary<string, object>
            {
                ["matchExpressions"] = new object[]
                {
                    new Dictionary<string, object> { ["key"] = PlatformLabels.Role, ["operator"] = "In", ["values"] = new[] { ServingRole, TeamRole } },
                },
            },
        };
        if (stage is not null)
        {
            resources["selector"] = new Dictionary<string, object>
            {
                ["matchLabels"] = new Dictionary<string, object> { [ModelGovernance.StageLabel] = stage },
            };
        }

        if (operations is not null)
        {
            resources["operations"] = operations;
        }

        return new() { ["any"] = new object[] { new Dictionary<string, object> { ["resources"] = resources } } };
    }
}
