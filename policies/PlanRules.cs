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

    /// <summary>Cluster-scoped Kubernetes kinds: every other kind lives in a namespace.</summary>
    public static ImmutableHashSet<string> ClusterScopedKinds { get; } =
    [
        "Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "PriorityClass", "StorageClass", "CSIDriver",
        "VolumeSnapshotClass", "IngressClass", "RuntimeClass", "CustomResourceDefinition", "APIService", "MutatingWebhookConfiguration",
        "ValidatingWebhookConfiguration", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "MutatingAdmissionPolicy",
        "MutatingAdmissionPolicyBinding", "ClusterPolicy", "ClusterCleanupPolicy", "ClusterIssuer", "GatewayClass", "NodePool", "NodeClaim",
        "EC2NodeClass", "AKSNodeClass", "ComputeClass", "ClusterSecretStore", "ClusterExternalSecret", "ClusterServingRuntime",
        "ClusterStorageContainer", "ClusterWorkflowTemplate", "ClusterTriggerAuthentication", "ResourceFlavor", "ClusterQueue", "Cohort",
        "WorkloadPriorityClass", "AdmissionCheck", "TracingPolicy", "ClusterPodMonitoring", "ClusterRules",
    ];

    /// <summary>Every rule of the gate, with its severity and what it requires.</summary>
    public static ImmutableArray<PolicyRule> All { get; } =
    [
        new("namespace-guard-rails", PolicySeverity.Error, "Every namespace has a ResourceQuota, a LimitRange and a default-deny NetworkPolicy for ingress and egress.", NamespacesAreGuarded),
        new("pod-security", PolicySeverity.Error, "Every namespace enforces a Pod Security level; privileged only by a reviewed exception.", PodSecurityIsDeclared),
        new("namespace-declared", PolicySeverity.Error, "Every namespaced object (and Helm release) names a namespace, and one the plan creates.", NamespacedObjectsAreDeclared),
        new("pod-resources", PolicySeverity.Error, "Every container of a pod the platform creates sets CPU and memory requests and limits.", PodRules.ContainersHaveResources),
        new("image-pinned", PolicySeverity.Error, "Every image names a tag other than latest, or a digest.", PodRules.ImagesArePinned),
        new("image-registry", PolicySeverity.Error, "Every image comes from a registry the stack's restrict-image-registries policy allows.", PodRules.ImagesComeFromAllowedRegistries),
        new("restricted-security-context", PolicySeverity.Error, "Containers in restricted namespaces run as non-root, without privilege escalation, with ALL capabilities dropped and the RuntimeDefault seccomp profile.", PodRules.RestrictedPodsAreRestricted),
        new("service-account-token", PolicySeverity.Error, "A pod mounts a service account token only when its service account has a RoleBinding or ClusterRoleBinding.", PodRules.TokensOnlyWhereDeclared),
        new("host-access", PolicySeverity.Error, "No hostNetwork, hostPID, hostIPC, hostPath, hostPort or privileged container outside the reviewed privileged namespaces.", PodRules.NoHostAccess),
        new(SecretRules.Rule, PolicySeverity.Error, "No plaintext secret (password, token, key, connection string with a password) in any input that is not a Pulumi secret.", SecretRules.NoPlaintextSecrets),
        new("gpu-pools-tainted", PolicySeverity.Error, "GPU node pools carry the nvidia.com/gpu NoSchedule taint (GKE adds it to accelerator pools itself).", GpuNodePoolsAreTainted),
        new("gpu-pools-bounded", PolicySeverity.Error, "GPU node pools are autoscaled with a maximum; GKE node auto-provisioning has accelerator limits.", GpuPoolRules.Bounded),
        new("gpu-pools-scale-to-zero", PolicySeverity.Warning, "GPU node pools can scale to zero nodes; a minimum above zero is warm capacity paid around the clock.", GpuPoolRules.ScaleToZero),
        new("stateful-protected", PolicySeverity.Error, "Buckets, databases, keys, secrets, registries and volumes are registered with Protect = true.", StatefulResourcesAreProtected),
        new("stateful-encrypted", PolicySeverity.Error, "Stateful resources are encrypted at rest, with the stack's customer-managed key where it has one.", StatefulRules.Encrypted),
        new("stateful-private", PolicySeverity.Error, "Stateful resources are not public: no public buckets or containers, databases on private networks only.", StatefulRules.NotPublic),
        new("stateful-backed-up", PolicySeverity.Error, "Databases keep automated backups; buckets keep versions or deleted objects.", StatefulRules.BackedUp),
        new("deletion-protection", PolicySeverity.Error, "In production, clusters, databases, buckets, vaults, keys and secrets refuse deletion by the cloud too.", StatefulRules.DeletionProtectedInProduction),
        new("cluster-private-endpoint", PolicySeverity.Error, "In production the Kubernetes API endpoint is private.", ClusterRules.PrivateEndpointInProduction),
        new("cluster-secrets-encryption", PolicySeverity.Error, "Kubernetes Secrets are envelope-encrypted with the stack's key (EKS KMS, AKS Key Vault KMS, GKE application-layer encryption).", ClusterRules.SecretsEncrypted),
        new("cluster-audit-logs", PolicySeverity.Error, "The API server's audit log is kept.", ClusterRules.AuditLogs),
        new("cluster-workload-identity", PolicySeverity.Error, "Pods reach the cloud through workload identity (EKS Pod Identity or IRSA, AKS workload identity, GKE Workload Identity on every node pool).", ClusterRules.WorkloadIdentity),
        new("no-static-credentials", PolicySeverity.Error, "No access keys, service account keys, local cluster accounts, registry admin users or storage shared keys.", ClusterRules.NoStaticCredentials),
        new("imdsv2", PolicySeverity.Error, "Every AWS launch template and Karpenter EC2NodeClass requires IMDSv2.", ClusterRules.ImdsV2),
        new("kms-rotation", PolicySeverity.Error, "Customer-managed keys rotate (AWS KMS rotation on, Cloud KMS rotation period of at most a year).", ClusterRules.KeyRotation),
        new("charts-pinned", PolicySeverity.Error, "Every Helm release names an exact chart version.", ChartsArePinned),
        new("releases-atomic", PolicySeverity.Error, "Every Helm release is atomic (a failed install or upgrade rolls back) with a history limit of 1 to 20.", ReleasesAreAtomic),
        new("kubernetes-syntax", PolicySeverity.Error, "Names, namespaces, labels, annotation keys and quota quantities are ones the API server accepts.", KubernetesObjectsAreWellFormed),
        new(DisruptionBudgetRule.Name, PolicySeverity.Error, "In production every replicated component keeps a pod through a node drain; no budget blocks every eviction.", DisruptionBudgetsProtect),
    ];

    /// <summary>
    /// The violations that fail the gate: the <see cref="PolicySeverity.Error"/> findings of every rule that no reviewed
    /// exception waives (<see cref="Evaluate"/> has the whole report, warnings and rules not evaluated included).
    /// </summary>
    public static IReadOnlyList<PolicyViolation> Check(IReadOnlyList<PlanItem> plan) => [.. Evaluate(plan).Errors];

    /// <summary>Runs every rule: what it found, what it could not evaluate, and what the reviewed exceptions waived.</summary>
    public static PolicyReport Evaluate(IReadOnlyList<PlanItem> plan)
    {
        var findings = new List<PolicyViolation>();
        var notEvaluated = new List<PolicyViolation>();
        var waived = new List<(PolicyViolation, PolicyException)>();
        foreach (var rule in All)
        {
            foreach (var finding in rule.Evaluate(plan).Select(f => f with { Rule = rule.Id, Severity = rule.Severity }))
            {
                if (finding.NotEvaluated)
                {
                    notEvaluated.Add(finding);
                }
                else if (PolicyExceptions.Waiving(finding) is { } exception)
                {
                    waived.Add((finding, exception));
                }
                else
                {
                    findings.Add(finding);
                }
            }
        }

        return new PolicyReport([.. findings], [.. notEvaluated], [.. waived]);
    }

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

    /// <summary>Every Helm release installs and upgrades atomically and keeps a bounded history.</summary>
    public static IEnumerable<PolicyViolation> ReleasesAreAtomic(IReadOnlyList<PlanItem> plan) =>
        plan.Where(r => r.Type == "kubernetes:helm.sh/v3:Release")
            .Where(r => !JsonFacts.IsTrue(r.Inputs["atomic"]) || JsonFacts.Number(r.Inputs["maxHistory"]) is not (>= 1 and <= 20))
            .Select(r => Violation("releases-atomic", r, $"atomic is {r.Inputs["atomic"]?.ToJsonString() ?? "unset"} and maxHistory {r.Inputs["maxHistory"]?.ToJsonString() ?? "unset"}: set atomic: true and maxHistory between 1 and 20"));

    /// <summary>
    /// Every namespaced object and Helm release names its namespace (an object without one lands in the provider's
    /// default namespace, outside every guard rail), and that namespace is one the plan creates, with its guard rails.
    /// </summary>
    public static IEnumerable<PolicyViolation> NamespacedObjectsAreDeclared(IReadOnlyList<PlanItem> plan)
    {
        var declared = plan.Where(r => r.Type == "kubernetes:core/v1:Namespace").Select(r => r.ObjectName).ToHashSet(StringComparer.Ordinal);
        foreach (var item in plan.Where(r => r.Type.StartsWith("kubernetes:", StringComparison.Ordinal) && !r.Type.StartsWith("kubernetes:index:", StringComparison.Ordinal)))
        {
            var isRelease = item.Type == "kubernetes:helm.sh/v3:Release";
            if (!isRelease && item.Inputs["metadata"] is not JsonObject)
            {
                continue;
            }

            var kind = item.Type[(item.Type.LastIndexOf(':') + 1)..];
            if (!isRelease && ClusterScopedKinds.Contains(kind))
            {
                continue;
            }

            if (item.Namespace is not { } ns)
            {
                yield return Violation("namespace-declared", item, isRelease ? "names no namespace" : $"is a namespaced {kind} without metadata.namespace");
            }
            else if (!declared.Contains(ns))
            {
                yield return Violation("namespace-declared", item, $"lives in the namespace {ns}, which the plan does not create (and so does not guard)");
            }
        }
    }

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

    private static PolicyViolation Violation(string rule, PlanItem resource, string message) => PolicyViolation.Of(rule, resource, message);
}
