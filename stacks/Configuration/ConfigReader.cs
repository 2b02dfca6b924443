using System.Collections.Immutable;
using System.Text.Json;
using System.Text.RegularExpressions;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Policies;

namespace MlPlatform.Stacks.Configuration;

/// <summary>
/// Reads the <c>mlplatform</c> configuration namespace into a <see cref="PlatformConfig"/> and validates it.
/// Every problem is collected and reported at once in a <see cref="ConfigValidationException"/>, before the stack
/// registers any resource.
/// </summary>
public static partial class ConfigReader
{
    /// <summary>The configuration namespace of the project.</summary>
    public const string Namespace = "mlplatform";

    /// <summary>The Kubernetes minor version used when none is configured.</summary>
    public const string DefaultKubernetesVersion = "1.34";

    private static readonly string[] TaintEffects = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

    /// <summary>The key of the kubeconfig secret, which the program reads as a secret, not through <c>get</c>.</summary>
    public const string KubeconfigName = "kubeconfig";

    /// <summary>
    /// Reads and validates the configuration, without checking for unknown top-level keys (for callers that only
    /// have the values, such as tests of one concern).
    /// </summary>
    /// <param name="get">Returns the raw value of a key of the <c>mlplatform</c> namespace (JSON for objects and lists), or null.</param>
    /// <param name="hasKubeconfigSecret">True when the secret <c>mlplatform:kubeconfig</c> is set.</param>
    /// <exception cref="ConfigValidationException">With every problem found.</exception>
    public static PlatformConfig Read(Func<string, string?> get, bool hasKubeconfigSecret = false) =>
        Read(get, allKeys: null, hasKubeconfigSecret);

    /// <summary>
    /// Reads and validates the configuration. Every top-level name is read through <paramref name="get"/>, always
    /// (whatever the cloud), and recorded: any key of the namespace in <paramref name="allKeys"/> that was not read is
    /// a problem with a "did you mean" suggestion. A new top-level key needs nothing more than its read here.
    /// </summary>
    /// <param name="get">Returns the raw value of a key of the <c>mlplatform</c> namespace (JSON for objects and lists), or null.</param>
    /// <param name="allKeys">
    /// Every key of the stack configuration, <c>namespace:key</c> (<see cref="EngineConfiguration.Keys()"/>); keys of
    /// other namespaces are ignored. Null skips the unknown-key check.
    /// </param>
    /// <param name="hasKubeconfigSecret">True when the secret <c>mlplatform:kubeconfig</c> is set.</param>
    /// <param name="secretKeys">
    /// The full keys set as Pulumi secrets (<see cref="EngineConfiguration.SecretKeys()"/>): keys that must be secrets
    /// (the registry credentials) are problems when set in plain text. Null skips that check.
    /// </param>
    /// <exception cref="ConfigValidationException">With every problem found.</exception>
    public static PlatformConfig Read(
        Func<string, string?> get, IEnumerable<string>? allKeys, bool hasKubeconfigSecret = false, IReadOnlySet<string>? secretKeys = null)
    {
        var problems = new List<ConfigProblem>();
        var keys = new ConfigKeys(get);
        get = keys.Get;
        keys.Known(KubeconfigName);

        var cloud = ReadEnum<CloudKind>(get("cloud"), "cloud", problems, required: true);
        var environment = ReadEnum<DeploymentEnvironment>(get("environment"), "environment", problems, required: true);
        var production = environment == DeploymentEnvironment.Production;

        var region = get("region");
        if (cloud is CloudKind.Aws or CloudKind.Azure or CloudKind.Gcp && string.IsNullOrWhiteSpace(region))
        {
            problems.Add(new(Key("region"), $"required for cloud '{Lower(cloud.Value)}'"));
        }
        else if (cloud == CloudKind.Aws && region is not null && !IsAwsRegion(region))
        {
            // Azure and GCP check their location and region names with their own objects.
            problems.Add(new(Key("region"), $"'{region}' is not an AWS region name such as us-east-1 or eu-central-1"));
        }

        var kubernetesVersion = get("kubernetesVersion") ?? DefaultKubernetesVersion;
        if (!KubernetesVersion().IsMatch(kubernetesVersion))
        {
            problems.Add(new(Key("kubernetesVersion"), $"'{kubernetesVersion}' is not a minor version such as 1.34"));
        }

        var addons = ReadAddons(ParseObject(get, "addons", problems), cloud, environment, problems);
        var systemPool = ReadSystemPool(ParseObject(get, "systemNodePool", problems), production, problems);
        var nodePoolNodes = ParseList(get, "nodePools", problems);
        var nodePools = ReadNodePools(nodePoolNodes, problems);
        var kueueNode = ParseObject(get, "kueue", problems);
        addons = addons with { Kueue = ReadKueueEnabled(kueueNode, nodePools, problems) };
        var namespaces = ReadNamespaces(
            ParseObject(get, "namespaces", problems),
            ParseList(get, "teams", problems),
            addons,
            cloud ?? CloudKind.Existing,
            problems);
        var kueue = ReadKueue(kueueNode, addons.Kueue, namespaces);
        var aws = ReadAws(ParseObject(get, "aws", problems), cloud, production, systemPool, problems);
        aws = ReadRegistryCredentials(get, cloud, aws, secretKeys, problems);
        if (cloud == CloudKind.Aws)
        {
            ValidateAwsGpuPools(nodePoolNodes, nodePools);
        }

        var azure = ReadAzure(ParseObject(get, "azure", problems), cloud, production, region, systemPool, problems);
        if (cloud == CloudKind.Azure)
        {
            ValidateAzureNodePools(nodePoolNodes, nodePools, problems);
        }

        var gcp = ReadGcp(ParseObject(get, "gcp", problems), cloud, production, region, systemPool, problems);
        if (cloud == CloudKind.Gcp)
        {
            ValidateGcpNodePools(nodePoolNodes, nodePools);
        }

        var network = ReadNetwork(ParseObject(get, "network", problems), PrivateNetworkDefault(aws) ?? AzureNetworkDefaults(azure) ?? GcpPrivateNetworkDefault(gcp), problems);
        var kserve = ReadKserve(ParseObject(get, "kserve", problems), addons, nodePools, production, problems);
        var models = ReadModels(ParseList(get, "models", problems), addons, nodePools, namespaces, kserve, problems);
        var mlflow = ReadMlflow(ParseObject(get, "mlflow", problems), cloud, problems);
        var argoCd = ReadArgoCd(ParseObject(get, "argoCd", problems), addons, namespaces, problems);
        var policies = ReadPolicies(ParseObject(get, "policies", problems), environment, addons, problems);
        var monitoring = ReadMonitoring(ParseObject(get, "monitoring", problems), environment, addons, problems);
        var gateway = ReadGateway(ParseObject(get, "gateway", problems), cloud, environment, addons, monitoring, problems);
        var storage = ReadStorage(ParseObject(get, "storage", problems), cloud, problems);
        var alerting = ReadAlerting(ParseObject(get, "alerting", problems), cloud, addons, problems);
        var observability = ReadObservability(ParseObject(get, "observability", problems), environment, addons, problems);
        var costs = ReadCosts(ParseObject(get, "costs", problems));
        ValidateAwsGateway(aws, gateway, addons, problems);
        var dataServices = ReadDataServices(ParseList(get, "dataServices", problems), namespaces, nodePools, addons, problems);
        var workloads = ReadWorkloads(ParseList(get, "workloads", problems), namespaces, nodePools, dataServices, addons, problems);
        var workflowTemplates = ReadWorkflowTemplates(ParseList(get, "workflowTemplates", problems), cloud, namespaces, nodePools, addons);
        ValidateAwsKubernetesVersion(cloud, kubernetesVersion, problems);

        var kubeContext = get("kubeContext");
        if (cloud is not null and not CloudKind.Existing && (kubeContext is not null || hasKubeconfigSecret))
        {
            problems.Add(new(Key(kubeContext is null ? "kubeconfig" : "kubeContext"),
                "only used with cloud 'existing'; the cloud stacks build their own provider from the cluster they create"));
        }

        if (kubeContext is not null && !IsTrimmedText(kubeContext))
        {
            problems.Add(new(Key("kubeContext"), "must not contain line breaks, tabs or leading or trailing white space"));
        }

        // Last: every read above has recorded its name.
        if (allKeys is not null)
        {
            problems.AddRange(keys.UnknownKeys(allKeys));
        }

        if (problems.Count > 0)
        {
            throw new ConfigValidationException(problems);
        }

        return new PlatformConfig
        {
            Cloud = cloud!.Value,
            Environment = environment!.Value,
            Region = cloud == CloudKind.Existing ? null : region,
            KubernetesVersion = kubernetesVersion,
            SystemNodePool = systemPool,
            NodePools = nodePools,
            Namespaces = namespaces,
            Addons = addons,
            Network = network,
            Kserve = kserve,
            Mlflow = mlflow,
            ArgoCd = argoCd,
            Policies = policies,
            Monitoring = monitoring,
            Gateway = gateway,
            Observability = observability,
            Costs = costs,
            Existing = cloud == CloudKind.Existing ? new ExistingClusterConfig(kubeContext, hasKubeconfigSecret) : null,
            Aws = aws,
            Azure = azure,
            Gcp = gcp,
            Models = models,
            Storage = storage,
            Alerting = alerting,
            Workloads = workloads,
            DataServices = dataServices,
            WorkflowTemplates = workflowTemplates,
            Kueue = kueue,
        };
    }

    /// <summary>The full key of a configuration name, e.g. <c>mlplatform:cloud</c>.</summary>
    public static string Key(string name) => $"{Namespace}:{name}";

    private static JsonElement? Parse(Func<string, string?> get, string name, JsonValueKind kind, List<ConfigProblem> problems)
    {
        var raw = get(name);
        ConfigKeyTrace.Record(Key(name), kind == JsonValueKind.Array ? "object[]" : "object");
        if (raw is null)
        {
            return null;
        }

        var expected = kind == JsonValueKind.Array ? "a list" : "an object";
        try
        {
            using var document = JsonDocument.Parse(raw);
            if (document.RootElement.ValueKind == kind)
            {
                return document.RootElement.Clone();
            }
        }
        catch (JsonException)
        {
            // Reported below, like a value of the wrong shape.
        }

        problems.Add(new(Key(name), $"must be {expected} (structured config)"));
        return null;
    }

    private static JsonConfigNode? ParseObject(Func<string, string?> get, string name, List<ConfigProblem> problems) =>
        Parse(get, name, JsonValueKind.Object, problems) is { } element ? new JsonConfigNode(element, Key(name), problems) : null;

    private static IReadOnlyList<JsonConfigNode> ParseList(Func<string, string?> get, string name, List<ConfigProblem> problems) =>
        Parse(get, name, JsonValueKind.Array, problems) is { } element ? JsonConfigNode.List(element, Key(name), problems) : [];

    private static AddonsConfig ReadAddons(JsonConfigNode? node, CloudKind? cloud, DeploymentEnvironment? environment, List<ConfigProblem> problems)
    {
        // GKE installs the NVIDIA driver and device plugin on its GPU nodes itself: no GPU operator there (ConfigReader.Gcp.cs).
        var defaults = ObservabilityDefaults(new AddonsConfig { GpuOperator = cloud != CloudKind.Gcp }, environment);
        if (node is null)
        {
            return defaults;
        }

        var addons = new AddonsConfig
        {
            CertManager = node.Bool("certManager") ?? defaults.CertManager,
            Gateway = node.Bool("gateway") ?? defaults.Gateway,
            Monitoring = node.Bool("monitoring") ?? defaults.Monitoring,
            GpuOperator = node.Bool("gpuOperator") ?? defaults.GpuOperator,
            Kserve = node.Bool("kserve") ?? defaults.Kserve,
            Mlflow = node.Bool("mlflow") ?? defaults.Mlflow,
            ArgoWorkflows = node.Bool("argoWorkflows") ?? defaults.ArgoWorkflows,
            ArgoCd = node.Bool("argoCd") ?? defaults.ArgoCd,
            Kyverno = node.Bool("kyverno") ?? defaults.Kyverno,
            ExternalSecrets = node.Bool("externalSecrets") ?? defaults.ExternalSecrets,
            Keda = node.Bool("keda") ?? defaults.Keda,
            CloudNativePg = node.Bool("cloudNativePg") ?? defaults.CloudNativePg,
            Logging = node.Bool("logging") ?? defaults.Logging,
            Tracing = node.Bool("tracing") ?? defaults.Tracing,
            RuntimeSecurity = node.Bool("runtimeSecurity") ?? defaults.RuntimeSecurity,
        };

        // The chaos experiments' default follows KServe: they aim at its predictors.
        addons = addons with { Chaos = node.Bool("chaos") ?? (defaults.Chaos && addons.Kserve) };
        node.RejectUnknownKeys();

        if (cloud == CloudKind.Gcp && addons.GpuOperator)
        {
            problems.Add(new(Key("addons.gpuOperator"), GkeGpuOperatorProblem));
        }

        if (addons.Chaos && !addons.Kserve)
        {
            problems.Add(new(Key("addons.chaos"), "the chaos experiments aim at the KServe predictors of the serving namespace; enable kserve or disable chaos"));
        }

        if (addons.Kserve && !addons.CertManager)
        {
            problems.Add(new(Key("addons.certManager"), "KServe needs cert-manager for its webhook certificates; enable certManager or disable kserve"));
        }

        return addons;
    }

    private static SystemNodePoolConfig ReadSystemPool(JsonConfigNode? node, bool production, List<ConfigProblem> problems)
    {
        var min = node?.Int("min") ?? (production ? 3 : 2);
        var max = node?.Int("max") ?? Math.Max(min, production ? 6 : 4);
        var desired = node?.Int("desired") ?? min;
        var instanceType = node?.String("instanceType");
        node?.RejectUnknownKeys();

        var key = Key("systemNodePool");
        if (min < 1)
        {
            problems.Add(new($"{key}.min", $"must be at least 1 (the platform controllers run there), not {min}"));
        }

        if (max < min)
        {
            problems.Add(new($"{key}.max", $"must be at least min ({min}), not {max}"));
        }

        if (desired < min || desired > max)
        {
            problems.Add(new($"{key}.desired", $"must be between min ({min}) and max ({max}), not {desired}"));
        }

        return new SystemNodePoolConfig(instanceType, min, max, desired);
    }

    private static ImmutableArray<NodePoolConfig> ReadNodePools(IReadOnlyList<JsonConfigNode> nodes, List<ConfigProblem> problems)
    {
        var pools = ImmutableArray.CreateBuilder<NodePoolConfig>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            var name = node.String("name");
            if (name is null)
            {
                node.Problem("name", "required");
            }
            else if (!KubernetesNames.IsDns1123Label(name))
            {
                node.Problem("name", $"'{name}' is not a DNS-1123 label (lower-case letters, digits and '-', at most 63)");
            }
            else if (!seen.Add(name))
            {
                node.Problem("name", $"duplicate node pool '{name}'");
            }

            var role = ReadEnum<NodeRole>(node.String("role"), node.Child("role"), problems, required: true, fullKey: true);
            var accelerator = ReadEnum<Accelerator>(node.String("accelerator"), node.Child("accelerator"), problems, required: false, fullKey: true);
            if (role == NodeRole.Gpu && accelerator is null && !HasProblem(problems, node.Child("accelerator")))
            {
                node.Problem("accelerator", $"required for a gpu pool (one of {string.Join(", ", Enum.GetValues<Accelerator>().Select(Lower))})");
            }
            else if (role is NodeRole.Cpu or NodeRole.Memory && accelerator is not null)
            {
                node.Problem("accelerator", $"only gpu pools have an accelerator; this pool's role is '{Lower(role.Value)}'");
            }

            var min = node.Int("min");
            var max = node.Int("max");
            if (min is null && !HasProblem(problems, node.Child("min")))
            {
                node.Problem("min", "required (0 lets the pool scale to zero)");
            }
            else if (min < 0)
            {
                node.Problem("min", $"must not be negative, not {min}");
            }

            if (max is null && !HasProblem(problems, node.Child("max")))
            {
                node.Problem("max", "required");
            }
            else if (max < 1)
            {
                node.Problem("max", $"must be at least 1, not {max}");
            }
            else if (min is >= 0 && max < min)
            {
                node.Problem("max", $"must be at least min ({min}), not {max}");
            }

            var spot = node.Bool("spot") ?? false;
            var fallback = node.Bool("onDemandFallback") ?? false;
            if (fallback && !spot)
            {
                node.Problem("onDemandFallback", "only applies to spot pools (set spot: true)");
            }

            var gpusPerNode = node.Int("gpusPerNode") ?? 1;
            if (gpusPerNode < 1)
            {
                node.Problem("gpusPerNode", $"must be at least 1, not {gpusPerNode}");
            }

            var cpuLimit = node.Int("cpuLimit");
            var gpuLimit = node.Int("gpuLimit");
            if (cpuLimit < 1)
            {
                node.Problem("cpuLimit", $"must be at least 1, not {cpuLimit}");
            }

            if (gpuLimit < 0)
            {
                node.Problem("gpuLimit", $"must not be negative, not {gpuLimit}");
            }
            else if (gpuLimit is not null && role != NodeRole.Gpu)
            {
                node.Problem("gpuLimit", "only gpu pools have a GPU limit");
            }

            var families = node.StringList("instanceFamilies") ?? [];
            for (var i = 0; i < families.Length; i++)
            {
                // They become values of the node selector requirement on the instance-family label.
                if (families[i].Length == 0 || !KubernetesNames.IsLabelValue(families[i]))
                {
                    node.Problem($"instanceFamilies[{i}]", $"'{families[i]}' is not an instance family such as g6 or p5 (a label value)");
                }
                else if (families.IndexOf(families[i]) < i)
                {
                    node.Problem($"instanceFamilies[{i}]", $"duplicate instance family '{families[i]}'");
                }
            }

            var labels = ReadLabels(node, "labels");
            var taints = ReadTaints(node);
            if (role == NodeRole.Gpu && !taints.Any(IsGpuTaint))
            {
                node.Problem("taints", "a gpu pool must carry the taint nvidia.com/gpu with effect NoSchedule, so only GPU pods land on it");
            }

            node.RejectUnknownKeys();
            if (name is not null && role is not null)
            {
                pools.Add(new NodePoolConfig
                {
                    Name = name,
                    Role = role.Value,
                    Accelerator = accelerator,
                    Min = min ?? 0,
                    Max = max ?? 0,
                    Spot = spot,
                    OnDemandFallback = fallback,
                    InstanceFamilies = families,
                    GpusPerNode = gpusPerNode,
                    CpuLimit = cpuLimit,
                    GpuLimit = gpuLimit,
                    Labels = labels,
                    Taints = taints,
                });
            }
        }

        return pools.ToImmutable();
    }

    private static bool IsGpuTaint(TaintConfig taint) =>
        taint.Key == TaintConfig.Gpu.Key && taint.Effect == TaintConfig.Gpu.Effect;

    private static ImmutableArray<TaintConfig> ReadTaints(JsonConfigNode pool)
    {
        var taints = ImmutableArray.CreateBuilder<TaintConfig>();
        foreach (var node in pool.ObjectList("taints") ?? [])
        {
            var key = node.String("key");
            var value = node.String("value");
            var effect = node.String("effect") ?? "NoSchedule";
            if (!KubernetesNames.IsLabelKey(key))
            {
                node.Problem("key", key is null ? "required" : $"'{key}' is not a valid taint key");
            }

            if (value is not null && !KubernetesNames.IsLabelValue(value))
            {
                node.Problem("value", $"'{value}' is not a valid taint value");
            }

            if (!TaintEffects.Contains(effect, StringComparer.Ordinal))
            {
                node.Problem("effect", $"'{effect}' is not one of {string.Join(", ", TaintEffects)}");
            }

            if (key is not null && taints.Any(t => t.Key == key && t.Effect == effect))
            {
                node.Problem("key", $"duplicate taint {key}:{effect} (Kubernetes allows one taint per key and effect)");
            }

            node.RejectUnknownKeys();
            if (key is not null)
            {
                taints.Add(new TaintConfig(key, value, effect));
            }
        }

        return taints.ToImmutable();
    }

    private static ImmutableDictionary<string, string> ReadLabels(JsonConfigNode node, string name)
    {
        var labels = node.StringMap(name) ?? ImmutableDictionary<string, string>.Empty;
        foreach (var (key, value) in labels)
        {
            if (!KubernetesNames.IsLabelKey(key))
            {
                node.Problem($"{name}.{key}", "is not a valid label key");
            }
            else if (!KubernetesNames.IsLabelValue(value))
            {
                node.Problem($"{name}.{key}", $"'{value}' is not a valid label value");
            }
        }

        return labels;
    }

    private static ImmutableArray<NamespaceConfig> ReadNamespaces(
        JsonConfigNode? overrides,
        IReadOnlyList<JsonConfigNode> teams,
        AddonsConfig addons,
        CloudKind cloud,
        List<ConfigProblem> problems)
    {
        var result = ImmutableArray.CreateBuilder<NamespaceConfig>();
        var defaults = PlatformNamespaces.For(addons, cloud).ToList();

        var overridden = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in overrides?.PropertyNames() ?? [])
        {
            if (!overridden.Add(name))
            {
                overrides!.Problem(name, "duplicate key: given more than once");
            }
            else if (PlatformNamespaces.All.All(n => n.Name != name))
            {
                overrides!.Problem(name, $"'{name}' is not a platform namespace ({string.Join(", ", PlatformNamespaces.All.Select(n => n.Name))}); team namespaces go in {Key("teams")}");
            }
            else if (defaults.All(n => n.Name != name))
            {
                overrides!.Problem(name, $"the add-on that creates '{name}' is disabled on this stack");
            }
        }

        foreach (var platform in defaults)
        {
            var node = overrides?.Object(platform.Name);
            var level = ReadEnum<PodSecurityLevel>(node?.String("podSecurity"), node?.Child("podSecurity") ?? "", problems, required: false, fullKey: true)
                ?? platform.PodSecurity;
            var quota = ReadQuota(node?.Object("quota"), platform.Quota);
            var limits = ReadLimits(node?.Object("limits"), ContainerDefaults.PlatformDefault);
            node?.RejectUnknownKeys();
            result.Add(new NamespaceConfig
            {
                Name = platform.Name,
                IsTeam = false,
                Role = platform.Role,
                PodSecurity = level,
                Quota = quota,
                Limits = limits,
                WebhookPorts = platform.WebhookPorts,
                PrivilegedReason = CheckPrivileged(platform.Name, level, Key($"namespaces.{platform.Name}.podSecurity"), problems),
            });
        }

        var names = new HashSet<string>(result.Select(n => n.Name), StringComparer.Ordinal);
        foreach (var node in teams)
        {
            var name = node.String("name");
            if (name is null)
            {
                node.Problem("name", "required");
            }
            else if (!KubernetesNames.IsDns1123Label(name))
            {
                node.Problem("name", $"'{name}' is not a DNS-1123 label (lower-case letters, digits and '-', at most 63)");
            }
            else if (!names.Add(name))
            {
                node.Problem("name", $"duplicate namespace '{name}'");
            }

            var level = ReadEnum<PodSecurityLevel>(node.String("podSecurity"), node.Child("podSecurity"), problems, required: false, fullKey: true)
                ?? PodSecurityLevel.Baseline;
            if (level == PodSecurityLevel.Privileged)
            {
                node.Problem("podSecurity", "team namespaces cannot be privileged; use baseline or restricted");
            }

            var quota = ReadQuota(node.Object("quota"), NamespaceQuota.TeamDefault);
            var limits = ReadLimits(node.Object("limits"), ContainerDefaults.TeamDefault);
            var teamRole = ReadTeamRole(node);
            node.RejectUnknownKeys();
            if (name is not null)
            {
                result.Add(new NamespaceConfig
                {
                    Name = name,
                    IsTeam = true,
                    Role = teamRole,
                    PodSecurity = level,
                    Quota = quota,
                    Limits = limits,
                });
            }
        }

        return result.ToImmutable();
    }

    private static string? CheckPrivileged(string name, PodSecurityLevel level, string key, List<ConfigProblem> problems)
    {
        if (level != PodSecurityLevel.Privileged)
        {
            return null;
        }

        if (PodSecurityExceptions.IsAllowed(name, out var reason))
        {
            return reason;
        }

        problems.Add(new(key, $"'{name}' may not be privileged: it is not in the reviewed Pod Security exceptions (policies/exceptions.json)"));
        return null;
    }

    private static NamespaceQuota ReadQuota(JsonConfigNode? node, NamespaceQuota defaults)
    {
        if (node is null)
        {
            return defaults;
        }

        var quota = new NamespaceQuota(
            Quantity(node, "pods", defaults.Pods),
            Quantity(node, "requestsCpu", defaults.RequestsCpu),
            Quantity(node, "limitsCpu", defaults.LimitsCpu),
            Quantity(node, "requestsMemory", defaults.RequestsMemory),
            Quantity(node, "limitsMemory", defaults.LimitsMemory),
            Quantity(node, "gpus", defaults.Gpus),
            Quantity(node, "storage", defaults.Storage));
        node.RejectUnknownKeys();
        return quota;
    }

    private static ContainerDefaults ReadLimits(JsonConfigNode? node, ContainerDefaults defaults)
    {
        if (node is null)
        {
            return defaults;
        }

        var limits = new ContainerDefaults(
            Quantity(node, "defaultRequestCpu", defaults.DefaultRequestCpu),
            Quantity(node, "defaultRequestMemory", defaults.DefaultRequestMemory),
            Quantity(node, "defaultCpu", defaults.DefaultCpu),
            Quantity(node, "defaultMemory", defaults.DefaultMemory),
            Quantity(node, "maxCpu", defaults.MaxCpu),
            Quantity(node, "maxMemory", defaults.MaxMemory));
        node.RejectUnknownKeys();
        return limits;
    }

    private static string Quantity(JsonConfigNode node, string name, string fallback)
    {
        var value = node.String(name);
        if (value is null)
        {
            return fallback;
        }

        if (!KubernetesNames.IsNonNegativeQuantity(value))
        {
            node.Problem(name, $"'{value}' is not a non-negative Kubernetes quantity (e.g. 100, 500m, 64Gi)");
            return fallback;
        }

        return value;
    }

    private static NetworkConfig ReadNetwork(JsonConfigNode? node, NetworkDefaults? cloudDefaults, List<ConfigProblem> problems)
    {
        // The cloud stacks know where their API server, nodes and data stores are (the VPC or VNet); elsewhere, anywhere.
        ImmutableArray<string> Cidrs(string name, ImmutableArray<string>? cloudDefault = null)
        {
            var cidrs = node?.StringList(name) ?? cloudDefault ?? ["0.0.0.0/0"];
            for (var i = 0; i < cidrs.Length; i++)
            {
                if (!IsCidr(cidrs[i]))
                {
                    problems.Add(new($"{Key("network")}.{name}[{i}]", CidrProblem(cidrs[i], "10.0.0.0/16")));
                }
            }

            return cidrs;
        }

        var network = new NetworkConfig(
            Cidrs("apiServerCidrs", cloudDefaults?.ApiServer),
            Cidrs("nodeCidrs", cloudDefaults?.Nodes),
            Cidrs("dataStoreCidrs", cloudDefaults?.DataStores),
            Cidrs("externalEgressCidrs"),
            Cidrs("loadBalancerSourceCidrs"));
        node?.RejectUnknownKeys();
        return network;
    }

    /// <summary>Where a cloud's API server, nodes and data stores are, for the network policies' default ranges.</summary>
    private sealed record NetworkDefaults(ImmutableArray<string> ApiServer, ImmutableArray<string> Nodes, ImmutableArray<string> DataStores);

    /// <summary>True for an IPv4 CIDR block in canonical form such as <c>10.0.0.0/16</c> (<see cref="NetworkSyntax.IsIpv4Cidr"/>).</summary>
    public static bool IsCidr(string value) => NetworkSyntax.IsIpv4Cidr(value);

    /// <summary>Why a value is not a canonical IPv4 block, naming the block meant when only host bits are wrong.</summary>
    private static string CidrProblem(string value, string example) => NetworkSyntax.Ipv4Cidr(value) is { HostBitsSet: true } block
        ? $"'{value}' has bits set after the /{block.PrefixLength} prefix; the block is {block.Network}"
        : $"'{value}' is not an IPv4 CIDR such as {example}";

    /// <summary>False for text with control characters (line feeds, tabs) or white space at either end.</summary>
    private static bool IsTrimmedText(string value) => value.Length == value.Trim().Length && !value.Any(char.IsControl);

    private static T? ReadEnum<T>(string? raw, string name, List<ConfigProblem> problems, bool required, bool fullKey = false)
        where T : struct, Enum
    {
        var key = fullKey ? name : Key(name);
        if (raw is null)
        {
            if (required)
            {
                problems.Add(new(key, $"required: one of {string.Join(", ", Enum.GetValues<T>().Select(Lower))}"));
            }

            return null;
        }

        foreach (var value in Enum.GetValues<T>())
        {
            if (string.Equals(Lower(value), raw, StringComparison.OrdinalIgnoreCase)
                || string.Equals(value.ToString(), raw, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        problems.Add(new(key, $"'{raw}' is not one of {string.Join(", ", Enum.GetValues<T>().Select(Lower))}"));
        return null;
    }

    private static bool HasProblem(List<ConfigProblem> problems, string key) => problems.Any(p => p.Key == key);

    /// <summary>How an enum value is written in configuration.</summary>
    public static string Lower<T>(T value)
        where T : struct, Enum =>
        value.ToString() switch
        {
            "OnDemand" => "on-demand",
            "PodIdentity" => "pod-identity",
            "InternetFacing" => "internet-facing",
            var text => text.ToLowerInvariant(),
        };

    [GeneratedRegex(@"\A1\.[0-9]{1,2}\z")]
    private static partial Regex KubernetesVersion();
}
