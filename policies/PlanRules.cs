using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace MlPlatform.Policies;

/// <summary>
/// The platform's invariants as pure functions over a whole plan. The offline plan runs them as a gate (a plan
/// that breaks one fails), and the scenario tests run them on every stack, so a stack edited by hand cannot
/// silently drop a guard rail.
/// </summary>
public static class PlanRules
{
    /// <summary>Types whose loss loses data: they must be registered with <c>Protect = true</c>.</summary>
    public static ImmutableHashSet<string> StatefulTypes { get; } =
    [
        "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws:rds/instance:Instance", "aws:rds/cluster:Cluster",
        "aws:kms/key:Key", "aws:secretsmanager/secret:Secret", "aws:ecr/repository:Repository",
        "azure-native:storage:StorageAccount", "azure-native:storage:BlobContainer", "azure-native:keyvault:Vault",
        "azure-native:keyvault:Secret", "azure-native:dbforpostgresql:Server", "azure-native:dbforpostgresql:Database",
        "azure-native:containerregistry:Registry", "azure-native:resources:ResourceGroup", "gcp:storage/bucket:Bucket",
        "gcp:sql/databaseInstance:DatabaseInstance", "gcp:sql/database:Database", "gcp:secretmanager/secret:Secret",
        "gcp:kms/cryptoKey:CryptoKey", "gcp:artifactregistry/repository:Repository",
        "kubernetes:core/v1:PersistentVolumeClaim",
    ];

    /// <summary>Every rule, by name.</summary>
    public static ImmutableArray<(string Name, Func<IReadOnlyList<PlanItem>, IEnumerable<PolicyViolation>> Check)> All { get; } =
    [
        ("namespace-guard-rails", NamespacesAreGuarded),
        ("pod-security", PodSecurityIsDeclared),
        ("stateful-protected", StatefulResourcesAreProtected),
        ("gpu-pools-tainted", GpuNodePoolsAreTainted),
        ("charts-pinned", ChartsArePinned),
        ("kubernetes-syntax", KubernetesObjectsAreWellFormed),
        (DisruptionBudgetRule.Name, DisruptionBudgetsProtect),
    ];

    /// <summary>Runs every rule.</summary>
    public static IReadOnlyList<PolicyViolation> Check(IReadOnlyList<PlanItem> plan) =>
        [.. All.SelectMany(rule => rule.Check(plan))];

    /// <summary>Every namespace has a ResourceQuota, a LimitRange and a default-deny NetworkPolicy for ingress and egress.</summary>
    public static IEnumerable<PolicyViolation> NamespacesAreGuarded(IReadOnlyList<PlanItem> plan)
    {
        foreach (var ns in plan.Where(r => r.Type == "kubernetes:core/v1:Namespace"))
        {
            var name = ns.ObjectName;
            if (!plan.Any(r => r.Type == "kubernetes:core/v1:ResourceQuota" && r.Namespace == name))
            {
                yield return Violation("namespace-guard-rails", ns, "has no ResourceQuota");
            }

            if (!plan.Any(r => r.Type == "kubernetes:core/v1:LimitRange" && r.Namespace == name))
            {
                yield return Violation("namespace-guard-rails", ns, "has no LimitRange");
            }

            if (!plan.Any(r => r.Type == "kubernetes:networking.k8s.io/v1:NetworkPolicy" && r.Namespace == name && IsDefaultDeny(r.Inputs)))
            {
                yield return Violation("namespace-guard-rails", ns, "has no default-deny NetworkPolicy for ingress and egress");
            }
        }
    }

    /// <summary>Every namespace enforces a Pod Security level, and only the reviewed exceptions are privileged.</summary>
    public static IEnumerable<PolicyViolation> PodSecurityIsDeclared(IReadOnlyList<PlanItem> plan)
    {
        foreach (var ns in plan.Where(r => r.Type == "kubernetes:core/v1:Namespace"))
        {
            var level = ns.Inputs["metadata"]?["labels"]?["pod-security.kubernetes.io/enforce"]?.ToString();
            if (level is null)
            {
                yield return Violation("pod-security", ns, "has no pod-security.kubernetes.io/enforce label");
            }
            else if (level == "privileged" && !PodSecurityExceptions.IsAllowed(ns.ObjectName, out _))
            {
                yield return Violation("pod-security", ns, "is privileged without an entry in PodSecurityExceptions");
            }
        }
    }

    /// <summary>Buckets, databases, keys, secrets and registries are protected from accidental deletion.</summary>
    public static IEnumerable<PolicyViolation> StatefulResourcesAreProtected(IReadOnlyList<PlanItem> plan) =>
        plan.Where(r => StatefulTypes.Contains(r.Type) && !r.Protected)
            .Select(r => Violation("stateful-protected", r, "holds data but is not protected (Protect = true)"));

    /// <summary>
    /// Node pools that provision GPUs carry the <c>nvidia.com/gpu</c> NoSchedule taint: Karpenter NodePools with a GPU
    /// limit, and AKS agent pools of N-series (GPU) VM sizes.
    /// </summary>
    public static IEnumerable<PolicyViolation> GpuNodePoolsAreTainted(IReadOnlyList<PlanItem> plan)
    {
        foreach (var pool in plan.Where(r => r.Type == "azure-native:containerservice:AgentPool"))
        {
            if (pool.Inputs["vmSize"]?.ToString() is not { } size || !size.StartsWith("Standard_N", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var taints = (pool.Inputs["nodeTaints"] as JsonArray ?? []).Select(t => t?.ToString() ?? string.Empty);
            if (!taints.Any(t => (t.StartsWith("nvidia.com/gpu=", StringComparison.Ordinal) || t.StartsWith("nvidia.com/gpu:", StringComparison.Ordinal))
                && t.EndsWith(":NoSchedule", StringComparison.Ordinal)))
            {
                yield return Violation("gpu-pools-tainted", pool, $"runs GPU VMs ({size}) but lacks the nvidia.com/gpu:NoSchedule taint");
            }
        }

        foreach (var pool in plan.Where(r => r.Type == "kubernetes:karpenter.sh/v1:NodePool"))
        {
            var spec = pool.Inputs["spec"];
            if (spec?["limits"]?["nvidia.com/gpu"] is null)
            {
                continue;
            }

            var taints = spec["template"]?["spec"]?["taints"] as JsonArray ?? [];
            if (!taints.Any(t => t?["key"]?.ToString() == "nvidia.com/gpu" && t["effect"]?.ToString() == "NoSchedule"))
            {
                yield return Violation("gpu-pools-tainted", pool, "provisions GPUs but lacks the nvidia.com/gpu:NoSchedule taint");
            }
        }
    }

    /// <summary>Every Helm release names an exact chart version.</summary>
    public static IEnumerable<PolicyViolation> ChartsArePinned(IReadOnlyList<PlanItem> plan) =>
        plan.Where(r => r.Type == "kubernetes:helm.sh/v3:Release")
            .Where(r => r.Inputs["version"]?.ToString() is not { Length: > 0 } version
                || version.IndexOfAny(['*', '^', '~', '>', '<', ' ', 'x']) >= 0)
            .Select(r => Violation("charts-pinned", r, $"chart version '{r.Inputs["version"]}' is not an exact version"));

    /// <summary>
    /// Every Kubernetes object the plan sends is one the API server accepts: names (DNS labels for namespaces and
    /// services, path segments for RBAC objects, DNS subdomains otherwise), namespaces, label keys and values,
    /// annotation keys, and the quantities of quotas and limit ranges. A value the configuration let through by
    /// mistake (a final line feed, a 64-character label) fails here rather than half-way through <c>pulumi up</c>.
    /// </summary>
    public static IEnumerable<PolicyViolation> KubernetesObjectsAreWellFormed(IReadOnlyList<PlanItem> plan)
    {
        foreach (var item in plan.Where(r => r.Type.StartsWith("kubernetes:", StringComparison.Ordinal) && r.Inputs["metadata"] is JsonObject))
        {
            foreach (var problem in KubernetesObjectProblems(item))
            {
                yield return Violation("kubernetes-syntax", item, problem);
            }
        }
    }

    private static IEnumerable<string> KubernetesObjectProblems(PlanItem item)
    {
        var metadata = (JsonObject)item.Inputs["metadata"]!;
        var kind = item.Type[(item.Type.LastIndexOf(':') + 1)..];
        if (metadata["name"] is JsonValue nameValue && nameValue.TryGetValue<string>(out var name))
        {
            var valid = kind is "Namespace" or "Service" ? KubernetesNames.IsDns1123Label(name)
                : item.Type.Contains("rbac.authorization.k8s.io", StringComparison.Ordinal) ? IsPathSegmentName(name)
                : KubernetesNames.IsDns1123Subdomain(name);
            if (!valid)
            {
                yield return $"metadata.name '{name}' is not a valid {kind} name";
            }
        }

        if (metadata["namespace"] is JsonValue nsValue && nsValue.TryGetValue<string>(out var ns) && !KubernetesNames.IsDns1123Label(ns))
        {
            yield return $"metadata.namespace '{ns}' is not a namespace name";
        }

        foreach (var (key, value) in metadata["labels"] as JsonObject ?? [])
        {
            if (!KubernetesNames.IsLabelKey(key))
            {
                yield return $"label key '{key}' is not a qualified name";
            }
            else if (value is not JsonValue label || !label.TryGetValue<string>(out var text) || !KubernetesNames.IsLabelValue(text))
            {
                yield return $"label {key}: '{value}' is not a label value";
            }
        }

        foreach (var (key, _) in metadata["annotations"] as JsonObject ?? [])
        {
            if (!KubernetesNames.IsAnnotationKey(key))
            {
                yield return $"annotation key '{key}' is not a qualified name";
            }
        }

        var quantities = item.Type switch
        {
            "kubernetes:core/v1:ResourceQuota" => (item.Inputs["spec"]?["hard"] as JsonObject ?? []).Select(e => ($"spec.hard.{e.Key}", e.Value)),
            "kubernetes:core/v1:LimitRange" => (item.Inputs["spec"]?["limits"] as JsonArray ?? [])
                .SelectMany((limit, i) => new[] { "default", "defaultRequest", "max", "min", "maxLimitRequestRatio" }
                    .SelectMany(field => (limit?[field] as JsonObject ?? []).Select(e => ($"spec.limits[{i}].{field}.{e.Key}", e.Value)))),
            _ => [],
        };
        foreach (var (path, value) in quantities)
        {
            if (value is not JsonValue quantity || !quantity.TryGetValue<string>(out var text) || !KubernetesNames.IsNonNegativeQuantity(text))
            {
                yield return $"{path}: '{value}' is not a Kubernetes quantity";
            }
        }
    }

    /// <summary>A path segment name (RBAC objects): not empty, '.' or '..', and without '/' or '%'.</summary>
    private static bool IsPathSegmentName(string name) =>
        name.Length > 0 && name is not ("." or "..") && name.IndexOfAny(['/', '%']) < 0 && !name.Any(char.IsControl);

    /// <summary>
    /// Components that run several replicas keep one through a node drain: see <see cref="DisruptionBudgetRule"/>
    /// (production stacks need a budget that protects; no stack may have one that blocks every eviction).
    /// </summary>
    public static IEnumerable<PolicyViolation> DisruptionBudgetsProtect(IReadOnlyList<PlanItem> plan) => DisruptionBudgetRule.Check(plan);

    private static bool IsDefaultDeny(JsonObject inputs)
    {
        var spec = inputs["spec"];
        var types = (spec?["policyTypes"] as JsonArray)?.Select(t => t?.ToString()).ToHashSet() ?? [];
        return spec?["podSelector"] is JsonObject { Count: 0 }
            && types.Contains("Ingress") && types.Contains("Egress")
            && spec["ingress"] is null && spec["egress"] is null;
    }

    private static PolicyViolation Violation(string rule, PlanItem resource, string message) =>
        new(rule, $"{resource.Type} {resource.Name}", message);
}
