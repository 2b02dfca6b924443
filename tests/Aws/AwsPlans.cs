using MlPlatform.Infra.Plan;
using MlPlatform.Tests.Support;

namespace MlPlatform.Tests.Aws;

/// <summary>The AWS stack files planned once for every test class that reads them (a plan takes a fraction of a second, but many tests read it).</summary>
internal static class AwsPlans
{
    private static readonly Lazy<Task<PlanResult>> ProductionPlan = new(() => Scenario.StackFileAsync("production"));
    private static readonly Lazy<Task<PlanResult>> StagingPlan = new(() => Scenario.StackFileAsync("staging"));

    /// <summary>Pulumi.production.yaml: EKS Pod Identity (the default), access logs, HA.</summary>
    public static Task<PlanResult> Production => ProductionPlan.Value;

    /// <summary>Pulumi.staging.yaml: IRSA.</summary>
    public static Task<PlanResult> Staging => StagingPlan.Value;
}
