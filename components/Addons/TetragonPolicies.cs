using System.Collections.Immutable;

namespace MlPlatform.Components.Addons;

/// <summary>One TracingPolicy of the platform: its name, what it watches, and the spec Tetragon loads.</summary>
/// <param name="Name">The object name, also the <c>policy</c> label of <c>tetragon_policy_events_total</c>.</param>
/// <param name="Watches">What it reports, for humans.</param>
/// <param name="ModelServersOnly">True when it applies only to the model server container of inference pods.</param>
/// <param name="Kprobes">The <c>spec.kprobes</c> list.</param>
public sealed record TracingPolicyDefinition(string Name, string Watches, bool ModelServersOnly, ImmutableArray<Dictionary<string, object>> Kprobes)
{
    /// <summary>The <c>spec</c> of the TracingPolicyNamespaced.</summary>
    public Dictionary<string, object> Spec()
    {
        var spec = new Dictionary<string, object> { ["kprobes"] = Kprobes.Cast<object>().ToArray() };
        if (ModelServersOnly)
        {
            // KServe labels every predictor pod with its InferenceService, and names the model server container
            // kserve-container (the storage initializer, which downloads the model from the bucket, is not it).
            spec["podSelector"] = new Dictionary<string, object>
            {
                ["matchExpressions"] = new object[]
                {
                    new Dictionary<string, object> { ["key"] = TetragonPolicies.InferenceServiceLabel, ["operator"] = "Exists" },
                },
            };
            spec["containerSelector"] = new Dictionary<string, object>
            {
                ["matchExpressions"] = new object[]
                {
                    new Dictionary<string, object> { ["key"] = "name", ["operator"] = "In", ["values"] = new[] { TetragonPolicies.ModelServerContainer } },
                },
            };
        }

        return spec;
    }
}

/// <summary>
/// The four runtime-security policies of the platform, loaded by Tetragon as TracingPolicyNamespaced objects in each
/// workload namespace (serving, workflows, teams): each reports (action <c>Post</c>, never kills) and is counted in
/// <c>tetragon_policy_events_total{policy, hook, namespace, workload, pod, binary}</c>, which
/// <see cref="Alerts"/> reads; the full event (process, arguments, pod) goes to the agent's export file and, through
/// the <c>export-stdout</c> container, to the node log collector and Loki.
/// </summary>
public static class TetragonPolicies
{
    /// <summary>The label KServe puts on every pod of an InferenceService.</summary>
    public const string InferenceServiceLabel = "serving.kserve.io/inferenceservice";

    /// <summary>The name of the model server container in KServe's predictor pods.</summary>
    public const string ModelServerContainer = "kserve-container";

    /// <summary>Reads or writes of <c>/etc/shadow</c>, SSH keys, and opens of the service account token.</summary>
    public const string SensitiveFiles = "sensitive-file-access";

    /// <summary><c>ptrace</c> and <c>setns</c> calls.</summary>
    public const string ContainerEscape = "container-escape";

    /// <summary>TCP connections from model servers to addresses outside the private ranges.</summary>
    public const string OutboundConnections = "inference-outbound-connect";

    /// <summary><c>wget</c>, <c>curl</c> and <c>nc</c> started in a model server.</summary>
    public const string SuspiciousExec = "suspicious-process-exec";

    /// <summary>Files whose reading is an attack: password hashes and SSH private keys (prefixes).</summary>
    public static ImmutableArray<string> SensitivePathPrefixes { get; } = ["/etc/shadow", "/etc/gshadow", "/root/.ssh/"];

    /// <summary>SSH keys in any home directory (suffixes).</summary>
    public static ImmutableArray<string> SensitivePathSuffixes { get; } =
        ["/.ssh/id_rsa", "/.ssh/id_ecdsa", "/.ssh/id_ed25519", "/.ssh/authorized_keys"];

    /// <summary>Where Kubernetes mounts the service account token (both spellings of the path).</summary>
    public static ImmutableArray<string> ServiceAccountTokenPrefixes { get; } =
        ["/var/run/secrets/kubernetes.io/serviceaccount/", "/run/secrets/kubernetes.io/serviceaccount/"];

    /// <summary>The destinations that are not outbound: loopback and the private ranges pods, Services and nodes use.</summary>
    public static ImmutableArray<string> PrivateRanges { get; } =
        ["127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16"];

    /// <summary>Download and shell tools a model server never runs (executable name suffixes).</summary>
    public static ImmutableArray<string> SuspiciousBinaries { get; } = ["/wget", "/curl", "/nc", "/ncat", "/netcat"];

    /// <summary>The four policies.</summary>
    public static ImmutableArray<TracingPolicyDefinition> All { get; } =
    [
        new(SensitiveFiles, "reads and writes of /etc/shadow and SSH keys, opens of the service account token", false,
        [
            // security_file_permission runs on every read and write: the path of the file (argument 0) is matched in the kernel.
            Kprobe("security_file_permission", [Arg(0, "file"), Arg(1, "int")],
            [
                Selector(Match(0, "Prefix", SensitivePathPrefixes)),
                Selector(Match(0, "Postfix", SensitivePathSuffixes)),
            ]),

            // Opens of the token, a separate hook so that the alert can tell them from the files above.
            Kprobe("security_file_open", [Arg(0, "file")], [Selector(Match(0, "Prefix", ServiceAccountTokenPrefixes))]),
        ]),
        new(ContainerEscape, "ptrace and setns system calls (attaching to another process, entering another namespace)", false,
        [
            Kprobe("sys_ptrace", [Arg(0, "int64"), Arg(1, "int")], [], syscall: true),
            Kprobe("sys_setns", [Arg(0, "int"), Arg(1, "int")], [], syscall: true),
        ]),
        new(OutboundConnections, "TCP connections from model servers to addresses outside the private ranges", true,
        [
            Kprobe("tcp_connect", [Arg(0, "sock")], [Selector(Match(0, "NotDAddr", PrivateRanges))]),
        ]),
        new(SuspiciousExec, "wget, curl and nc started in a model server", true,
        [
            // security_bprm_check runs on every execve, with the binary's path resolved (argument 0).
            Kprobe("security_bprm_check", [Arg(0, "linux_binprm")], [Selector(Match(0, "Postfix", SuspiciousBinaries))]),
        ]),
    ];

    /// <summary>
    /// The alerts on the policies' events (<c>tetragon_policy_events_total</c>, scraped from the agents): any event
    /// of a policy in the last five minutes fires, by namespace, workload and binary.
    /// </summary>
    public static AlertGroup Alerts() => new("mlplatform-runtime-security",
    [
        new("SensitiveFileAccess", "critical", 0, null,
            Increase(SensitiveFiles, "kprobe:security_file_permission"),
            "{{ $labels.binary }} in {{ $labels.namespace }}/{{ $labels.workload }} read or wrote /etc/shadow or an SSH key",
            "Tetragon saw a process of a workload read or write password hashes or SSH keys. Look up the event in Loki ({namespace=\"tetragon\"} |= \"sensitive-file-access\") for the process, its parents and the pod, and isolate the pod."),
        new("ServiceAccountTokenRead", "warning", 0, null,
            Increase(SensitiveFiles, "kprobe:security_file_open"),
            "{{ $labels.binary }} in {{ $labels.namespace }}/{{ $labels.workload }} opened its service account token",
            "A process opened the pod's Kubernetes service account token. Workflow steps and controllers may do this legitimately; a model server or a notebook doing it is worth a look."),
        new("ContainerEscapeAttempt", "critical", 0, null,
            Increase(ContainerEscape, null),
            "{{ $labels.binary }} in {{ $labels.namespace }}/{{ $labels.workload }} called ptrace or setns",
            "Tetragon saw ptrace (attaching to another process) or setns (entering another namespace) from a workload pod: a debugger at best, a container escape attempt at worst."),
        new("InferenceOutboundConnection", "warning", 0, null,
            Increase(OutboundConnections, null),
            "Model server {{ $labels.namespace }}/{{ $labels.workload }} opened a connection outside the cluster",
            "A model server container connected to a public address. Model servers answer requests and load models through the storage initializer; an outbound connection may be exfiltration or a model pulling code at runtime."),
        new("SuspiciousProcessInModelServer", "critical", 0, null,
            Increase(SuspiciousExec, null),
            "{{ $labels.binary }} ran in model server {{ $labels.namespace }}/{{ $labels.workload }}",
            "wget, curl or nc started inside a model server container: someone is downloading tools or opening a shell. Check the event's parent process in Loki and isolate the pod."),
    ]);

    private static string Increase(string policy, string? hook) =>
        $"sum by (namespace, workload, binary) (increase(tetragon_policy_events_total{{policy=\"{policy}\"{(hook is null ? "" : $", hook=\"{hook}\"")}}}[5m])) > 0";

    private static Dictionary<string, object> Kprobe(string call, object[] args, object[] selectors, bool syscall = false)
    {
        // The CRD defaults syscall to true: kernel functions must say they are not one.
        var kprobe = new Dictionary<string, object> { ["call"] = call, ["syscall"] = syscall, ["args"] = args };
        if (selectors.Length > 0)
        {
            kprobe["selectors"] = selectors;
        }

        return kprobe;
    }

    private static Dictionary<string, object> Arg(int index, string type) => new() { ["index"] = index, ["type"] = type };

    private static Dictionary<string, object> Match(int index, string @operator, ImmutableArray<string> values) =>
        new() { ["index"] = index, ["operator"] = @operator, ["values"] = values.ToArray() };

    private static Dictionary<string, object> Selector(Dictionary<string, object> matchArg) => new()
    {
        ["matchArgs"] = new object[] { matchArg },
        ["matchActions"] = new object[] { new Dictionary<string, object> { ["action"] = "Post" } },
    };
}
