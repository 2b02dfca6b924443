using System.Collections.Immutable;
using MlPlatform.Components.Addons;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Stacks.Configuration;
using Pulumi;

namespace MlPlatform.Stacks.Shared;

/// <summary>
/// Chaos experiments, identical on every cloud (<c>addons.chaos</c>: on by default in staging only, in production
/// only when the stack sets it): Chaos Mesh in its own privileged namespace and the five experiments' Schedules,
/// aimed at the predictors of the serving namespace. Every managed cloud the platform targets (EKS, AKS, GKE) and kind
/// run containerd at <see cref="ChaosMesh.ContainerdSocket"/>, which the chaos daemon talks to.
/// </summary>
public static class ChaosLayer
{
    /// <summary>Deploys Chaos Mesh when the add-on is on; null otherwise (validation ensures KServe is on with it).</summary>
    /// <param name="config">The validated configuration.</param>
    /// <param name="labels">The platform's common labels.</param>
    /// <param name="inNamespace">The options of a release in a namespace (after its guard rails and the priority classes).</param>
    /// <param name="after">What the experiments must wait for (the serving namespace's workloads' controller).</param>
    public static ChaosMesh? Deploy(PlatformConfig config, ImmutableDictionary<string, string> labels, Func<string, ComponentResourceOptions> inNamespace, params Resource?[] after)
    {
        if (!config.Addons.Chaos)
        {
            return null;
        }

        var options = inNamespace(PlatformNamespaces.ChaosMesh);
        foreach (var resource in after)
        {
            if (resource is not null)
            {
                options.DependsOn.Add(resource);
            }
        }

        return new ChaosMesh("chaos-mesh", new ChaosMeshArgs
        {
            Namespace = PlatformNamespaces.ChaosMesh,
            ScheduleNamespace = PlatformNamespaces.ChaosMesh,
            ServingNamespace = PlatformNamespaces.Serving,
            PriorityClassName = PriorityTier.Ladder[0].Name,
            RuntimeSocket = ChaosMesh.ContainerdSocket,
            Labels = labels,
        }, options);
    }
}
