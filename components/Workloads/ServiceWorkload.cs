using System.Collections.Immutable;
using MlPlatform.Components.Kubernetes;
using Pulumi;
using Pulumi.Kubernetes.Types.Inputs.Apps.V1;
using Pulumi.Kubernetes.Types.Inputs.Core.V1;
using Pulumi.Kubernetes.Types.Inputs.Meta.V1;
using Pulumi.Kubernetes.Types.Inputs.Policy.V1;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Components.Workloads;

/// <summary>
/// One application service on the platform, with the production practices every reference architecture repeats:
/// a Deployment (a StatefulSet with a headless Service when it has per-replica storage), a ClusterIP Service (gRPC
/// ports named <c>grpc</c>), a ServiceAccount without API token unless API access is declared (then a Role with
/// exactly those rules), settings in a ConfigMap and secrets in a Secret or ExternalSecret, requests and limits,
/// probes, the restricted Pod Security profile, spreading over hosts and zones, a PodDisruptionBudget, an HPA or a
/// KEDA ScaledObject, scrape annotations and a PodMonitor, and an optional canary behind a weighted HTTPRoute.
/// Cloud-agnostic: the stack hands it a node pool's labels and taints, a storage class and an identity annotation.
/// </summary>
public sealed class ServiceWorkload : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:workloads:ServiceWorkload";

    /// <summary>Creates the service.</summary>
    public ServiceWorkload(string name, ServiceWorkloadArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, Check(args, options))
    {
        var labels = args.Labels.SetItems(WorkloadPodTemplate.ServiceSelector(args.Name));
        var child = new CustomResourceOptions { Parent = this };
        child.DependsOn.AddRange(args.Ready.Select(r => (Input<Resource>)r).ToList());
        var meta = (string objectName) => new ObjectMetaArgs { Name = objectName, Namespace = args.Namespace, Labels = labels };

        var (account, role) = WorkloadRole.Create(name, args, labels, child);
        var podReady = new List<Resource> { account };
        if (role is not null)
        {
            podReady.Add(role);
        }

        string? configMapName = null;
        if (!args.Settings.IsEmpty)
        {
            configMapName = $"{args.Name}-settings";
            podReady.Add(new K8s.Core.V1.ConfigMap($"{name}-settings", new ConfigMapArgs
            {
                Metadata = meta(configMapName),
                Data = args.Settings,
            }, child));
        }

        string? secretName = null;
        if (args.Secrets is { } secrets)
        {
            secretName = $"{args.Name}-secrets";
            podReady.Add(secrets switch
            {
                ExternalWorkloadSecrets external => new K8s.ApiExtensions.CustomResource($"{name}-secrets", new KubernetesObjectArgs(
                    "external-secrets.io/v1", "ExternalSecret", meta(secretName), ExternalSecretSpec(secretName, external).ToImmutableDictionary()), child),
                ManagedWorkloadSecrets managed => new K8s.Core.V1.Secret($"{name}-secrets", new SecretArgs
                {
                    Metadata = meta(secretName),
                    Type = "Opaque",
                    StringData = SecretData(managed),
                }, child),
                _ => throw new ArgumentException("Unknown secret source.", nameof(args)),
            });
        }

        var claims = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var volume in args.Volumes.Where(v => v.Sharing == VolumeSharing.Shared))
        {
            var claimName = $"{args.Name}-{volume.Name}";
            claims[volume.Name] = claimName;
            podReady.Add(new K8s.Core.V1.PersistentVolumeClaim($"{name}-{volume.Name}", new PersistentVolumeClaimArgs
            {
                Metadata = meta(claimName),
                Spec = ClaimSpec(volume),
            }, CustomResourceOptions.Merge(child, new CustomResourceOptions { Protect = true })));
        }

        var workloadOptions = CustomResourceOptions.Merge(child, new CustomResourceOptions());
        workloadOptions.DependsOn.AddRange(podReady.Select(r => (Input<Resource>)r).ToList());
        var kind = args.IsStateful ? "StatefulSet" : "Deployment";
        var replicas = args.Scaling?.MinReplicas ?? args.Replicas;
        var template = WorkloadPodTemplate.Build(args, "stable", args.ImageReference, configMapName, secretName, claims);
        var stableSelector = new LabelSelectorArgs { MatchLabels = WorkloadPodTemplate.TrackSelector(args.Name, "stable") };

        Service = new K8s.Core.V1.Service(name, new ServiceArgs
        {
            Metadata = meta(args.Name),
            Spec = ServiceSpec(args, WorkloadPodTemplate.TrackSelector(args.Name, "stable"), headless: args.IsStateful),
        }, child);

        // An autoscaler owns the replica count: leaving it out of the spec keeps an update from resetting it.
        Resource workload = args.IsStateful
            ? new K8s.Apps.V1.StatefulSet(name, new StatefulSetArgs
            {
                Metadata = meta(args.Name),
                Spec = new StatefulSetSpecArgs
                {
                    ServiceName = args.Name,
                    Replicas = args.Scaling is null ? replicas : (Input<int>?)null,
                    Selector = stableSelector,
                    Template = template,
                    PodManagementPolicy = "Parallel",
                    VolumeClaimTemplates = [.. args.Volumes.Where(v => v.Sharing == VolumeSharing.PerReplica).Select(v => new PersistentVolumeClaimArgs
                    {
                        Metadata = new ObjectMetaArgs { Name = v.Name, Labels = labels },
                        Spec = ClaimSpec(v),
                    })],

                    // Per-replica data stays when the set is scaled down or deleted.
                    PersistentVolumeClaimRetentionPolicy = new StatefulSetPersistentVolumeClaimRetentionPolicyArgs { WhenDeleted = "Retain", WhenScaled = "Retain" },
                },
            }, workloadOptions)
            : Deployment(name, args, meta(args.Name), args.Scaling is null ? replicas : null, stableSelector, template, workloadOptions);
        Workload = workload;

        Autoscaler = WorkloadAutoscaler.Create(name, kind, args.Namespace, args.Name, args.Scaling, labels,
            CustomResourceOptions.Merge(child, new CustomResourceOptions { DependsOn = { workload } }));

        var availability = args.Availability;
        DisruptionBudget = new K8s.Policy.V1.PodDisruptionBudget(name, new PodDisruptionBudgetArgs
        {
            Metadata = meta(args.Name),
            Spec = BudgetSpec(args.Name, availability),
        }, child);

        if (args.Metrics is { PodMonitor: true } metrics)
        {
            _ = new K8s.ApiExtensions.CustomResource($"{name}-metrics", new KubernetesObjectArgs(
                "monitoring.coreos.com/v1", "PodMonitor", meta(args.Name), PodMonitorSpec(args.Name, metrics).ToImmutableDictionary()), child);
        }

        if (args.Canary is { } canary)
        {
            var canaryName = CanaryName(args.Name);
            var canaryTemplate = WorkloadPodTemplate.Build(args, "canary", $"{args.Image}:{canary.ImageTag}", configMapName, secretName, claims);
            _ = Deployment($"{name}-canary", args, meta(canaryName), canary.Replicas,
                new LabelSelectorArgs { MatchLabels = WorkloadPodTemplate.TrackSelector(args.Name, "canary") }, canaryTemplate, workloadOptions);
            var canaryService = new K8s.Core.V1.Service($"{name}-canary", new ServiceArgs
            {
                Metadata = meta(canaryName),
                Spec = ServiceSpec(args, WorkloadPodTemplate.TrackSelector(args.Name, "canary"), headless: false),
            }, child);
            Route = new K8s.ApiExtensions.CustomResource($"{name}-route", new KubernetesObjectArgs(
                "gateway.networking.k8s.io/v1", "HTTPRoute", meta(args.Name), CanaryRoute.Spec(args.Name, args.Ports[0].Port, canary).ToImmutableDictionary()),
                CustomResourceOptions.Merge(child, new CustomResourceOptions { DependsOn = { Service, canaryService } }));
        }

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["kind"] = kind,
            ["service"] = $"{args.Name}.{args.Namespace}.svc.cluster.local",
            ["canary"] = args.Canary is null ? null : CanaryName(args.Name),
        });
    }

    /// <summary>The Deployment or StatefulSet.</summary>
    public Resource Workload { get; }

    /// <summary>The Service.</summary>
    public K8s.Core.V1.Service Service { get; }

    /// <summary>The HPA or ScaledObject, or null.</summary>
    public Resource? Autoscaler { get; }

    /// <summary>The PodDisruptionBudget.</summary>
    public K8s.Policy.V1.PodDisruptionBudget DisruptionBudget { get; }

    /// <summary>The canary's HTTPRoute, or null.</summary>
    public K8s.ApiExtensions.CustomResource? Route { get; }

    /// <summary>The name of a service's canary Deployment and Service.</summary>
    public static string CanaryName(string name) => $"{name}-canary";

    /// <summary>The ExternalSecret <c>spec</c>: each variable from its key in the cloud secret service, refreshed hourly.</summary>
    public static Dictionary<string, object> ExternalSecretSpec(string target, ExternalWorkloadSecrets secrets) => new()
    {
        ["refreshInterval"] = "1h",
        ["secretStoreRef"] = new Dictionary<string, object> { ["name"] = secrets.StoreName, ["kind"] = "ClusterSecretStore" },
        ["target"] = new Dictionary<string, object> { ["name"] = target, ["creationPolicy"] = "Owner" },
        ["data"] = secrets.RemoteKeys.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => (object)new Dictionary<string, object>
        {
            ["secretKey"] = k.Key,
            ["remoteRef"] = new Dictionary<string, object> { ["key"] = k.Value },
        }).ToArray(),
    };

    /// <summary>The PodMonitor <c>spec</c>: the stable and canary pods' metrics port.</summary>
    public static Dictionary<string, object> PodMonitorSpec(string name, WorkloadMetrics metrics) => new()
    {
        ["selector"] = new Dictionary<string, object> { ["matchLabels"] = new Dictionary<string, object> { [WorkloadPodTemplate.NameLabel] = name } },
        ["podMetricsEndpoints"] = new object[]
        {
            new Dictionary<string, object> { ["targetPort"] = metrics.Port, ["path"] = metrics.Path, ["interval"] = "30s" },
        },
    };

    private static K8s.Apps.V1.Deployment Deployment(
        string name, ServiceWorkloadArgs args, ObjectMetaArgs metadata, int? replicas, LabelSelectorArgs selector, PodTemplateSpecArgs template, CustomResourceOptions options)
    {
        var spec = new DeploymentSpecArgs
        {
            Selector = selector,
            Template = template,
            RevisionHistoryLimit = 5,
            Strategy = new DeploymentStrategyArgs
            {
                Type = "RollingUpdate",
                RollingUpdate = new RollingUpdateDeploymentArgs
                {
                    MaxSurge = IntOrString(args.Availability.MaxSurge),
                    MaxUnavailable = IntOrString(args.Availability.RollingMaxUnavailable),
                },
            },
        };
        if (replicas is { } count)
        {
            spec.Replicas = count;
        }

        return new K8s.Apps.V1.Deployment(name, new DeploymentArgs { Metadata = metadata, Spec = spec }, options);
    }

    private static InputMap<string> SecretData(ManagedWorkloadSecrets secrets)
    {
        var data = new InputMap<string>();
        foreach (var (key, value) in secrets.Values)
        {
            data[key] = Output.CreateSecret(value);
        }

        return data;
    }

    private static InputUnion<int, string> IntOrString(string value) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) ? number : value;

    private static ServiceSpecArgs ServiceSpec(ServiceWorkloadArgs args, ImmutableDictionary<string, string> selector, bool headless)
    {
        var spec = new ServiceSpecArgs
        {
            Type = "ClusterIP",
            Selector = selector,
            Ports = [.. args.Ports.Select(p => new ServicePortArgs { Name = p.ServiceName, Port = p.Port, TargetPort = p.ServiceName, Protocol = "TCP", AppProtocol = p.AppProtocol })],
        };
        if (headless)
        {
            spec.ClusterIP = "None";
        }

        return spec;
    }

    private static PersistentVolumeClaimSpecArgs ClaimSpec(WorkloadVolume volume)
    {
        var spec = new PersistentVolumeClaimSpecArgs
        {
            AccessModes = { volume.AccessMode },
            Resources = new VolumeResourceRequirementsArgs { Requests = { ["storage"] = volume.Size } },
        };
        if (volume.StorageClassName is { } storageClass)
        {
            spec.StorageClassName = storageClass;
        }

        return spec;
    }

    /// <summary>The PodDisruptionBudget <c>spec</c>: the given bound, or one replica unavailable at a time.</summary>
    internal static PodDisruptionBudgetSpecArgs BudgetSpec(string name, WorkloadAvailability availability)
    {
        var spec = new PodDisruptionBudgetSpecArgs
        {
            Selector = new LabelSelectorArgs { MatchLabels = WorkloadPodTemplate.ServiceSelector(name) },

            // A pod that never became ready may be evicted even when the budget is exhausted: a crash-looping
            // replica does not hold a drain up.
            UnhealthyPodEvictionPolicy = "AlwaysAllow",
        };
        if (availability.MinAvailable is { } min)
        {
            spec.MinAvailable = min;
        }
        else
        {
            spec.MaxUnavailable = availability.MaxUnavailable ?? 1;
        }

        return spec;
    }

    // Runs before anything is registered.
    private static ComponentResourceOptions? Check(ServiceWorkloadArgs args, ComponentResourceOptions? options)
    {
        if (args.Ports.IsEmpty)
        {
            throw new ArgumentException($"Workload {args.Name} needs a port.", nameof(args));
        }

        if (args.ImageTag is "" or "latest")
        {
            throw new ArgumentException($"Workload {args.Name} needs a pinned image tag, not '{args.ImageTag}'.", nameof(args));
        }

        if (args.Scaling is { } s && (s.MinReplicas < 1 || s.MaxReplicas < s.MinReplicas))
        {
            throw new ArgumentException($"Workload {args.Name} needs 1 <= minReplicas <= maxReplicas.", nameof(args));
        }

        if (args.Canary is { } c && (c.WeightPercent is < 1 or > 99 || args.IsStateful))
        {
            throw new ArgumentException($"Workload {args.Name}: a canary needs a weight of 1-99 and a Deployment.", nameof(args));
        }

        return options;
    }
}
