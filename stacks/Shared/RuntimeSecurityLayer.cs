using System.Collections.Immutable;
using MlPlatform.Components.Addons;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Stacks.Configuration;
using Pulumi;

namespace MlPlatform.Stacks.Shared;

/// <summary>
/// Runtime security, identical on every cloud (<c>addons.runtimeSecurity</c>): Tetragon in its own privileged
/// namespace, with the platform's TracingPolicies in every namespace whose workloads run code the platform does not
/// control (serving, the workflow namespace, the teams' namespaces). Its metrics and alerts are added to the
/// monitoring stack by <see cref="PlatformServicesLayer.MonitoringArgs"/>; its events reach Loki through the node log
/// collector when <c>addons.logging</c> is on.
/// </summary>
public static class RuntimeSecurityLayer
{
    /// <summary>The namespace roles whose namespaces get the policies.</summary>
    public static ImmutableArray<NamespaceRole> PolicyRoles { get; } = [NamespaceRole.Serving, NamespaceRole.Workflows, NamespaceRole.GpuWorkloads];

    /// <summary>The namespaces of a stack that get the policies, in configuration order.</summary>
    public static ImmutableArray<string> PolicyNamespaces(PlatformConfig config) =>
        [.. config.Namespaces.Where(n => PolicyRoles.Contains(n.Role)).Select(n => n.Name)];

    /// <summary>Deploys Tetragon when the add-on is on; null otherwise.</summary>
    /// <param name="config">The validated configuration.</param>
    /// <param name="tenancy">The namespaces (the policies wait for theirs).</param>
    /// <param name="labels">The platform's common labels.</param>
    /// <param name="inNamespace">The options of a release in a namespace (after its guard rails and the priority classes).</param>
    public static Tetragon? Deploy(PlatformConfig config, Tenancy tenancy, ImmutableDictionary<string, string> labels, Func<string, ComponentResourceOptions> inNamespace)
    {
        if (!config.Addons.RuntimeSecurity)
        {
            return null;
        }

        var namespaces = PolicyNamespaces(config);
        return new Tetragon("tetragon", new TetragonArgs
        {
            Namespace = PlatformNamespaces.Tetragon,
            PriorityClassName = PriorityTier.Ladder[0].Name,
            PolicyNamespaces = namespaces,
            NamespaceResources = namespaces.Where(tenancy.Namespaces.ContainsKey)
                .ToImmutableDictionary(n => n, n => (Resource)tenancy.Namespaces[n]),
            Labels = labels,
        }, inNamespace(PlatformNamespaces.Tetragon));
    }
}
