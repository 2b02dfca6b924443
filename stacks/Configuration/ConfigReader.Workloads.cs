using System.Collections.Immutable;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Policies;

namespace MlPlatform.Stacks.Configuration;

/// <summary>Reading and validation of <c>mlplatform:workloads</c> and <c>mlplatform:dataServices</c>.</summary>
public static partial class ConfigReader
{
    private static readonly string[] WorkloadKeys =
    [
        "name", "namespace", "image", "tag", "replicas", "ports", "args", "resources", "nodePool", "autoscaling", "eventScaling",
        "minAvailable", "maxUnavailable", "antiAffinity", "priorityClass", "probes", "modelFetch", "settings", "secrets", "volumes",
        "writablePaths", "metrics", "canary", "apiAccess", "callers", "dependencies",
    ];

    private static ImmutableArray<DataServiceConfig> ReadDataServices(
        IReadOnlyList<JsonConfigNode> nodes, ImmutableArray<NamespaceConfig> namespaces, ImmutableArray<NodePoolConfig> pools,
        AddonsConfig addons, List<ConfigProblem> problems)
    {
        var result = ImmutableArray.CreateBuilder<DataServiceConfig>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            var name = UniqueName(node, seen, "data service");
            var kind = ReadEnum<DataServiceKind>(node.String("kind"), node.Child("kind"), problems, required: true, fullKey: true);
            var ns = KnownNamespace(node, namespaces);
            var instances = node.Int("instances") ?? 3;
            if (instances is < 1 or > 9)
            {
                node.Problem("instances", $"must be between 1 and 9 (a primary and its replicas), not {instances}");
            }

            var storage = node.Object("storage");
            var size = storage?.String("size");
            var storageClass = storage?.String("storageClass");
            storage?.RejectUnknownKeys();
            if (size is not null && !KubernetesNames.IsNonNegativeQuantity(size))
            {
                storage!.Problem("size", $"'{size}' is not a Kubernetes quantity (e.g. 500Gi)");
            }

            if (storageClass is not null && !KubernetesNames.IsDns1123Subdomain(storageClass))
            {
                storage!.Problem("storageClass", $"'{storageClass}' is not a StorageClass name");
            }

            if (kind == DataServiceKind.Postgres && size is null)
            {
                node.Problem("storage.size", "required for postgres (each instance keeps its data on its own volume)");
            }

            var resources = ReadResources(node, gpusAllowed: false);
            var backups = node.Bool("backups") ?? false;
            if (backups && kind != DataServiceKind.Postgres)
            {
                node.Problem("backups", "only postgres data services are backed up");
            }

            var pool = KnownPool(node, pools);
            node.RejectUnknownKeys();
            if (kind == DataServiceKind.Postgres && !addons.CloudNativePg)
            {
                node.Problem("kind", $"postgres data services need the CloudNativePG operator: set {Key("addons")}.cloudNativePg: true");
            }

            if (name is not null && kind is not null && ns is not null)
            {
                result.Add(new DataServiceConfig
                {
                    Name = name,
                    Kind = kind.Value,
                    Namespace = ns,
                    Instances = instances,
                    StorageSize = size,
                    StorageClass = storageClass,
                    Resources = resources,
                    Backups = backups,
                    NodePool = pool,
                });
            }
        }

        return result.ToImmutable();
    }

    private static ImmutableArray<WorkloadConfig> ReadWorkloads(
        IReadOnlyList<JsonConfigNode> nodes, ImmutableArray<NamespaceConfig> namespaces, ImmutableArray<NodePoolConfig> pools,
        ImmutableArray<DataServiceConfig> dataServices, AddonsConfig addons, List<ConfigProblem> problems)
    {
        var result = ImmutableArray.CreateBuilder<WorkloadConfig>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            node.Allow(WorkloadKeys);
            var name = node.String("name");
            var ns = KnownNamespace(node, namespaces);
            if (name is null)
            {
                node.Problem("name", "required");
            }
            else if (!KubernetesNames.IsDns1123Label(name) || name.Length > 50)
            {
                node.Problem("name", $"'{name}' is not a DNS-1123 label of at most 50 characters (its canary adds '-canary')");
            }
            else if (ns is not null && !seen.Add($"{ns}/{name}"))
            {
                node.Problem("name", $"duplicate workload '{name}' in namespace '{ns}'");
            }

            var image = node.String("image");
            if (string.IsNullOrWhiteSpace(image) || image.Contains(':', StringComparison.Ordinal) && !image.Contains('/', StringComparison.Ordinal) || image.Any(char.IsWhiteSpace))
            {
                node.Problem("image", image is null ? "required: the image repository, e.g. ghcr.io/acme/api" : $"'{image}' is not an image repository (give the tag in 'tag')");
            }

            var tag = ImageTag(node, "tag");
            var ports = ReadPorts(node);
            var resources = ReadResources(node, gpusAllowed: true);
            var pool = KnownPool(node, pools);
            var poolConfig = pools.FirstOrDefault(p => p.Name == pool);
            if (resources.Gpus > 0 && poolConfig is { IsGpu: false })
            {
                node.Problem("resources.gpus", $"node pool '{pool}' has no GPUs");
            }
            else if (resources.Gpus > 0 && pool is null)
            {
                node.Problem("nodePool", "required for a workload that asks for GPUs (the GPU pool it runs on)");
            }

            var replicas = node.Int("replicas") ?? 2;
            if (replicas is < 1 or > 1000)
            {
                node.Problem("replicas", $"must be between 1 and 1000, not {replicas}");
            }

            var autoscaling = ReadResourceAutoscaling(node.Object("autoscaling"));
            var events = ReadEventScaling(node.Object("eventScaling"), addons);
            if (autoscaling is not null && events is not null)
            {
                node.Problem("eventScaling", "give autoscaling (HPA on CPU/memory) or eventScaling (KEDA), not both");
            }

            var floor = autoscaling?.Min ?? events?.Min ?? replicas;
            var minAvailable = node.Int("minAvailable");
            var maxUnavailable = node.Int("maxUnavailable");
            if (minAvailable is not null && maxUnavailable is not null)
            {
                node.Problem("maxUnavailable", "give minAvailable or maxUnavailable, not both (the API rejects a budget with both)");
            }
            else if (minAvailable is { } min && (min < 1 || min >= floor))
            {
                node.Problem("minAvailable", $"must be at least 1 and below the fewest replicas ({floor}), not {min}: otherwise it protects nothing or blocks every drain");
            }
            else if (maxUnavailable is < 1)
            {
                node.Problem("maxUnavailable", $"must be at least 1, not {maxUnavailable}: 0 blocks every drain");
            }

            var antiAffinity = node.String("antiAffinity");
            if (antiAffinity is not null and not "required" and not "preferred")
            {
                node.Problem("antiAffinity", $"'{antiAffinity}' is not one of required, preferred");
            }

            var priority = node.String("priorityClass") ?? "interactive";
            if (PriorityTier.Ladder.All(t => t.Name != priority))
            {
                node.Problem("priorityClass", $"'{priority}' is not a class of the platform ladder ({string.Join(", ", PriorityTier.Ladder.Select(t => t.Name))})");
            }

            var probes = ReadProbes(node.Object("probes"));
            var fetch = ReadModelFetch(node.Object("modelFetch"));
            var settings = node.StringMap("settings") ?? ImmutableDictionary<string, string>.Empty;
            var secrets = node.StringMap("secrets") ?? ImmutableDictionary<string, string>.Empty;
            CheckEnvironmentNames(node, "settings", settings.Keys);
            CheckEnvironmentNames(node, "secrets", secrets.Keys);
            foreach (var key in settings.Keys.Intersect(secrets.Keys))
            {
                node.Problem($"settings.{key}", "is also a secret: a value is either a setting (ConfigMap) or a secret, never both");
            }

            foreach (var (key, value) in settings)
            {
                if (LooksSecret(key))
                {
                    node.Problem($"settings.{key}", "looks like a secret (password, token, key): put it under secrets, never in a ConfigMap");
                }
                else if (HasCredentials(value))
                {
                    node.Problem($"settings.{key}", "holds credentials in a URL: keep the password in secrets");
                }
            }

            var volumes = ReadVolumes(node);
            var writable = node.StringList("writablePaths") ?? ["/tmp"];
            foreach (var path in writable.Concat(volumes.Select(v => v.MountPath)))
            {
                if (!path.StartsWith('/'))
                {
                    node.Problem("writablePaths", $"'{path}' is not an absolute path");
                }
            }

            var metrics = ReadMetrics(node.Object("metrics"));
            var canary = ReadCanary(node.Object("canary"), addons, volumes);
            var api = ReadApiRules(node);
            var callers = node.StringList("callers") ?? [];
            foreach (var caller in callers.Where(c => namespaces.All(n => n.Name != c)))
            {
                node.Problem("callers", $"'{caller}' is not a namespace of this stack");
            }

            var dependencies = node.StringList("dependencies") ?? [];
            foreach (var dependency in dependencies.Where(d => namespaces.All(n => n.Name != d) && dataServices.All(s => s.Name != d)))
            {
                node.Problem("dependencies", $"'{dependency}' is neither a namespace nor a data service of this stack");
            }

            if (name is not null && ns is not null && image is not null && tag is not null)
            {
                result.Add(new WorkloadConfig
                {
                    Name = name,
                    Namespace = ns,
                    Image = image,
                    Tag = tag,
                    Replicas = replicas,
                    Ports = ports,
                    Args = node.StringList("args") ?? [],
                    Resources = resources,
                    NodePool = pool,
                    Autoscaling = autoscaling,
                    EventScaling = events,
                    MinAvailable = minAvailable,
                    MaxUnavailable = maxUnavailable,
                    RequiredAntiAffinity = antiAffinity == "required",
                    PriorityClass = priority,
                    Probes = probes,
                    ModelFetch = fetch,
                    Settings = settings,
                    Secrets = secrets,
                    Volumes = volumes,
                    WritablePaths = writable,
                    Metrics = metrics,
                    Canary = canary,
                    ApiAccess = api,
                    Callers = callers,
                    Dependencies = dependencies,
                });
            }
            else
            {
                _ = node.StringList("args");
            }

            node.RejectUnknownKeys();
        }

        return result.ToImmutable();
    }

    private static NamespaceRole ReadTeamRole(JsonConfigNode team)
    {
        var role = team.String("role");
        switch (role)
        {
            case null or "gpu-workloads":
                return NamespaceRole.GpuWorkloads;
            case "application":
                return NamespaceRole.Application;
            default:
                team.Problem("role", $"'{role}' is not one of gpu-workloads, application");
                return NamespaceRole.GpuWorkloads;
        }
    }

    private static string? UniqueName(JsonConfigNode node, HashSet<string> seen, string what)
    {
        var name = node.String("name");
        if (name is null)
        {
            node.Problem("name", "required");
            return null;
        }

        if (!KubernetesNames.IsDns1123Label(name) || name.Length > 50)
        {
            node.Problem("name", $"'{name}' is not a DNS-1123 label of at most 50 characters");
            return null;
        }

        if (!seen.Add(name))
        {
            node.Problem("name", $"duplicate {what} '{name}'");
        }

        return name;
    }

    private static string? KnownNamespace(JsonConfigNode node, ImmutableArray<NamespaceConfig> namespaces)
    {
        var ns = node.String("namespace");
        if (ns is null)
        {
            node.Problem("namespace", "required");
            return null;
        }

        if (namespaces.All(n => n.Name != ns))
        {
            node.Problem("namespace", $"'{ns}' is not a namespace of this stack (add it to {Key("teams")})");
            return null;
        }

        return ns;
    }

    private static string? KnownPool(JsonConfigNode node, ImmutableArray<NodePoolConfig> pools)
    {
        var pool = node.String("nodePool");
        if (pool is not null && pools.All(p => p.Name != pool))
        {
            node.Problem("nodePool", $"'{pool}' is not a node pool of {Key("nodePools")} ({string.Join(", ", pools.Select(p => p.Name))})");
            return null;
        }

        return pool;
    }

    private static string? ImageTag(JsonConfigNode node, string name)
    {
        var tag = node.String(name);
        if (tag is null)
        {
            node.Problem(name, "required: a pinned image tag");
        }
        else if (tag == "latest")
        {
            node.Problem(name, "'latest' is not a pinned tag: name the version");
        }
        else if (!ImageTagSyntax(tag))
        {
            node.Problem(name, $"'{tag}' is not an image tag (letters, digits, '_', '.', '-', at most 128, not starting with '.' or '-')");
        }

        return tag;
    }

    private static bool ImageTagSyntax(string tag) =>
        tag.Length is > 0 and <= 128 && (char.IsAsciiLetterOrDigit(tag[0]) || tag[0] == '_')
        && tag.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');

    private static ImmutableArray<WorkloadPortConfig> ReadPorts(JsonConfigNode node)
    {
        var ports = ImmutableArray.CreateBuilder<WorkloadPortConfig>();
        var list = node.ObjectList("ports");
        if (list is null || list.Count == 0)
        {
            node.Problem("ports", "required: at least one port");
            return [];
        }

        foreach (var port in list)
        {
            var name = port.String("name") ?? "http";
            var number = port.Int("port");
            var protocol = port.String("protocol") ?? "http";
            port.RejectUnknownKeys();
            if (number is null or < 1 or > 65535)
            {
                port.Problem("port", number is null ? "required" : $"must be between 1 and 65535, not {number}");
            }

            if (name.Length > 15 || !KubernetesNames.IsDns1123Label(name))
            {
                port.Problem("name", $"'{name}' is not a port name (an IANA service name of at most 15 characters)");
            }

            if (protocol is not "http" and not "grpc")
            {
                port.Problem("protocol", $"'{protocol}' is not one of http, grpc");
            }

            if (number is { } value && ports.Any(p => p.Port == value))
            {
                port.Problem("port", $"duplicate port {value}");
            }

            ports.Add(new WorkloadPortConfig(name, number ?? 0, protocol == "grpc"));
        }

        return ports.ToImmutable();
    }

    private static WorkloadResourcesConfig ReadResources(JsonConfigNode node, bool gpusAllowed)
    {
        var resources = node.Object("resources");
        if (resources is null)
        {
            node.Problem("resources", "required: requestsCpu, requestsMemory, limitsCpu and limitsMemory (requests and limits are always set)");
            return new("0", "0", "0", "0", 0);
        }

        string Required(string name)
        {
            var value = resources.String(name);
            if (value is null)
            {
                resources.Problem(name, "required");
                return "0";
            }

            if (!KubernetesNames.IsNonNegativeQuantity(value) || value is "0")
            {
                resources.Problem(name, $"'{value}' is not a positive Kubernetes quantity (e.g. 500m, 2, 4Gi)");
                return "0";
            }

            return value;
        }

        var config = new WorkloadResourcesConfig(Required("requestsCpu"), Required("requestsMemory"), Required("limitsCpu"), Required("limitsMemory"),
            gpusAllowed ? resources.Int("gpus") ?? 0 : 0);
        if (config.Gpus is < 0 or > 16)
        {
            resources.Problem("gpus", $"must be between 0 and 16, not {config.Gpus}");
        }

        if (Quantities.Compare(config.RequestsCpu, config.LimitsCpu) > 0)
        {
            resources.Problem("limitsCpu", $"must be at least the request ({config.RequestsCpu}), not {config.LimitsCpu}");
        }

        if (Quantities.Compare(config.RequestsMemory, config.LimitsMemory) > 0)
        {
            resources.Problem("limitsMemory", $"must be at least the request ({config.RequestsMemory}), not {config.LimitsMemory}");
        }

        resources.RejectUnknownKeys();
        return config;
    }

    private static (int Min, int Max) ReplicaRange(JsonConfigNode node)
    {
        var min = node.Int("min") ?? 1;
        var max = node.Int("max");
        if (min < 1)
        {
            node.Problem("min", $"must be at least 1, not {min}");
        }

        if (max is null)
        {
            node.Problem("max", "required");
        }
        else if (max < min)
        {
            node.Problem("max", $"must be at least min ({min}), not {max}");
        }

        return (min, max ?? min);
    }

    private static ResourceAutoscalingConfig? ReadResourceAutoscaling(JsonConfigNode? node)
    {
        if (node is null)
        {
            return null;
        }

        var (min, max) = ReplicaRange(node);
        var cpu = node.Int("cpuPercent");
        var memory = node.Int("memoryPercent");
        node.RejectUnknownKeys();
        if (cpu is null && memory is null)
        {
            node.Problem("cpuPercent", "give cpuPercent and/or memoryPercent");
        }

        foreach (var (name, value) in new[] { ("cpuPercent", cpu), ("memoryPercent", memory) })
        {
            if (value is < 1 or > 100)
            {
                node.Problem(name, $"must be between 1 and 100, not {value}");
            }
        }

        return new ResourceAutoscalingConfig(min, max, cpu, memory);
    }

    private static EventScalingConfig? ReadEventScaling(JsonConfigNode? node, AddonsConfig addons)
    {
        if (node is null)
        {
            return null;
        }

        var (min, max) = ReplicaRange(node);
        var query = node.String("query");
        var threshold = node.String("threshold");
        node.RejectUnknownKeys();
        if (string.IsNullOrWhiteSpace(query))
        {
            node.Problem("query", "required: the PromQL of the service's load (in-flight requests, queue length)");
        }

        if (threshold is null || !decimal.TryParse(threshold, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var t) || t <= 0)
        {
            node.Problem("threshold", $"required: a positive number, the load one replica carries, not '{threshold}'");
        }

        if (!addons.Keda || !addons.Monitoring)
        {
            node.Problem("query", $"event scaling needs KEDA and Prometheus: enable {Key("addons")}.keda and .monitoring");
        }

        return new EventScalingConfig(min, max, query ?? "", threshold ?? "1");
    }

    private static WorkloadProbesConfig ReadProbes(JsonConfigNode? node)
    {
        if (node is null)
        {
            return new();
        }

        var defaults = new WorkloadProbesConfig();
        var liveness = node.String("liveness");
        var readiness = node.String("readiness");
        var grpc = node.Bool("grpcHealth") ?? false;
        var startup = node.Int("startupSeconds") ?? 0;
        node.RejectUnknownKeys();
        foreach (var (name, path) in new[] { ("liveness", liveness), ("readiness", readiness) })
        {
            if (path is not null && !path.StartsWith('/'))
            {
                node.Problem(name, $"'{path}' is not an HTTP path");
            }
        }

        if (startup is < 0 or > 3600)
        {
            node.Problem("startupSeconds", $"must be between 0 and 3600, not {startup}");
        }

        return new WorkloadProbesConfig
        {
            Liveness = grpc ? null : liveness ?? defaults.Liveness,
            Readiness = readiness ?? (grpc ? null : defaults.Readiness),
            StartupSeconds = startup,
        };
    }

    private static ModelFetchConfig? ReadModelFetch(JsonConfigNode? node)
    {
        if (node is null)
        {
            return null;
        }

        var image = node.String("image");
        var source = node.String("source");
        var mountPath = node.String("mountPath") ?? "/models";
        var medium = node.String("medium") ?? "disk";
        var size = node.String("sizeLimit") ?? "20Gi";
        node.RejectUnknownKeys();
        if (image is null || !image.Contains(':', StringComparison.Ordinal) || image.EndsWith(":latest", StringComparison.Ordinal))
        {
            node.Problem("image", $"required: the fetcher image with a pinned tag, not '{image}'");
        }

        if (source is null || !source.Contains("://", StringComparison.Ordinal))
        {
            node.Problem("source", $"required: the weights' URI (s3://, gs://, hf://), not '{source}'");
        }

        if (medium is not "disk" and not "memory")
        {
            node.Problem("medium", $"'{medium}' is not one of disk, memory");
        }

        if (!KubernetesNames.IsNonNegativeQuantity(size))
        {
            node.Problem("sizeLimit", $"'{size}' is not a Kubernetes quantity");
        }

        return new ModelFetchConfig(image ?? "", source ?? "", mountPath, medium == "memory", size);
    }

    private static ImmutableArray<WorkloadVolumeConfig> ReadVolumes(JsonConfigNode node)
    {
        var volumes = ImmutableArray.CreateBuilder<WorkloadVolumeConfig>();
        foreach (var volume in node.ObjectList("volumes") ?? [])
        {
            var name = volume.String("name");
            var path = volume.String("mountPath");
            var size = volume.String("size");
            var storageClass = volume.String("storageClass");
            var shared = volume.Bool("shared") ?? false;
            volume.RejectUnknownKeys();
            if (name is null || !KubernetesNames.IsDns1123Label(name) || volumes.Any(v => v.Name == name))
            {
                volume.Problem("name", name is null ? "required" : $"'{name}' is not a unique DNS-1123 label");
            }

            if (path is null)
            {
                volume.Problem("mountPath", "required");
            }

            if (size is null || !KubernetesNames.IsNonNegativeQuantity(size))
            {
                volume.Problem("size", $"required: a Kubernetes quantity such as 100Gi, not '{size}'");
            }

            if (storageClass is not null && !KubernetesNames.IsDns1123Subdomain(storageClass))
            {
                volume.Problem("storageClass", $"'{storageClass}' is not a StorageClass name");
            }

            volumes.Add(new WorkloadVolumeConfig(name ?? "", path ?? "/", size ?? "1Gi", storageClass, shared));
        }

        return volumes.ToImmutable();
    }

    private static WorkloadMetricsConfig? ReadMetrics(JsonConfigNode? node)
    {
        if (node is null)
        {
            return null;
        }

        var port = node.Int("port");
        var path = node.String("path") ?? "/metrics";
        node.RejectUnknownKeys();
        if (port is null or < 1 or > 65535)
        {
            node.Problem("port", $"required: between 1 and 65535, not {port}");
        }

        if (!path.StartsWith('/'))
        {
            node.Problem("path", $"'{path}' is not an HTTP path");
        }

        return new WorkloadMetricsConfig(port ?? 0, path);
    }

    private static CanaryConfig? ReadCanary(JsonConfigNode? node, AddonsConfig addons, ImmutableArray<WorkloadVolumeConfig> volumes)
    {
        if (node is null)
        {
            return null;
        }

        var tag = ImageTag(node, "tag");
        var weight = node.Int("weight") ?? 10;
        var hosts = node.StringList("hostnames") ?? [];
        node.RejectUnknownKeys();
        if (weight is < 1 or > 99)
        {
            node.Problem("weight", $"must be between 1 and 99 (percent of requests), not {weight}");
        }

        if (!addons.Gateway)
        {
            node.Problem("tag", $"a canary is split by the gateway: enable {Key("addons")}.gateway");
        }

        if (volumes.Any(v => !v.Shared))
        {
            node.Problem("tag", "a workload with per-replica volumes (a StatefulSet) cannot have a canary");
        }

        foreach (var host in hosts.Where(h => !KubernetesNames.IsDns1123Subdomain(h.TrimStart('*', '.'))))
        {
            node.Problem("hostnames", $"'{host}' is not a host name");
        }

        return new CanaryConfig(tag ?? "", weight, hosts);
    }

    private static ImmutableArray<ApiRuleConfig> ReadApiRules(JsonConfigNode node)
    {
        string[] verbs = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];
        var rules = ImmutableArray.CreateBuilder<ApiRuleConfig>();
        foreach (var rule in node.ObjectList("apiAccess") ?? [])
        {
            var groups = rule.StringList("apiGroups") ?? [""];
            var resources = rule.StringList("resources") ?? [];
            var ruleVerbs = rule.StringList("verbs") ?? [];
            rule.RejectUnknownKeys();
            if (resources.IsEmpty || resources.Contains("*"))
            {
                rule.Problem("resources", "required: the exact resources (no '*')");
            }

            if (ruleVerbs.IsEmpty || ruleVerbs.Any(v => !verbs.Contains(v)))
            {
                rule.Problem("verbs", $"required: verbs among {string.Join(", ", verbs)} (no '*')");
            }

            if (groups.Contains("*"))
            {
                rule.Problem("apiGroups", "name the API groups (no '*')");
            }

            rules.Add(new ApiRuleConfig(groups, resources, ruleVerbs));
        }

        return rules.ToImmutable();
    }

    private static void CheckEnvironmentNames(JsonConfigNode node, string name, IEnumerable<string> keys)
    {
        foreach (var key in keys.Where(k => k.Length == 0 || char.IsAsciiDigit(k[0]) || !k.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-')))
        {
            node.Problem($"{name}.{key}", "is not an environment variable name");
        }
    }

    private static bool LooksSecret(string key) =>
        new[] { "PASSWORD", "SECRET", "TOKEN", "API_KEY", "PRIVATE_KEY", "CREDENTIAL" }.Any(w => key.Contains(w, StringComparison.OrdinalIgnoreCase));

    private static bool HasCredentials(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.UserInfo.Contains(':', StringComparison.Ordinal);
}
