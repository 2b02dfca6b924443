using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlPlatform.Infra.Plan;

/// <summary>
/// The Kubernetes objects of a plan as one multi-document YAML stream (each document written as JSON, which is
/// YAML), for validators and scanners that read manifests (kubeconform, Trivy in config mode). Helm releases are
/// not objects and are left out; the values of Secrets are emptied (they are redacted in the plan anyway).
/// </summary>
public static class PlanManifests
{
    /// <summary>The Kubernetes objects of the plan, in plan order.</summary>
    public static IEnumerable<JsonObject> Objects(PlanResult plan)
    {
        foreach (var resource in plan.Resources.Where(r => r.Custom && r.Type.StartsWith("kubernetes:", StringComparison.Ordinal)))
        {
            var parts = resource.Type.Split(':');
            if (parts.Length != 3 || parts[1].StartsWith("helm.sh/", StringComparison.Ordinal) || parts[1].StartsWith("yaml", StringComparison.Ordinal))
            {
                continue;
            }

            var manifest = (JsonObject)resource.Inputs.DeepClone();
            // core/v1 is "v1" in a manifest; typed resources carry both fields already, this covers any that do not.
            manifest["apiVersion"] ??= parts[1].StartsWith("core/", StringComparison.Ordinal) ? parts[1]["core/".Length..] : parts[1];
            manifest["kind"] ??= parts[2];
            if (parts[2] == "Secret")
            {
                foreach (var field in new[] { "data", "stringData" })
                {
                    if (manifest[field] is JsonObject values)
                    {
                        foreach (var key in values.Select(v => v.Key).ToList())
                        {
                            values[key] = string.Empty;
                        }
                    }
                }
            }

            yield return manifest;
        }
    }

    /// <summary>The objects as a YAML stream, one document each.</summary>
    public static string Render(PlanResult plan)
    {
        var text = new StringBuilder();
        foreach (var manifest in Objects(plan))
        {
            text.Append("---\n").Append(manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true })).Append('\n');
        }

        return text.ToString();
    }
}
