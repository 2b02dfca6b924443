using System.Collections.Immutable;
using MlPlatform.Components.Addons;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Components.Workloads;
using MlPlatform.Stacks.Configuration;
using Pulumi;
using Pulumi.Random;

namespace MlPlatform.Stacks.Shared;

/// <summary>
/// The application layer, the same on every cloud: the services of <c>mlplatform:workloads</c> as
/// <see cref="ServiceWorkload"/> components, placed on their node pools as the cloud labels and taints them, with
/// secrets from the cloud secret service (or generated), scraped and autoscaled by the platform's Prometheus and KEDA.
/// </summary>
public static class WorkloadsLayer
{
    /// <summary>Deploys the workloads; returns them by <c>namespace/name</c>.</summary>
    public static ImmutableDictionary<string, ServiceWorkload> Deploy(
        PlatformConfig config, Tenancy tenancy, PlatformServices services, CloudIntegration cloud, ComponentResourceOptions options)
    {
        var labels = TenancyPlan.CommonLabels(config);
        var result = ImmutableDictionary.CreateBuilder<string, ServiceWorkload>();
        foreach (var workload in config.Workloads)
        {
            var ready = new List<Resource> { tenancy.Namespaces[workload.Namespace], tenancy.PriorityClasses };
            if (workload.Secrets.Count > 0 && services.SecretStore is { } store)
            {
                ready.Add(store.Resource);
            }

            if (workload.EventScaling is not null && services.Keda?.Release is { } keda)
            {
                ready.Add(keda);
            }

            if (workload.Canary is not null && services.Gateway is { } gateway)
            {
                ready.Add(gateway.Resource);
            }

            if (workload.Metrics is not null && services.Monitoring is { } monitoring)
            {
                ready.Add(monitoring);
            }

            var name = $"{workload.Namespace}-{workload.Name}";
            result[$"{workload.Namespace}/{workload.Name}"] = new ServiceWorkload(name, Args(config, workload, services, cloud, labels) with
            {
                Ready = [.. ready],
                Secrets = Secrets(name, workload, services),
            }, options);
        }

        return result.ToImmutable();
    }

    /// <summary>The component's arguments of one configured workload (secrets left to <see cref="Deploy"/>).</summary>
    public static ServiceWorkloadArgs Args(
        PlatformConfig config, WorkloadConfig workload, PlatformServices? services, CloudIntegration cloud, ImmutableDictionary<string, string> labels)
    {
        var pool = config.NodePools.FirstOrDefault(p => p.Name == workload.NodePool);
        var placement = pool is null
            ? WorkloadPlacement.Anywhere
            : new WorkloadPlacement(cloud.NodeSelectorFor(pool))
            {
                Tolerations = NodePoolScheduling.Tolerations(NodePoolScheduling.NodeTaints(pool, cloud).Where(t => t.Key != GpuPlacement.GpuResource)),
            };
        var r = workload.Resources;
        WorkloadScaling? scaling = workload switch
        {
            { Autoscaling: { } a } => new ResourceScaling(a.Min, a.Max, a.CpuPercent, a.MemoryPercent),
            { EventScaling: { } e } => new EventScaling(e.Min, e.Max, KubePrometheusStack.PrometheusUrl(PlatformNamespaces.Monitoring), e.Query, e.Threshold),
            _ => null,
        };
        var gatewayOn = services?.Gateway is not null || (services is null && config.Addons.Gateway);
        return new ServiceWorkloadArgs
        {
            Name = workload.Name,
            Namespace = workload.Namespace,
            Image = workload.Image,
            ImageTag = workload.Tag,
            Replicas = workload.Replicas,
            Ports = [.. workload.Ports.Select(p => new WorkloadPort(p.Name, p.Port, p.Grpc ? PortProtocol.Grpc : PortProtocol.Http))],
            Args = workload.Args,
            Resources = new WorkloadResources(r.RequestsCpu, r.RequestsMemory, r.LimitsCpu, r.LimitsMemory, r.Gpus),
            Placement = placement,
            Scaling = scaling,
            Availability = new WorkloadAvailability
            {
                MinAvailable = workload.MinAvailable,
                MaxUnavailable = workload.MaxUnavailable,
                RequiredAntiAffinity = workload.RequiredAntiAffinity,
                PriorityClassName = workload.PriorityClass,
            },
            Probes = new WorkloadProbes
            {
                LivenessPath = workload.Probes.Liveness,
                ReadinessPath = workload.Probes.Readiness,
                StartupSeconds = workload.Probes.StartupSeconds,
            },
            ModelFetch = workload.ModelFetch is { } f
                ? new ModelFetch(f.Image, f.Source, f.MountPath) { Medium = f.InMemory ? EmptyDirMedium.Memory : EmptyDirMedium.Disk, SizeLimit = f.SizeLimit }
                : null,
            Settings = workload.Settings,
            Volumes = [.. workload.Volumes.Select(v => new WorkloadVolume(v.Name, v.MountPath, v.Size, v.Shared ? VolumeSharing.Shared : VolumeSharing.PerReplica) { StorageClassName = v.StorageClass })],
            WritablePaths = workload.WritablePaths,
            Metrics = workload.Metrics is { } m ? new WorkloadMetrics(m.Port, m.Path) { PodMonitor = config.Addons.Monitoring } : null,
            Canary = workload.Canary is { } c && gatewayOn
                ? new WorkloadCanary(c.Tag, c.Weight, EnvoyGateway.GatewayName, PlatformNamespaces.Gateway) { Hostnames = c.Hostnames }
                : null,
            ApiAccess = [.. workload.ApiAccess.Select(a => new ApiAccessRule(a.ApiGroups, a.Resources, a.Verbs))],
            ServiceAccountAnnotations = cloud.AnnotationsFor(workload.Namespace, workload.Name),
            // Kyverno's require-platform-labels policy refuses pods without the team label in team namespaces.
            Labels = config.FindNamespace(workload.Namespace) is { IsTeam: true } team ? labels.SetItem(PlatformLabels.Team, team.Name) : labels,
        };
    }

    /// <summary>
    /// The namespace roles whose routes the shared gateway admits beyond serving: the roles of namespaces with a
    /// canary workload (its HTTPRoute attaches to the gateway).
    /// </summary>
    public static ImmutableArray<string> RouteRoles(PlatformConfig config) =>
        [.. config.Workloads.Where(w => w.Canary is not null)
            .Select(w => config.FindNamespace(w.Namespace)!.Role)
            .Distinct()
            .Select(AllowMatrix.RoleLabel)
            .Order(StringComparer.Ordinal)];

    // From the cloud secret service through external-secrets when there is one; generated (and kept in the
    // stack's state as Pulumi secrets) otherwise.
    private static WorkloadSecretSource? Secrets(string name, WorkloadConfig workload, PlatformServices services)
    {
        if (workload.Secrets.Count == 0)
        {
            return null;
        }

        if (services.SecretStore is { } store)
        {
            return new ExternalWorkloadSecrets(store.Name, workload.Secrets);
        }

        var values = ImmutableDictionary.CreateBuilder<string, Output<string>>();
        foreach (var key in workload.Secrets.Keys.Order(StringComparer.Ordinal))
        {
            var password = new RandomPassword($"{name}-{key.ToLowerInvariant().Replace('_', '-')}", new RandomPasswordArgs { Length = 32, Special = false });
            values[key] = password.Result;
        }

        return new ManagedWorkloadSecrets(values.ToImmutable());
    }
}
