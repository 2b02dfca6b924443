using System.Collections.Immutable;
using MlPlatform.Components.Addons;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Components.Workloads;
using MlPlatform.Stacks.Configuration;
using Pulumi;

namespace MlPlatform.Stacks.Shared;

/// <summary>
/// The teams' Argo WorkflowTemplates of <c>mlplatform:workflowTemplates</c>, the same on every cloud: per team
/// namespace a workflow service account (bound to the cloud identity the cloud stack made for it), the executor's
/// Role, and the templates, their steps placed on the configured pools as the cloud labels and taints them.
/// </summary>
public static class WorkflowTemplatesLayer
{
    /// <summary>The namespaces that run workflows (their executors report to the API server).</summary>
    public static ImmutableArray<string> WorkflowNamespaces(PlatformConfig config) =>
        [.. config.WorkflowTemplates.Select(t => t.Namespace).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>Deploys the templates; returns the components by namespace.</summary>
    public static ImmutableDictionary<string, TeamWorkflows> Deploy(
        PlatformConfig config, Tenancy tenancy, ArgoWorkflows? argo, CloudIntegration cloud, ComponentResourceOptions options)
    {
        var result = ImmutableDictionary.CreateBuilder<string, TeamWorkflows>();
        if (argo is null)
        {
            return result.ToImmutable();
        }

        var labels = TenancyPlan.CommonLabels(config);
        foreach (var group in config.WorkflowTemplates.GroupBy(t => t.Namespace))
        {
            var ns = group.Key;
            var teamLabels = config.FindNamespace(ns) is { IsTeam: true } team ? labels.SetItem(PlatformLabels.Team, team.Name) : labels;
            // Kyverno's platform-label policy needs the team label on every pod; Azure's identity webhook needs its own.
            var podLabels = teamLabels.Where(l => l.Key == PlatformLabels.Team).ToImmutableDictionary()
                .SetItems(cloud.PodLabelsFor(ns, ArgoWorkflows.WorkflowServiceAccountName));
            result[ns] = new TeamWorkflows($"{ns}-workflows", new TeamWorkflowsArgs
            {
                Namespace = ns,
                Templates = [.. group.Select(t => Template(config, t, cloud, podLabels))],
                ServiceAccountAnnotations = cloud.AnnotationsFor(ns, ArgoWorkflows.WorkflowServiceAccountName),
                Ready = [tenancy.Namespaces[ns], tenancy.PriorityClasses, argo.Release],
                Labels = teamLabels,
            }, options);
        }

        return result.ToImmutable();
    }

    /// <summary>The template of one configured entry.</summary>
    public static TeamWorkflowTemplate Template(PlatformConfig config, WorkflowTemplateConfig template, CloudIntegration cloud, ImmutableDictionary<string, string> podLabels)
    {
        NodePoolConfig Pool(string name) => config.NodePools.Single(p => p.Name == name);
        var image = $"{template.Image}:{template.Tag}";
        var tolerations = NodePoolScheduling.SpotTolerations(config, cloud);
        switch (template.Kind)
        {
            case WorkflowTemplateKind.Reconstruction3d:
                var cpu = template.CpuPool is { } cpuPool
                    ? new StepPlacement(cloud.NodeSelectorFor(Pool(cpuPool)), NodePoolScheduling.Tolerations(NodePoolScheduling.NodeTaints(Pool(cpuPool), cloud)))
                    : StepPlacement.Anywhere;
                return TeamWorkflowTemplate.Of(new ReconstructionWorkflow
                {
                    Name = template.Name,
                    Image = image,
                    CpuPlacement = cpu,
                    MediumQualityPlacement = NodePoolScheduling.PlacementOn(Pool(template.GpuPool!), cloud),
                    HighQualityPlacement = NodePoolScheduling.PlacementOn(Pool(template.HighQualityPool!), cloud),
                    HighQualityGpus = template.Gpus,
                    Parallelism = template.Parallelism,
                    PodLabels = podLabels,
                    Tolerations = tolerations,
                    WorkspaceStorageClass = StoragePlan.ClassFor(config, cloud, StorageTier.Shared) ?? StoragePlan.ClassFor(config, cloud, StorageTier.Default),
                    WorkspaceAccessMode = StoragePlan.SharedIsReadWriteMany(config, cloud) ? "ReadWriteMany" : "ReadWriteOnce",
                });
            default:
                GpuBenchmarkWorkflow Benchmark(string checkpointPath) => new()
                {
                    Name = template.Name,
                    Image = image,
                    Pools = [.. template.GpuPools.Select(p => new BenchmarkPool(p, NodePoolScheduling.PlacementOn(Pool(p), cloud), template.Gpus))],
                    CheckpointPath = checkpointPath,
                    Retries = template.Retries,
                    PodLabels = podLabels,
                    Tolerations = tolerations,
                };
                if (template.CheckpointPath is { } path)
                {
                    return TeamWorkflowTemplate.Of(Benchmark(path));
                }

                var bucket = cloud.ArtifactStoreUri ?? throw new InvalidOperationException(
                    $"{ConfigReader.Key("workflowTemplates")}: '{template.Name}' checkpoints to the stack's bucket, which this cloud stack does not create.");
                return new TeamWorkflowTemplate(template.Name, bucket.Apply(uri =>
                    Benchmark(BucketPaths.Under(uri, $"checkpoints/{template.Namespace}/{template.Name}")).Spec(ArgoWorkflows.WorkflowServiceAccountName)));
        }
    }
}
