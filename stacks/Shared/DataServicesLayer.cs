using System.Collections.Immutable;
using MlPlatform.Components.Addons;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Components.Workloads;
using MlPlatform.Stacks.Configuration;
using Pulumi;

namespace MlPlatform.Stacks.Shared;

/// <summary>
/// The in-cluster data services of <c>mlplatform:dataServices</c>, the same on every cloud: PostgreSQL clusters run
/// by the CloudNativePG operator (backed up to the cloud bucket when asked) and Valkey caches, each in its
/// namespace, reachable only from the namespaces whose workloads declare them (<see cref="WorkloadEdges"/>).
/// </summary>
public static class DataServicesLayer
{
    /// <summary>Deploys the operator (when on) and the data services; returns the services' resources by name.</summary>
    public static ImmutableDictionary<string, Resource> Deploy(
        PlatformConfig config, Tenancy tenancy, PlatformServices services, CloudIntegration cloud, ComponentResourceOptions options)
    {
        var labels = TenancyPlan.CommonLabels(config);
        var result = ImmutableDictionary.CreateBuilder<string, Resource>();
        CloudNativePg? operatorRelease = null;
        if (config.Addons.CloudNativePg)
        {
            operatorRelease = new CloudNativePg("cloudnative-pg", new CloudNativePgArgs
            {
                Namespace = PlatformNamespaces.CloudNativePg,
                PriorityClassName = PriorityTier.Ladder[0].Name,
                PodMonitor = services.Monitoring is not null,
            }, ComponentResourceOptions.Merge(options, new ComponentResourceOptions
            {
                DependsOn = { tenancy.Namespaces[PlatformNamespaces.CloudNativePg], tenancy.PriorityClasses },
            }));
        }

        foreach (var service in config.DataServices)
        {
            var ready = new List<Resource> { tenancy.Namespaces[service.Namespace], tenancy.PriorityClasses };
            if (services.Monitoring is { } monitoring)
            {
                ready.Add(monitoring);
            }

            var r = service.Resources;
            var resources = new WorkloadResources(r.RequestsCpu, r.RequestsMemory, r.LimitsCpu, r.LimitsMemory);
            var name = $"{service.Namespace}-{service.Name}";
            result[service.Name] = service.Kind switch
            {
                DataServiceKind.Postgres => new PostgresCluster(name, new PostgresClusterArgs
                {
                    Name = service.Name,
                    Namespace = service.Namespace,
                    Instances = service.Instances,
                    StorageSize = service.StorageSize!,
                    StorageClass = service.StorageClass,
                    Resources = resources,
                    Placement = Placement(config, service.NodePool, cloud),
                    BackupBucketUri = service.Backups && cloud.ArtifactStoreUri is { } bucket ? (Input<string>)bucket : null,
                    PodMonitor = services.Monitoring is not null,
                    Ready = [.. ready, operatorRelease!.Release],
                    Labels = labels,
                }, options),
                _ => new ValkeyCache(name, new ValkeyCacheArgs
                {
                    Name = service.Name,
                    Namespace = service.Namespace,
                    Instances = service.Instances,
                    StorageSize = service.StorageSize,
                    StorageClass = service.StorageClass,
                    Resources = resources,
                    Metrics = services.Monitoring is not null,
                    Ready = [.. ready],
                    Labels = labels,
                }, options),
            };
        }

        return result.ToImmutable();
    }

    private static WorkloadPlacement Placement(PlatformConfig config, string? poolName, CloudIntegration cloud) =>
        config.NodePools.FirstOrDefault(p => p.Name == poolName) is { } pool
            ? new WorkloadPlacement(cloud.NodeSelectorFor(pool)) { Tolerations = NodePoolScheduling.Tolerations(NodePoolScheduling.NodeTaints(pool, cloud)) }
            : WorkloadPlacement.Anywhere;
}
