using System.Text.Json.Nodes;

namespace MlPlatform.Tests.Support;

/// <summary>
/// The Pod Security Standards "restricted" checks that apply to a rendered pod spec (or a spec that embeds pod
/// fields, such as a KServe predictor or an Argo template): non-root, RuntimeDefault seccomp, no privilege
/// escalation, all capabilities dropped, nothing privileged, no host namespaces or host paths.
/// </summary>
public static class RestrictedPodSecurity
{
    /// <summary>The violations of a pod spec whose containers are at <paramref name="containers"/>.</summary>
    /// <param name="pod">The object carrying the pod-level fields (securityContext, volumes, hostNetwork, ...).</param>
    /// <param name="containers">The container specs (each with a securityContext).</param>
    /// <param name="path">Where the pod is, for messages.</param>
    public static IReadOnlyList<string> Problems(JsonNode pod, IEnumerable<JsonNode> containers, string path)
    {
        var problems = new List<string>();
        var podContext = pod["securityContext"];
        foreach (var field in new[] { "hostNetwork", "hostPID", "hostIPC" })
        {
            if (pod[field]?.GetValue<bool>() == true)
            {
                problems.Add($"{path}.{field}: must not be true");
            }
        }

        foreach (var volume in pod["volumes"]?.AsArray() ?? [])
        {
            if (volume?["hostPath"] is not null)
            {
                problems.Add($"{path}.volumes.{volume["name"]}: hostPath is not allowed");
            }
        }

        var index = 0;
        foreach (var container in containers)
        {
            var where = $"{path}.containers[{index++}]";
            var context = container["securityContext"];
            if (context?["runAsNonRoot"]?.GetValue<bool>() != true && podContext?["runAsNonRoot"]?.GetValue<bool>() != true)
            {
                problems.Add($"{where}: runAsNonRoot must be true (pod or container)");
            }

            var seccomp = context?["seccompProfile"]?["type"]?.GetValue<string>() ?? podContext?["seccompProfile"]?["type"]?.GetValue<string>();
            if (seccomp is not ("RuntimeDefault" or "Localhost"))
            {
                problems.Add($"{where}: seccompProfile must be RuntimeDefault or Localhost");
            }

            if (context?["allowPrivilegeEscalation"]?.GetValue<bool>() != false)
            {
                problems.Add($"{where}: allowPrivilegeEscalation must be false");
            }

            if (context?["privileged"]?.GetValue<bool>() == true)
            {
                problems.Add($"{where}: privileged is not allowed");
            }

            var drop = context?["capabilities"]?["drop"]?.AsArray().Select(c => c!.GetValue<string>()) ?? [];
            if (!drop.Contains("ALL"))
            {
                problems.Add($"{where}: capabilities must drop ALL");
            }

            var add = context?["capabilities"]?["add"]?.AsArray().Select(c => c!.GetValue<string>()) ?? [];
            if (add.Any(c => c != "NET_BIND_SERVICE"))
            {
                problems.Add($"{where}: only NET_BIND_SERVICE may be added");
            }
        }

        return problems;
    }
}
