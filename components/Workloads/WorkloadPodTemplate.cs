using System.Collections.Immutable;
using System.Globalization;
using MlPlatform.Components.Addons;
using Pulumi;
using Pulumi.Kubernetes.Types.Inputs.Core.V1;
using Pulumi.Kubernetes.Types.Inputs.Meta.V1;

namespace MlPlatform.Components.Workloads;

/// <summary>
/// The pod template of a <see cref="ServiceWorkload"/>: the restricted Pod Security profile (non-root, no privilege
/// escalation, every capability dropped, RuntimeDefault seccomp, read-only root filesystem with <c>emptyDir</c>s
/// where it must write), requests and limits, probes, placement, spreading, and the settings from the ConfigMap and
/// Secret only (never an env literal holding a secret).
/// </summary>
public static class WorkloadPodTemplate
{
    /// <summary>The label that names the service.</summary>
    public const string NameLabel = "app.kubernetes.io/name";

    /// <summary>The label that tells the stable pods from the canary's.</summary>
    public const string TrackLabel = "mlplatform.io/track";

    /// <summary>The volume the model weights are fetched into.</summary>
    public const string ModelVolume = "model-weights";

    /// <summary>The labels that select every pod of the service, both tracks.</summary>
    public static ImmutableDictionary<string, string> ServiceSelector(string name) =>
        ImmutableDictionary<string, string>.Empty.Add(NameLabel, name);

    /// <summary>The labels that select one track's pods (<c>stable</c> or <c>canary</c>).</summary>
    public static ImmutableDictionary<string, string> TrackSelector(string name, string track) =>
        ServiceSelector(name).Add(TrackLabel, track);

    /// <summary>The pod template of one track.</summary>
    /// <param name="args">The workload.</param>
    /// <param name="track"><c>stable</c> or <c>canary</c>.</param>
    /// <param name="image">The image reference of the track.</param>
    /// <param name="configMap">The ConfigMap of the settings, or null.</param>
    /// <param name="secret">The Secret of the secret settings, or null.</param>
    /// <param name="claims">Shared claims by volume name (mounted from a PersistentVolumeClaim).</param>
    public static PodTemplateSpecArgs Build(
        ServiceWorkloadArgs args, string track, string image, string? configMap, string? secret, IReadOnlyDictionary<string, string> claims)
    {
        var podLabels = args.Labels.SetItems(TrackSelector(args.Name, track));
        var annotations = new Dictionary<string, string>();
        if (args.Metrics is { } metrics)
        {
            annotations["prometheus.io/scrape"] = "true";
            annotations["prometheus.io/port"] = metrics.Port.ToString(CultureInfo.InvariantCulture);
            annotations["prometheus.io/path"] = metrics.Path;
        }

        var spec = new PodSpecArgs
        {
            ServiceAccountName = args.Name,
            AutomountServiceAccountToken = !args.ApiAccess.IsEmpty,
            PriorityClassName = args.Availability.PriorityClassName,
            EnableServiceLinks = false,
            SecurityContext = new PodSecurityContextArgs
            {
                RunAsNonRoot = true,
                SeccompProfile = new SeccompProfileArgs { Type = "RuntimeDefault" },
            },
            Containers = { Container(args, image, configMap, secret) },
            Volumes = Volumes(args, claims),
            NodeSelector = args.Placement.NodeSelector,
            Tolerations = Tolerations(args),
            TopologySpreadConstraints = Spread(args.Name),
        };
        if (args.ModelFetch is { } fetch)
        {
            spec.InitContainers = new InputList<ContainerArgs> { FetchContainer(fetch) };
        }

        if (args.Availability.RequiredAntiAffinity)
        {
            spec.Affinity = new AffinityArgs
            {
                PodAntiAffinity = new PodAntiAffinityArgs
                {
                    RequiredDuringSchedulingIgnoredDuringExecution =
                    {
                        new PodAffinityTermArgs
                        {
                            TopologyKey = TopologySpread.HostKey,
                            LabelSelector = new LabelSelectorArgs { MatchLabels = ServiceSelector(args.Name) },
                        },
                    },
                },
            };
        }

        return new PodTemplateSpecArgs
        {
            Metadata = new ObjectMetaArgs { Labels = podLabels, Annotations = annotations },
            Spec = spec,
        };
    }

    /// <summary>
    /// Spreading over hosts (a hard rule: at most one replica more on a node than another) and zones (as far as
    /// capacity allows), counting only pods of the same rollout revision.
    /// </summary>
    public static InputList<TopologySpreadConstraintArgs> Spread(string name) =>
    [
        Constraint(name, TopologySpread.HostKey, "DoNotSchedule"),
        Constraint(name, TopologySpread.ZoneKey, "ScheduleAnyway"),
    ];

    private static TopologySpreadConstraintArgs Constraint(string name, string key, string when)
    {
        var constraint = new TopologySpreadConstraintArgs
        {
            MaxSkew = 1,
            TopologyKey = key,
            WhenUnsatisfiable = when,
            LabelSelector = new LabelSelectorArgs { MatchLabels = ServiceSelector(name) },
            MatchLabelKeys = { "pod-template-hash" },
        };
        if (when == "DoNotSchedule")
        {
            // Tainted pools the pods cannot use (GPU, spot) do not count as empty domains.
            constraint.NodeTaintsPolicy = "Honor";
        }

        return constraint;
    }

    private static InputList<TolerationArgs> Tolerations(ServiceWorkloadArgs args)
    {
        IEnumerable<PodToleration> tolerations = args.Placement.Tolerations;
        if (args.Resources.Gpus > 0)
        {
            tolerations = tolerations.Append(PodToleration.Gpu);
        }

        var list = new InputList<TolerationArgs>();
        foreach (var t in tolerations.Distinct().OrderBy(t => t.Key, StringComparer.Ordinal).ThenBy(t => t.Effect, StringComparer.Ordinal))
        {
            list.Add(new TolerationArgs { Key = t.Key, Operator = "Exists", Effect = t.Effect });
        }

        return list;
    }

    private static ContainerArgs Container(ServiceWorkloadArgs args, string image, string? configMap, string? secret)
    {
        var resources = args.Resources;
        var requests = new InputMap<string> { ["cpu"] = resources.RequestsCpu, ["memory"] = resources.RequestsMemory };
        var limits = new InputMap<string> { ["cpu"] = resources.LimitsCpu, ["memory"] = resources.LimitsMemory };
        if (resources.Gpus > 0)
        {
            requests[GpuPlacement.GpuResource] = resources.Gpus.ToString(CultureInfo.InvariantCulture);
            limits[GpuPlacement.GpuResource] = resources.Gpus.ToString(CultureInfo.InvariantCulture);
        }

        var container = new ContainerArgs
        {
            Name = args.Name,
            Image = image,
            Args = [.. args.Args],
            Ports = [.. args.Ports.Select(p => new ContainerPortArgs { Name = p.ServiceName, ContainerPortValue = p.Port, Protocol = "TCP" })],
            Resources = new ResourceRequirementsArgs { Requests = requests, Limits = limits },
            SecurityContext = new SecurityContextArgs
            {
                AllowPrivilegeEscalation = false,
                ReadOnlyRootFilesystem = true,
                RunAsNonRoot = true,
                Capabilities = new CapabilitiesArgs { Drop = { "ALL" } },
            },
            VolumeMounts = Mounts(args),
        };

        var envFrom = new InputList<EnvFromSourceArgs>();
        if (configMap is not null)
        {
            envFrom.Add(new EnvFromSourceArgs { ConfigMapRef = new ConfigMapEnvSourceArgs { Name = configMap } });
        }

        if (secret is not null)
        {
            envFrom.Add(new EnvFromSourceArgs { SecretRef = new SecretEnvSourceArgs { Name = secret } });
        }

        container.EnvFrom = envFrom;
        if (args.ModelFetch is { } fetch)
        {
            container.Env = new InputList<EnvVarArgs> { new EnvVarArgs { Name = "MODEL_DIR", Value = fetch.MountPath } };
        }

        var probes = args.Probes;
        var mainPort = args.Ports[0];

        // HTTP probes of a gRPC server go to its HTTP port (health and readiness endpoints), gRPC health checks to the gRPC port.
        var httpPort = probes.Port ?? args.Ports.FirstOrDefault(p => p.Protocol == PortProtocol.Http)?.Port ?? mainPort.Port;
        int PortFor(string? path) => path is null ? probes.Port ?? mainPort.Port : httpPort;
        container.LivenessProbe = Probe(mainPort, PortFor(probes.LivenessPath), probes.LivenessPath, periodSeconds: 10, failureThreshold: 3);
        container.ReadinessProbe = Probe(mainPort, PortFor(probes.ReadinessPath), probes.ReadinessPath, periodSeconds: 5, failureThreshold: 3);
        if (probes.StartupSeconds > 0)
        {
            // Liveness only starts once this passes: a model that takes minutes to load is not killed half-way.
            container.StartupProbe = Probe(mainPort, PortFor(probes.ReadinessPath), probes.ReadinessPath, periodSeconds: 10, failureThreshold: Math.Max(1, probes.StartupSeconds / 10));
        }

        return container;
    }

    private static ProbeArgs Probe(WorkloadPort mainPort, int port, string? path, int periodSeconds, int failureThreshold)
    {
        var probe = new ProbeArgs { PeriodSeconds = periodSeconds, FailureThreshold = failureThreshold, TimeoutSeconds = 3 };
        if (path is null && mainPort.Protocol == PortProtocol.Grpc)
        {
            probe.Grpc = new GRPCActionArgs { Port = port };
        }
        else if (path is null)
        {
            probe.TcpSocket = new TCPSocketActionArgs { Port = port };
        }
        else
        {
            probe.HttpGet = new HTTPGetActionArgs { Path = path, Port = port };
        }

        return probe;
    }

    private static ContainerArgs FetchContainer(ModelFetch fetch) => new()
    {
        Name = "fetch-model",
        Image = fetch.Image,
        Command = [.. fetch.Command],
        Env =
        {
            new EnvVarArgs { Name = "MODEL_SOURCE", Value = fetch.Source },
            new EnvVarArgs { Name = "MODEL_DIR", Value = fetch.MountPath },
        },
        Resources = new ResourceRequirementsArgs
        {
            Requests = { ["cpu"] = "500m", ["memory"] = "512Mi" },
            Limits = { ["cpu"] = "2", ["memory"] = "2Gi" },
        },
        SecurityContext = new SecurityContextArgs
        {
            AllowPrivilegeEscalation = false,
            ReadOnlyRootFilesystem = true,
            RunAsNonRoot = true,
            Capabilities = new CapabilitiesArgs { Drop = { "ALL" } },
        },
        VolumeMounts = { new VolumeMountArgs { Name = ModelVolume, MountPath = fetch.MountPath }, new VolumeMountArgs { Name = "tmp-0", MountPath = "/tmp" } },
    };

    private static InputList<VolumeMountArgs> Mounts(ServiceWorkloadArgs args)
    {
        var mounts = new InputList<VolumeMountArgs>();
        for (var i = 0; i < args.WritablePaths.Length; i++)
        {
            mounts.Add(new VolumeMountArgs { Name = $"tmp-{i}", MountPath = args.WritablePaths[i] });
        }

        foreach (var volume in args.Volumes)
        {
            mounts.Add(new VolumeMountArgs { Name = volume.Name, MountPath = volume.MountPath });
        }

        if (args.ModelFetch is { } fetch)
        {
            mounts.Add(new VolumeMountArgs { Name = ModelVolume, MountPath = fetch.MountPath, ReadOnly = true });
        }

        return mounts;
    }

    private static InputList<VolumeArgs> Volumes(ServiceWorkloadArgs args, IReadOnlyDictionary<string, string> claims)
    {
        var volumes = new InputList<VolumeArgs>();
        var paths = args.WritablePaths.IsEmpty && args.ModelFetch is not null ? ["/tmp"] : args.WritablePaths;
        for (var i = 0; i < paths.Length; i++)
        {
            volumes.Add(new VolumeArgs { Name = $"tmp-{i}", EmptyDir = new EmptyDirVolumeSourceArgs { SizeLimit = "1Gi" } });
        }

        foreach (var volume in args.Volumes.Where(v => v.Sharing == VolumeSharing.Shared))
        {
            volumes.Add(new VolumeArgs
            {
                Name = volume.Name,
                PersistentVolumeClaim = new PersistentVolumeClaimVolumeSourceArgs { ClaimName = claims[volume.Name] },
            });
        }

        if (args.ModelFetch is { } fetch)
        {
            volumes.Add(new VolumeArgs
            {
                Name = ModelVolume,
                EmptyDir = new EmptyDirVolumeSourceArgs
                {
                    Medium = fetch.Medium == EmptyDirMedium.Memory ? "Memory" : "",
                    SizeLimit = fetch.SizeLimit,
                },
            });
        }

        return volumes;
    }
}
