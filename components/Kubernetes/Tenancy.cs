using System.Collections.Immutable;
using Pulumi;

namespace MlPlatform.Components.Kubernetes;

/// <summary>Inputs of <see cref="Tenancy"/>.</summary>
public sealed class TenancyArgs
{
    /// <summary>Every namespace to create, with its guard rails.</summary>
    public required ImmutableArray<PlatformNamespaceArgs> Namespaces { get; init; }

    /// <summary>The PriorityClass ladder. Defaults to <see cref="PriorityTier.Ladder"/>.</summary>
    public ImmutableArray<PriorityTier> PriorityTiers { get; init; } = PriorityTier.Ladder;

    /// <summary>The namespaces that get an <c>inference</c> service account (no API token mounted).</summary>
    public ImmutableArray<string> InferenceNamespaces { get; init; } = [];

    /// <summary>Annotations of the inference service accounts (cloud identity bindings), by namespace.</summary>
    public ImmutableDictionary<string, InputMap<string>> InferenceAnnotations { get; init; } =
        ImmutableDictionary<string, InputMap<string>>.Empty;

    /// <summary>Labels common to every object.</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// What every cluster gets whatever its cloud: the namespaces with their quotas, limit ranges, Pod Security labels
/// and network policies, the PriorityClass ladder, and the inference service accounts.
/// </summary>
public sealed class Tenancy : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:kubernetes:Tenancy";

    /// <summary>The name of the service account inference workloads run as.</summary>
    public const string InferenceServiceAccountName = "inference";

    /// <summary>Creates the tenancy layer.</summary>
    public Tenancy(string name, TenancyArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var child = new ComponentResourceOptions { Parent = this };
        PriorityClasses = new PriorityClasses("priority-classes", new PriorityClassesArgs
        {
            Tiers = args.PriorityTiers,
            Labels = args.Labels,
        }, child);

        Namespaces = args.Namespaces.ToImmutableDictionary(
            n => n.Name,
            n => new PlatformNamespace(n.Name, n, child));

        InferenceServiceAccounts = args.InferenceNamespaces.ToImmutableDictionary(
            ns => ns,
            ns => new WorkloadServiceAccount($"{ns}-{InferenceServiceAccountName}", new WorkloadServiceAccountArgs
            {
                Name = InferenceServiceAccountName,
                Namespace = Namespaces.TryGetValue(ns, out var platformNamespace)
                    ? platformNamespace.NamespaceName
                    : throw new ArgumentException($"Inference namespace '{ns}' is not one of the tenancy's namespaces.", nameof(args)),
                Labels = args.Labels,
                Annotations = args.InferenceAnnotations.GetValueOrDefault(ns) ?? [],
            }, child));

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["namespaces"] = Namespaces.Keys.Order(StringComparer.Ordinal).ToList(),
            ["priorityClasses"] = PriorityClasses.Names.ToList(),
        });
    }

    /// <summary>The namespaces by name; depend on one before deploying into it.</summary>
    public ImmutableDictionary<string, PlatformNamespace> Namespaces { get; }

    /// <summary>The PriorityClasses.</summary>
    public PriorityClasses PriorityClasses { get; }

    /// <summary>The inference service accounts by namespace.</summary>
    public ImmutableDictionary<string, WorkloadServiceAccount> InferenceServiceAccounts { get; }
}
