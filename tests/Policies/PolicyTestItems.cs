using System.Text.Json.Nodes;
using MlPlatform.Policies;

namespace MlPlatform.Tests.Policies;

/// <summary>Plan items for the rule tests, written as the plan's JSON.</summary>
internal static class PolicyTestItems
{
    public static PlanItem Item(string type, string name, string json, bool isProtected = false) =>
        new(type, name, JsonNode.Parse(json)!.AsObject(), isProtected);

    public static PlanItem Namespace(string name, string level = "restricted", string environment = "staging") => Item(
        "kubernetes:core/v1:Namespace", name,
        "{\"metadata\":{\"name\":\"" + name + "\",\"labels\":{\"pod-security.kubernetes.io/enforce\":\"" + level
        + "\",\"mlplatform.io/environment\":\"" + environment + "\"}}}");

    /// <summary>A container that every pod rule accepts.</summary>
    public const string GoodContainer = """
        {"name":"app","image":"ghcr.io/acme/app:1.2.3",
         "resources":{"requests":{"cpu":"100m","memory":"128Mi"},"limits":{"cpu":"1","memory":"256Mi"}},
         "securityContext":{"runAsNonRoot":true,"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]},"seccompProfile":{"type":"RuntimeDefault"}}}
        """;

    public static PlanItem Deployment(string name, string ns, string container = GoodContainer, string pod = "\"automountServiceAccountToken\":false") => Item(
        "kubernetes:apps/v1:Deployment", name,
        "{\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + ns + "\"},\"spec\":{\"template\":{\"spec\":{" + pod
        + ",\"containers\":[" + container + "]}}}}");

    public static PlanItem RegistryPolicy(params string[] registries) => Item(
        "kubernetes:kyverno.io/v1:ClusterPolicy", "kyverno-restrict-image-registries",
        """
        {"metadata":{"name":"restrict-image-registries"},"spec":{"rules":[{"name":"allowed-registries",
          "exclude":{"any":[{"resources":{"namespaces":["kube-system"]}}]},
          "validate":{"deny":{"conditions":{"any":[{"key":"{{ images.containers.*.registry }}","operator":"AnyNotIn","value":REGISTRIES}]}}}}]}}
        """.Replace("REGISTRIES", System.Text.Json.JsonSerializer.Serialize(registries), StringComparison.Ordinal));
}
