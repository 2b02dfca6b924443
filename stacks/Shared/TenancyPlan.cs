using System.Collections.Immutable;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Stacks.Configuration;
using Pulumi;

namespace MlPlatform.Stacks.Shared;

/// <summary>Derives the tenancy layer's arguments from the stack configuration.</summary>
public static class TenancyPlan
{
    /// <summary>The arguments of the <see cref="Tenancy"/> component for a stack.</summary>
    public static TenancyArgs Build(PlatformConfig config, CloudIntegration cloud)
    {
        var common = CommonLabels(config);
        var kedaNamespace = PlatformServicesLayer.KedaNamespace(config, cloud);
        var inferenceNamespaces = config.Namespaces
            .Where(n => n.Role is NamespaceRole.Serving or NamespaceRole.GpuWorkloads)
            .Select(n => n.Name)
            .ToImmutableArray();

        return new TenancyArgs
        {
            Labels = common,
            Namespaces = [.. config.Namespaces.Select(n => NamespaceArgs(n, config, cloud, common, kedaNamespace))],
            InferenceNamespaces = inferenceNamespaces,
            InferenceAnnotations = inferenceNamespaces.ToImmutableDictionary(
                ns => ns,
                ns => cloud.AnnotationsFor(ns, Tenancy.InferenceServiceAccountName)),
        };
    }

    /// <summary>The labels every object of this stack carries.</summary>
    public static ImmutableDictionary<string, string> CommonLabels(PlatformConfig config) =>
        PlatformLabels.Common(ConfigReader.Lower(config.Environment));

    private static PlatformNamespaceArgs NamespaceArgs(
        NamespaceConfig ns, PlatformConfig config, CloudIntegration cloud, ImmutableDictionary<string, string> common, string? kedaNamespace)
    {
        var labels = common.SetItem(PlatformLabels.Role, AllowMatrix.RoleLabel(ns.Role));
        if (ns.IsTeam)
        {
            labels = labels.SetItem(PlatformLabels.Team, ns.Name);
        }

        return new PlatformNamespaceArgs
        {
            Name = ns.Name,
            PodSecurity = ns.PodSecurity,
            Labels = labels,
            Quota = ns.Quota,
            ContainerDefaults = ns.Limits,
            AllowRules = [.. AllowMatrix.RulesFor(ns, config, kedaNamespace), .. cloud.NamespaceAllowRules.GetValueOrDefault(ns.Name, []), .. WorkloadEdges.RulesFor(ns, config)],
        };
    }
}
