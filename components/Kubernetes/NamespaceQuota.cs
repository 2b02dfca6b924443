namespace MlPlatform.Components.Kubernetes;

/// <summary>A namespace's ResourceQuota, as Kubernetes quantities.</summary>
/// <param name="Pods">Most pods.</param>
/// <param name="RequestsCpu">Sum of CPU requests.</param>
/// <param name="LimitsCpu">Sum of CPU limits.</param>
/// <param name="RequestsMemory">Sum of memory requests.</param>
/// <param name="LimitsMemory">Sum of memory limits.</param>
/// <param name="Gpus">Sum of <c>requests.nvidia.com/gpu</c>.</param>
/// <param name="Storage">Sum of persistent volume claim requests.</param>
public sealed record NamespaceQuota(
    string Pods,
    string RequestsCpu,
    string LimitsCpu,
    string RequestsMemory,
    string LimitsMemory,
    string Gpus,
    string Storage)
{
    /// <summary>A team's default quota.</summary>
    public static NamespaceQuota TeamDefault { get; } = new("100", "100", "200", "200Gi", "400Gi", "16", "1Ti");
}
