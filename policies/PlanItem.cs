using System.Text.Json.Nodes;

namespace MlPlatform.Policies;

/// <summary>One planned resource as the policy rules see it: its type, logical name, inputs and protection.</summary>
/// <param name="Type">The type token, e.g. <c>kubernetes:core/v1:Namespace</c>.</param>
/// <param name="Name">The logical name.</param>
/// <param name="Inputs">The inputs as the engine receives them.</param>
/// <param name="Protected">True when registered with <c>Protect = true</c>.</param>
public sealed record PlanItem(string Type, string Name, JsonObject Inputs, bool Protected)
{
    /// <summary>The Kubernetes <c>metadata.name</c>, or the logical name.</summary>
    public string ObjectName => Inputs["metadata"]?["name"]?.ToString() ?? Name;

    /// <summary>The Kubernetes <c>metadata.namespace</c>, or null.</summary>
    public string? Namespace => Inputs["metadata"]?["namespace"]?.ToString();
}

/// <summary>A broken rule.</summary>
/// <param name="Rule">The rule's name.</param>
/// <param name="Resource">The offending resource (<c>type name</c>).</param>
/// <param name="Message">What is wrong and how to fix it.</param>
public sealed record PolicyViolation(string Rule, string Resource, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"[{Rule}] {Resource}: {Message}";
}
