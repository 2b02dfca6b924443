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

    /// <summary>The Kubernetes <c>metadata.namespace</c> (a Helm release's <c>namespace</c>), or null.</summary>
    public string? Namespace => Inputs["metadata"]?["namespace"]?.ToString()
        ?? (Type == "kubernetes:helm.sh/v3:Release" ? Inputs["namespace"]?.ToString() : null);

    /// <summary>How violations name the resource: <c>type name</c>.</summary>
    public string Reference => $"{Type} {Name}";
}

/// <summary>A broken rule, or a rule that could not be evaluated.</summary>
/// <param name="Rule">The rule's id.</param>
/// <param name="Resource">The offending resource (<c>type name</c>).</param>
/// <param name="Message">What is wrong and how to fix it: the field, and what it should be.</param>
public sealed record PolicyViolation(string Rule, string Resource, string Message)
{
    /// <summary>The rule's severity (set by the gate from the rule).</summary>
    public PolicySeverity Severity { get; init; } = PolicySeverity.Error;

    /// <summary>The resource's namespace, when it has one: exceptions can name a namespace.</summary>
    public string? Namespace { get; init; }

    /// <summary>
    /// True when the rule could not decide at plan time (a value that only exists after deployment, a policy the
    /// rule reads that the stack does not install): reported, never counted as a pass or a violation.
    /// </summary>
    public bool NotEvaluated { get; init; }

    /// <summary>A violation of <paramref name="rule"/> by <paramref name="resource"/>.</summary>
    public static PolicyViolation Of(string rule, PlanItem resource, string message) =>
        new(rule, resource.Reference, message) { Namespace = resource.Namespace };

    /// <summary>A finding that <paramref name="rule"/> could not evaluate on <paramref name="resource"/>, and why.</summary>
    public static PolicyViolation Unevaluated(string rule, PlanItem resource, string why) =>
        new(rule, resource.Reference, why) { Namespace = resource.Namespace, NotEvaluated = true };

    /// <inheritdoc />
    public override string ToString() => NotEvaluated ? $"[{Rule}] {Resource}: not evaluated: {Message}" : $"[{Rule}] {Resource}: {Message}";
}
