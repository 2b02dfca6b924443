using System.Text.Json.Nodes;
using static MlPlatform.Policies.JsonFacts;

namespace MlPlatform.Policies;

/// <summary>
/// GPUs are the bill: on every cloud a GPU pool has an upper bound the autoscaler cannot pass, and it can shrink to
/// no nodes when nothing needs it. Karpenter NodePools that provision GPUs (a GPU limit, the GPU taint or an
/// instance-gpu requirement), AKS agent pools of N-series sizes, GKE node pools with guest accelerators and GKE
/// node auto-provisioning's accelerator limits.
/// </summary>
public static class GpuPoolRules
{
    /// <summary>Every GPU pool is autoscaled with a maximum.</summary>
    public static IEnumerable<PolicyViolation> Bounded(IReadOnlyList<PlanItem> plan)
    {
        const string Rule = "gpu-pools-bounded";
        foreach (var pool in plan)
        {
            string? problem = pool.Type switch
            {
                "kubernetes:karpenter.sh/v1:NodePool" when IsKarpenterGpuPool(pool) => pool.Inputs["spec"]?["limits"]?["nvidia.com/gpu"] is null
                    ? "provisions GPUs without a spec.limits[\"nvidia.com/gpu\"]" : null,
                "azure-native:containerservice:AgentPool" when IsAzureGpuSize(pool.Inputs["vmSize"]) => !IsTrue(pool.Inputs["enableAutoScaling"]) || Number(pool.Inputs["maxCount"]) is null
                    ? "runs GPU VMs without enableAutoScaling and a maxCount" : null,
                "gcp:container/nodePool:NodePool" when IsGkeGpuPool(pool) => pool.Inputs["autoscaling"] is not JsonObject autoscaling
                    || (Number(autoscaling["totalMaxNodeCount"]) ?? Number(autoscaling["maxNodeCount"])) is null
                    ? "has guest accelerators but no autoscaling maximum (autoscaling.totalMaxNodeCount)" : null,
                "gcp:container/cluster:Cluster" when IsTrue(pool.Inputs["clusterAutoscaling"]?["enabled"]) =>
                    (pool.Inputs["clusterAutoscaling"]?["resourceLimits"] as JsonArray ?? []).Any(l => l?["resourceType"]?.ToString()?.StartsWith("nvidia-", StringComparison.Ordinal) == true && Number(l["maximum"]) is not null)
                        ? null : "node auto-provisioning has no accelerator limit (clusterAutoscaling.resourceLimits of an nvidia-* type with a maximum)",
                _ => null,
            };
            if (problem is not null)
            {
                yield return PolicyViolation.Of(Rule, pool, problem);
            }
        }
    }

    /// <summary>Every GPU pool can scale to zero nodes (Karpenter pools always can: they have no minimum).</summary>
    public static IEnumerable<PolicyViolation> ScaleToZero(IReadOnlyList<PlanItem> plan)
    {
        const string Rule = "gpu-pools-scale-to-zero";
        foreach (var pool in plan)
        {
            var minimum = pool.Type switch
            {
                "azure-native:containerservice:AgentPool" when IsAzureGpuSize(pool.Inputs["vmSize"]) => Number(pool.Inputs["minCount"]) ?? Number(pool.Inputs["count"]),
                "gcp:container/nodePool:NodePool" when IsGkeGpuPool(pool) =>
                    Number(pool.Inputs["autoscaling"]?["totalMinNodeCount"]) ?? Number(pool.Inputs["autoscaling"]?["minNodeCount"]) ?? Number(pool.Inputs["initialNodeCount"]),
                _ => null,
            };
            if (minimum is > 0)
            {
                yield return PolicyViolation.Of(Rule, pool, $"keeps {minimum} GPU node(s) at idle: set the pool's minimum to 0 unless this warm capacity is intended");
            }
        }
    }

    /// <summary>True for a Karpenter NodePool that provisions GPU instances.</summary>
    public static bool IsKarpenterGpuPool(PlanItem pool)
    {
        var spec = pool.Inputs["spec"];
        var template = spec?["template"]?["spec"];
        return spec?["limits"]?["nvidia.com/gpu"] is not null
            || (template?["taints"] as JsonArray ?? []).Any(t => t?["key"]?.ToString() == "nvidia.com/gpu")
            || (template?["requirements"] as JsonArray ?? []).Any(r => r?["key"]?.ToString() is "karpenter.k8s.aws/instance-gpu-count" or "karpenter.k8s.aws/instance-gpu-name"
                && r["operator"]?.ToString() is "Gt" or "In" or "Exists");
    }

    private static bool IsAzureGpuSize(JsonNode? size) => size?.ToString() is { } name && name.StartsWith("Standard_N", StringComparison.OrdinalIgnoreCase);

    private static bool IsGkeGpuPool(PlanItem pool) => (pool.Inputs["nodeConfig"]?["guestAccelerators"] as JsonArray ?? []).Count > 0;
}
