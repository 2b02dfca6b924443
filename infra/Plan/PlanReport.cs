using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace MlPlatform.Infra.Plan;

/// <summary>The human-readable form of a plan: the component tree, then a summary.</summary>
public static class PlanReport
{
    /// <summary>Renders the tree and the summary.</summary>
    public static string Render(PlanResult plan)
    {
        var text = new StringBuilder();
        var stack = plan.Resources[0];
        text.AppendLine(CultureInfo.InvariantCulture, $"Plan of stack '{plan.Stack}' (project {plan.Project}, cloud {plan.Cloud}): {plan.Resources.Length - 1} resources");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{stack.Name} ({stack.Type})");
        RenderChildren(plan, stack.Urn, "", text);

        text.AppendLine();
        text.AppendLine("Resources by type:");
        foreach (var group in plan.Resources.Skip(1).GroupBy(r => r.Type).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {group.Count(),4}  {group.Key}");
        }

        RenderNamespaces(plan, text);
        RenderNodePools(plan, text);
        RenderReleases(plan, text);
        return text.ToString();
    }

    private static void RenderChildren(PlanResult plan, string urn, string indent, StringBuilder text)
    {
        var children = plan.ChildrenOf(urn).ToList();
        var components = children.Where(c => !c.Custom).ToList();
        var custom = children.Where(c => c.Custom).GroupBy(Describe).Select(g => g.Count() == 1 ? g.Key : $"{g.Count()} {g.Key}").ToList();
        if (custom.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{indent}{(components.Count > 0 ? "├─ " : "└─ ")}{string.Join(", ", custom)}");
        }

        for (var i = 0; i < components.Count; i++)
        {
            var last = i == components.Count - 1;
            text.AppendLine(CultureInfo.InvariantCulture, $"{indent}{(last ? "└─ " : "├─ ")}{components[i].Name} ({components[i].Type})");
            RenderChildren(plan, components[i].Urn, indent + (last ? "   " : "│  "), text);
        }
    }

    private static void RenderNamespaces(PlanResult plan, StringBuilder text)
    {
        var quotas = plan.OfType("kubernetes:core/v1:ResourceQuota")
            .ToDictionary(q => Str(q.Inputs, "metadata", "namespace") ?? "", q => q.Inputs["spec"]?["hard"] as JsonObject);
        var namespaces = plan.OfType("kubernetes:core/v1:Namespace").ToList();
        if (namespaces.Count == 0)
        {
            return;
        }

        text.AppendLine();
        text.AppendLine("Namespaces (Pod Security level; quota pods / cpu requests / memory requests / GPUs):");
        foreach (var ns in namespaces.OrderBy(n => Str(n.Inputs, "metadata", "name"), StringComparer.Ordinal))
        {
            var name = Str(ns.Inputs, "metadata", "name") ?? ns.Name;
            var level = ns.Inputs["metadata"]?["labels"]?["pod-security.kubernetes.io/enforce"]?.ToString() ?? "-";
            var hard = quotas.GetValueOrDefault(name);
            var quota = hard is null
                ? "no quota"
                : $"{hard["pods"]} / {hard["requests.cpu"]} / {hard["requests.memory"]} / {hard["requests.nvidia.com/gpu"]}";
            text.AppendLine(CultureInfo.InvariantCulture, $"  {name,-24} {level,-11} {quota}");
        }
    }

    private static void RenderNodePools(PlanResult plan, StringBuilder text)
    {
        if (plan.Outputs["nodePools"] is not JsonArray pools || pools.Count == 0)
        {
            return;
        }

        text.AppendLine();
        text.AppendLine("Node pools:");
        foreach (var pool in pools.OfType<JsonObject>())
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  {pool["name"],-24} {pool["role"],-6} {pool["accelerator"] ?? "-",-6} {pool["min"]}..{pool["max"]} nodes  {pool["capacity"]}");
        }
    }

    private static void RenderReleases(PlanResult plan, StringBuilder text)
    {
        var releases = plan.OfType("kubernetes:helm.sh/v3:Release").ToList();
        if (releases.Count == 0)
        {
            return;
        }

        text.AppendLine();
        text.AppendLine("Helm releases (chart version, namespace):");
        foreach (var release in releases)
        {
            var chart = release.Inputs["chart"]?.ToString() ?? "?";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  {release.Name,-28} {chart} {release.Inputs["version"]}  ({release.Inputs["namespace"]})");
        }
    }

    private static string? Str(JsonObject inputs, params string[] path)
    {
        JsonNode? node = inputs;
        foreach (var key in path)
        {
            node = node?[key];
        }

        return node?.ToString();
    }

    /// <summary><c>kubernetes:core/v1:Namespace</c> → <c>Namespace</c>; a provider by its name.</summary>
    private static string Describe(PlannedResource resource) =>
        resource.Type.StartsWith("pulumi:providers:", StringComparison.Ordinal)
            ? $"{resource.Type["pulumi:providers:".Length..]} provider '{resource.Name}'"
            : resource.Type[(resource.Type.LastIndexOf(':') + 1)..];
}
