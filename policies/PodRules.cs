using System.Collections.Immutable;
using System.Text.Json.Nodes;
using static MlPlatform.Policies.JsonFacts;

namespace MlPlatform.Policies;

/// <summary>
/// The gate's rules for the pods the platform creates directly (<see cref="PodTemplate"/>): resources, images,
/// security context, service account tokens and host access. Admission (Kyverno, Pod Security) enforces the same
/// in the cluster; the gate finds a breach in review, before <c>pulumi up</c> is half-way through.
/// </summary>
public static class PodRules
{
    /// <summary>The Kyverno ClusterPolicy whose allowed registries <see cref="ImagesComeFromAllowedRegistries"/> applies.</summary>
    public const string RegistryPolicyName = "restrict-image-registries";

    private static readonly string[] Resources = ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory"];
    private static readonly string[] HostNamespaces = ["hostNetwork", "hostPID", "hostIPC"];

    /// <summary>Every container sets CPU and memory requests and limits.</summary>
    public static IEnumerable<PolicyViolation> ContainersHaveResources(IReadOnlyList<PlanItem> plan)
    {
        foreach (var pod in PodTemplate.In(plan))
        {
            foreach (var container in pod.Containers)
            {
                var missing = Resources.Where(r => container.Container["resources"]?[r.Split('.')[0]]?[r.Split('.')[1]] is null).ToArray();
                if (missing.Length > 0)
                {
                    yield return PolicyViolation.Of("pod-resources", pod.Owner, $"{container.Path}.resources lacks {string.Join(", ", missing)}");
                }
            }
        }
    }

    /// <summary>Every image names a tag other than <c>latest</c>, or a digest.</summary>
    public static IEnumerable<PolicyViolation> ImagesArePinned(IReadOnlyList<PlanItem> plan)
    {
        foreach (var pod in PodTemplate.In(plan))
        {
            foreach (var container in pod.Containers)
            {
                if (container.ImageUnknown)
                {
                    yield return PolicyViolation.Unevaluated("image-pinned", pod.Owner, $"{container.Path}.image is not known at plan time");
                }
                else if (container.Image is { } image && ImageReference.Parse(image) is { Digest: null } reference
                    && reference.Tag is null or "latest")
                {
                    yield return PolicyViolation.Of("image-pinned", pod.Owner, $"{container.Path}.image '{image}' has no tag or digest, or the tag latest: pin a version");
                }
            }
        }
    }

    /// <summary>
    /// Every image comes from a registry the stack's <c>restrict-image-registries</c> Kyverno policy allows, in the
    /// namespaces that policy covers: what admission would refuse is refused in review.
    /// </summary>
    public static IEnumerable<PolicyViolation> ImagesComeFromAllowedRegistries(IReadOnlyList<PlanItem> plan)
    {
        var policy = plan.FirstOrDefault(r => r.Type == "kubernetes:kyverno.io/v1:ClusterPolicy" && r.ObjectName == RegistryPolicyName);
        var pods = PodTemplate.In(plan).Where(p => p.Containers.Any(c => c.Image is not null)).ToList();
        if (policy is null)
        {
            foreach (var owner in pods.Select(p => p.Owner).Distinct())
            {
                yield return PolicyViolation.Unevaluated("image-registry", owner, $"the stack installs no Kyverno {RegistryPolicyName} policy, so there is no list of allowed registries");
            }

            yield break;
        }

        var rules = policy.Inputs["spec"]?["rules"] as JsonArray ?? [];
        var allowed = rules.SelectMany(r => r?["validate"]?["deny"]?["conditions"]?["any"] as JsonArray ?? [])
            .SelectMany(c => c?["value"] as JsonArray ?? []).Select(v => v?.ToString()).OfType<string>().ToImmutableHashSet(StringComparer.Ordinal);
        var excluded = rules.SelectMany(r => r?["exclude"]?["any"] as JsonArray ?? [])
            .SelectMany(e => e?["resources"]?["namespaces"] as JsonArray ?? []).Select(n => n?.ToString()).OfType<string>().ToImmutableHashSet(StringComparer.Ordinal);
        foreach (var pod in pods.Where(p => p.Namespace is null || !excluded.Contains(p.Namespace)))
        {
            foreach (var container in pod.Containers)
            {
                if (container.Image is { } image && ImageReference.Parse(image).Registry is var registry
                    && !allowed.Any(pattern => Glob.Matches(pattern, registry)))
                {
                    yield return PolicyViolation.Of("image-registry", pod.Owner,
                        $"{container.Path}.image '{image}' comes from {registry}, which {RegistryPolicyName} does not allow ({string.Join(", ", allowed.Order(StringComparer.Ordinal))})");
                }
            }
        }
    }

    /// <summary>
    /// In namespaces that enforce the restricted Pod Security level, every container runs as non-root, without
    /// privilege escalation, with every capability dropped and the runtime's seccomp profile.
    /// </summary>
    public static IEnumerable<PolicyViolation> RestrictedPodsAreRestricted(IReadOnlyList<PlanItem> plan)
    {
        var restricted = plan.Where(r => r.Type == "kubernetes:core/v1:Namespace"
                && r.Inputs["metadata"]?["labels"]?["pod-security.kubernetes.io/enforce"]?.ToString() == "restricted")
            .Select(r => r.ObjectName).ToImmutableHashSet(StringComparer.Ordinal);
        foreach (var pod in PodTemplate.In(plan).Where(p => p.Namespace is not null && restricted.Contains(p.Namespace)))
        {
            var podContext = pod.Spec["securityContext"];
            foreach (var container in pod.Containers)
            {
                var context = container.Container["securityContext"];
                var problems = new List<string>();
                if (!IsTrue(context?["runAsNonRoot"]) && !(context?["runAsNonRoot"] is null && IsTrue(podContext?["runAsNonRoot"])))
                {
                    problems.Add("runAsNonRoot: true");
                }

                if (!IsFalse(context?["allowPrivilegeEscalation"]))
                {
                    problems.Add("allowPrivilegeEscalation: false");
                }

                if (!(context?["capabilities"]?["drop"] as JsonArray ?? []).Any(c => c?.ToString() == "ALL"))
                {
                    problems.Add("capabilities.drop: [ALL]");
                }

                if ((context?["seccompProfile"] ?? podContext?["seccompProfile"])?["type"]?.ToString() is not ("RuntimeDefault" or "Localhost"))
                {
                    problems.Add("seccompProfile.type: RuntimeDefault");
                }

                if (problems.Count > 0)
                {
                    yield return PolicyViolation.Of("restricted-security-context", pod.Owner,
                        $"{container.Path} runs in the restricted namespace {pod.Namespace} without {string.Join(", ", problems)} (container or pod securityContext)");
                }
            }
        }
    }

    /// <summary>
    /// A pod mounts a service account token only when its service account is declared to use the API: bound by a
    /// RoleBinding or ClusterRoleBinding of the plan. Otherwise <c>automountServiceAccountToken</c> must be false,
    /// on the pod or on its ServiceAccount.
    /// </summary>
    public static IEnumerable<PolicyViolation> TokensOnlyWhereDeclared(IReadOnlyList<PlanItem> plan)
    {
        var accounts = plan.Where(r => r.Type == "kubernetes:core/v1:ServiceAccount")
            .GroupBy(r => (r.Namespace, r.ObjectName)).ToDictionary(g => g.Key, g => g.First());
        var bound = plan.Where(r => r.Type is "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding" or "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding")
            .SelectMany(r => (r.Inputs["subjects"] as JsonArray ?? []).Where(s => s?["kind"]?.ToString() == "ServiceAccount")
                .Select(s => (s?["namespace"]?.ToString() ?? r.Namespace, s?["name"]?.ToString() ?? string.Empty)))
            .ToHashSet();
        foreach (var pod in PodTemplate.In(plan).Where(p => p.Namespace is not null))
        {
            var account = (pod.Namespace, pod.ServiceAccount);
            var automount = pod.Spec["automountServiceAccountToken"]
                ?? (accounts.TryGetValue(account, out var sa) ? sa.Inputs["automountServiceAccountToken"] : null);
            if (!IsFalse(automount) && !bound.Contains(account))
            {
                yield return PolicyViolation.Of("service-account-token", pod.Owner,
                    $"{pod.Path} mounts a service account token, but its service account '{pod.ServiceAccount}' has no RoleBinding or ClusterRoleBinding in the plan: set automountServiceAccountToken: false, or declare the API access it needs");
            }
        }
    }

    /// <summary>No host namespaces, host paths, host ports or privileged containers outside the reviewed privileged namespaces.</summary>
    public static IEnumerable<PolicyViolation> NoHostAccess(IReadOnlyList<PlanItem> plan)
    {
        foreach (var pod in PodTemplate.In(plan).Where(p => p.Namespace is null || !PodSecurityExceptions.IsAllowed(p.Namespace, out _)))
        {
            foreach (var field in HostNamespaces.Where(f => IsTrue(pod.Spec[f])))
            {
                yield return PolicyViolation.Of("host-access", pod.Owner, $"{pod.Path}.{field} is true outside the reviewed privileged namespaces");
            }

            foreach (var volume in (pod.Spec["volumes"] as JsonArray ?? []).Where(v => v?["hostPath"] is not null))
            {
                yield return PolicyViolation.Of("host-access", pod.Owner, $"{pod.Path} mounts the host path {volume?["hostPath"]?["path"]} (volume {volume?["name"]}) outside the reviewed privileged namespaces");
            }

            foreach (var container in pod.Containers)
            {
                if (IsTrue(container.Container["securityContext"]?["privileged"]))
                {
                    yield return PolicyViolation.Of("host-access", pod.Owner, $"{container.Path} is privileged outside the reviewed privileged namespaces");
                }

                if ((container.Container["ports"] as JsonArray ?? []).Any(p => p?["hostPort"] is not null))
                {
                    yield return PolicyViolation.Of("host-access", pod.Owner, $"{container.Path} binds a hostPort outside the reviewed privileged namespaces");
                }
            }
        }
    }
}
