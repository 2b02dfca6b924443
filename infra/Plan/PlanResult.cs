using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlPlatform.Infra.Plan;

/// <summary>One registered resource of a plan.</summary>
/// <param name="Urn">The resource's URN under the mock engine.</param>
/// <param name="Type">The type token.</param>
/// <param name="Name">The logical name.</param>
/// <param name="Custom">True for custom (cloud or Kubernetes) resources, false for components and the stack.</param>
/// <param name="Parent">The parent's URN; null for the stack.</param>
/// <param name="Provider">The explicit provider reference (<c>URN::ID</c>), or null.</param>
/// <param name="Inputs">The inputs exactly as the engine received them, as JSON.</param>
/// <param name="Protected">True when the resource was registered with <c>Protect = true</c> (not part of the JSON document).</param>
/// <param name="DependsOn">URNs of the explicit <c>DependsOn</c> resources (<c>dependsOn</c> in the JSON document, sorted).</param>
public sealed record PlannedResource(
    string Urn, string Type, string Name, bool Custom, string? Parent, string? Provider, JsonObject Inputs,
    bool Protected = false, ImmutableArray<string> DependsOn = default);

/// <summary>The offline plan of a stack: every resource the program registers, and the stack outputs.</summary>
/// <param name="Project">Project name.</param>
/// <param name="Stack">Stack name.</param>
/// <param name="Cloud">The stack's cloud.</param>
/// <param name="Resources">
/// Every resource: the stack first, then every resource before its children, siblings by URN; never registration
/// order, which the real SDK does not keep from one run to the next.
/// </param>
/// <param name="Outputs">The stack outputs, secrets shown as <c>[secret]</c>.</param>
public sealed record PlanResult(string Project, string Stack, string Cloud, ImmutableArray<PlannedResource> Resources, JsonObject Outputs)
{
    /// <summary>The cost estimate (<see cref="CostEstimate.ToJson"/>), the top-level <c>cost</c> of the JSON document; null when not estimated.</summary>
    public JsonObject? Cost { get; init; }

    /// <summary>The plan as the JSON document of <c>plan --json</c>.</summary>
    public string ToJson()
    {
        var resources = new JsonArray();
        foreach (var r in Resources)
        {
            resources.Add(new JsonObject
            {
                ["urn"] = r.Urn,
                ["type"] = r.Type,
                ["name"] = r.Name,
                ["custom"] = r.Custom,
                ["parent"] = r.Parent,
                ["provider"] = r.Provider,
                ["dependsOn"] = new JsonArray([.. (r.DependsOn.IsDefault ? [] : r.DependsOn).Order(StringComparer.Ordinal).Select(d => (JsonNode)JsonValue.Create(d))]),
                ["inputs"] = r.Inputs.DeepClone(),
            });
        }

        var document = new JsonObject
        {
            ["project"] = Project,
            ["stack"] = Stack,
            ["cloud"] = Cloud,
            ["resources"] = resources,
            ["outputs"] = Outputs.DeepClone(),
        };
        if (Cost is not null)
        {
            document["cost"] = Cost.DeepClone();
        }

        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>The resources of one type token.</summary>
    public IEnumerable<PlannedResource> OfType(string type) => Resources.Where(r => r.Type == type);

    /// <summary>The resources as the policy rules see them (the stack itself left out).</summary>
    public IReadOnlyList<MlPlatform.Policies.PlanItem> ToPolicyItems() =>
        [.. Resources.Skip(1).Select(r => new MlPlatform.Policies.PlanItem(r.Type, r.Name, r.Inputs, r.Protected))];

    /// <summary>The single resource of a type and logical name.</summary>
    public PlannedResource Get(string type, string name) => Resources.Single(r => r.Type == type && r.Name == name);

    /// <summary>The children of a resource.</summary>
    public IEnumerable<PlannedResource> ChildrenOf(string urn) => Resources.Where(r => r.Parent == urn);
}
