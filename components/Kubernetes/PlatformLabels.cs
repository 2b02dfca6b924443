using System.Collections.Immutable;

namespace MlPlatform.Components.Kubernetes;

/// <summary>The labels every object of the platform carries, and the label keys the platform's selectors use.</summary>
public static class PlatformLabels
{
    /// <summary>The namespace role label that network policies select on.</summary>
    public const string Role = "mlplatform.io/role";

    /// <summary>The team that owns a namespace or workload.</summary>
    public const string Team = "mlplatform.io/team";

    /// <summary>The deployment environment (staging, production, ...).</summary>
    public const string Environment = "mlplatform.io/environment";

    /// <summary>The label Kubernetes itself puts on every namespace with its name.</summary>
    public const string NamespaceName = "kubernetes.io/metadata.name";

    /// <summary>The labels common to everything the platform creates.</summary>
    public static ImmutableDictionary<string, string> Common(string environment) =>
        ImmutableDictionary<string, string>.Empty
            .Add("app.kubernetes.io/managed-by", "pulumi")
            .Add("app.kubernetes.io/part-of", "mlplatform")
            .Add(Environment, environment);
}
