using System.Collections.Immutable;
using Pulumi;
using Pulumi.Kubernetes.Types.Inputs.Meta.V1;
using Pulumi.Kubernetes.Types.Inputs.Scheduling.V1;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Components.Kubernetes;

/// <summary>Inputs of <see cref="PriorityClasses"/>.</summary>
public sealed class PriorityClassesArgs
{
    /// <summary>The tiers to create; defaults to <see cref="PriorityTier.Ladder"/>. At most one may be the global default.</summary>
    public ImmutableArray<PriorityTier> Tiers { get; init; } = PriorityTier.Ladder;

    /// <summary>Labels on every PriorityClass.</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>The cluster's PriorityClasses: one per tier, exactly one of them the global default.</summary>
public sealed class PriorityClasses : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:kubernetes:PriorityClasses";

    /// <summary>Creates one PriorityClass per tier.</summary>
    public PriorityClasses(string name, PriorityClassesArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        if (args.Tiers.Count(t => t.GlobalDefault) > 1)
        {
            throw new ArgumentException("At most one PriorityClass may be the global default.", nameof(args));
        }

        var classes = ImmutableDictionary.CreateBuilder<string, K8s.Scheduling.V1.PriorityClass>();
        foreach (var tier in args.Tiers)
        {
            classes[tier.Name] = new K8s.Scheduling.V1.PriorityClass(tier.Name, new PriorityClassArgs
            {
                Metadata = new ObjectMetaArgs { Name = tier.Name, Labels = args.Labels },
                Value = tier.Value,
                GlobalDefault = tier.GlobalDefault,
                PreemptionPolicy = tier.PreemptLowerPriority ? "PreemptLowerPriority" : "Never",
                Description = tier.Description,
            }, new CustomResourceOptions { Parent = this });
        }

        Classes = classes.ToImmutable();
        Names = [.. args.Tiers.Select(t => t.Name)];
        RegisterOutputs(new Dictionary<string, object?> { ["names"] = Names.ToList() });
    }

    /// <summary>The PriorityClasses by name.</summary>
    public ImmutableDictionary<string, K8s.Scheduling.V1.PriorityClass> Classes { get; }

    /// <summary>The names of the classes, highest priority first.</summary>
    public ImmutableArray<string> Names { get; }
}
