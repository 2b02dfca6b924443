using System.Collections.Immutable;

namespace MlPlatform.Components.Addons;

/// <summary>The lifecycle stage of a served model.</summary>
public enum ModelStage
{
    /// <summary>Being validated.</summary>
    Staging,

    /// <summary>Serving production traffic: approval and lineage required.</summary>
    Production,

    /// <summary>Kept for reference; no longer promoted.</summary>
    Archived,
}

/// <summary>
/// The governance metadata of a served model, carried as labels and annotations of its InferenceService, where the
/// platform's model governance policies check them (see <see cref="PolicySet.RequireModelGovernance"/>).
/// </summary>
public sealed record ModelGovernance
{
    /// <summary>The label of the model's name.</summary>
    public const string NameLabel = "mlplatform.io/model-name";

    /// <summary>The label of the model's semantic version.</summary>
    public const string VersionLabel = "mlplatform.io/model-version";

    /// <summary>The label of the owning team or person.</summary>
    public const string OwnerLabel = "mlplatform.io/model-owner";

    /// <summary>The label of the lifecycle stage.</summary>
    public const string StageLabel = "mlplatform.io/model-stage";

    /// <summary>The annotation naming who approved a production model.</summary>
    public const string ApproverAnnotation = "mlplatform.io/approved-by";

    /// <summary>The annotation naming the change ticket of the approval.</summary>
    public const string TicketAnnotation = "mlplatform.io/approval-ticket";

    /// <summary>The annotation of the MLflow run that produced the model (lineage).</summary>
    public const string RunIdAnnotation = "mlplatform.io/mlflow-run-id";

    /// <summary>The annotation of the MLflow experiment.</summary>
    public const string ExperimentAnnotation = "mlplatform.io/mlflow-experiment";

    /// <summary>The annotation that, set to <c>true</c>, lets a production model be deleted.</summary>
    public const string AllowDeletionAnnotation = "mlplatform.io/allow-deletion";

    /// <summary>The model's name as governed (the registered model name, or the InferenceService name).</summary>
    public required string ModelName { get; init; }

    /// <summary>Semantic version X.Y.Z.</summary>
    public required string Version { get; init; }

    /// <summary>The owning team or person (a label value).</summary>
    public required string Owner { get; init; }

    /// <summary>The lifecycle stage.</summary>
    public ModelStage Stage { get; init; } = ModelStage.Staging;

    /// <summary>The MLflow experiment; null when unknown.</summary>
    public string? Experiment { get; init; }

    /// <summary>The MLflow run id; required in production.</summary>
    public string? RunId { get; init; }

    /// <summary>Who approved the model for production.</summary>
    public string? Approver { get; init; }

    /// <summary>The ticket of the approval.</summary>
    public string? Ticket { get; init; }

    /// <summary>The stage as a label value.</summary>
    public static string StageValue(ModelStage stage) => stage.ToString().ToLowerInvariant();

    /// <summary>The labels of the InferenceService.</summary>
    public ImmutableDictionary<string, string> Labels() => ImmutableDictionary<string, string>.Empty
        .Add(NameLabel, ModelName)
        .Add(VersionLabel, Version)
        .Add(OwnerLabel, Owner)
        .Add(StageLabel, StageValue(Stage));

    /// <summary>The annotations of the InferenceService: approval and lineage, those that are known.</summary>
    public ImmutableDictionary<string, string> Annotations()
    {
        var annotations = ImmutableDictionary<string, string>.Empty;
        foreach (var (key, value) in new[] { (ApproverAnnotation, Approver), (TicketAnnotation, Ticket), (RunIdAnnotation, RunId), (ExperimentAnnotation, Experiment) })
        {
            if (value is not null)
            {
                annotations = annotations.Add(key, value);
            }
        }

        return annotations;
    }
}
