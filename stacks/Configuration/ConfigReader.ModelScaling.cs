namespace MlPlatform.Stacks.Configuration;

/// <summary>Reading and validation of a model's autoscaling keys (<c>mlplatform:kserve.sampleModel</c>: target and scale-down delay).</summary>
public static partial class ConfigReader
{
    /// <summary>The fewest replicas an autoscaled model server keeps in production (with its PodDisruptionBudget).</summary>
    public const int ProductionAutoscaledFloor = 2;

    private static ModelScalingConfig ReadModelScaling(JsonConfigNode node)
    {
        var defaults = new ModelScalingConfig();
        return new ModelScalingConfig
        {
            TargetRequestsPerReplica = node.Int("targetRequestsPerReplica") ?? defaults.TargetRequestsPerReplica,
            ScaleDownDelaySeconds = node.Int("scaleDownDelaySeconds") ?? defaults.ScaleDownDelaySeconds,
        };
    }

    private static void CheckModelScaling(JsonConfigNode node, ModelScalingConfig scaling, bool production, bool autoscaled, int floor)
    {
        if (scaling.TargetRequestsPerReplica < 1)
        {
            node.Problem("targetRequestsPerReplica", $"must be at least 1, not {scaling.TargetRequestsPerReplica}");
        }

        if (scaling.ScaleDownDelaySeconds < 0)
        {
            node.Problem("scaleDownDelaySeconds", $"must not be negative, not {scaling.ScaleDownDelaySeconds}");
        }

        if (production && autoscaled && floor < ProductionAutoscaledFloor)
        {
            node.Problem("replicas", $"an autoscaled model server in production keeps at least {ProductionAutoscaledFloor} replicas (with a PodDisruptionBudget), not {floor}");
        }
    }
}
