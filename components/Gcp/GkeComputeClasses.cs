using System.Collections.Immutable;
using MlPlatform.Components.Addons;
using MlPlatform.Components.Kubernetes;
using Pulumi;
using KubernetesCustomResource = Pulumi.Kubernetes.ApiExtensions.CustomResource;

namespace MlPlatform.Components.Gcp;

/// <summary>
/// A GKE ComputeClass for a Spot node pool with on-demand fallback: the pool's Spot nodes first, then on-demand
/// nodes of the same machine type, created by node auto-provisioning when no Spot capacity is left.
/// </summary>
/// <param name="Name">The class's name, also the <c>cloud.google.com/compute-class</c> label value its pods select.</param>
/// <param name="NodePool">The explicit Spot node pool of the first priority.</param>
/// <param name="MachineType">The machine type of the on-demand fallback.</param>
/// <param name="Accelerator">The fallback's GPUs; null for CPU machines.</param>
/// <param name="BootDiskSizeGb">The fallback nodes' boot disk size.</param>
public sealed record GkeComputeClass(string Name, string NodePool, string MachineType, GkeAccelerator? Accelerator, int BootDiskSizeGb);

/// <summary>Inputs of <see cref="GkeComputeClasses"/>.</summary>
public sealed class GkeComputeClassesArgs
{
    /// <summary>The classes.</summary>
    public required ImmutableArray<GkeComputeClass> Classes { get; init; }

    /// <summary>The Cloud KMS key of the fallback nodes' boot disks.</summary>
    public required Input<string> BootDiskKeyId { get; init; }

    /// <summary>Labels of every object.</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// The stack's ComputeClasses (<c>cloud.google.com/v1</c>): Spot first, on-demand when Spot runs out, and back to
/// Spot when it returns (active migration). Pods select a class with the node selector
/// <c>cloud.google.com/compute-class</c>; GKE adds the toleration of the class's taint to them.
/// </summary>
public sealed class GkeComputeClasses : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:gcp:ComputeClasses";

    /// <summary>The ComputeClass API version.</summary>
    public const string ApiVersion = "cloud.google.com/v1";

    /// <summary>The node label (and taint key) of a class's nodes, the node selector of its pods.</summary>
    public const string ClassLabel = "cloud.google.com/compute-class";

    /// <summary>Creates the classes.</summary>
    public GkeComputeClasses(string name, GkeComputeClassesArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        Classes = args.Classes.ToImmutableDictionary(
            c => c.Name,
            c => new KubernetesCustomResource($"{name}-{c.Name}", new KubernetesObjectArgs(
                ApiVersion,
                "ComputeClass",
                AddonResources.Metadata(c.Name, null, args.Labels),
                args.BootDiskKeyId.ToOutput().Apply(key => Spec(c, key))),
                AddonResources.Child(this, options)));

        RegisterOutputs(new Dictionary<string, object?> { ["computeClasses"] = Classes.Keys.Order(StringComparer.Ordinal).ToArray() });
    }

    /// <summary>The ComputeClasses by name.</summary>
    public ImmutableDictionary<string, KubernetesCustomResource> Classes { get; }

    /// <summary>The spec of a class.</summary>
    public static ImmutableDictionary<string, object> Spec(GkeComputeClass computeClass, string bootDiskKeyId)
    {
        var fallback = new Dictionary<string, object>
        {
            ["machineType"] = computeClass.MachineType,
            ["spot"] = false,
            ["storage"] = new Dictionary<string, object>
            {
                ["bootDiskKMSKey"] = bootDiskKeyId,
                ["bootDiskSize"] = computeClass.BootDiskSizeGb,
                ["bootDiskType"] = "pd-balanced",
            },
        };
        if (computeClass.Accelerator is { } gpu)
        {
            fallback["gpu"] = new Dictionary<string, object> { ["type"] = gpu.Type, ["count"] = gpu.Count };
        }

        return ImmutableDictionary<string, object>.Empty
            .Add("priorities", new object[]
            {
                new Dictionary<string, object> { ["nodepools"] = new[] { computeClass.NodePool } },
                fallback,
            })
            .Add("nodePoolAutoCreation", new Dictionary<string, object> { ["enabled"] = true })
            // Pods move back to Spot nodes when Spot capacity returns.
            .Add("activeMigration", new Dictionary<string, object> { ["optimizeRulePriority"] = true })
            // A pod that fits no priority stays pending rather than landing on an arbitrary machine.
            .Add("whenUnsatisfiable", "DoNotScaleUp");
    }
}
