using System.Collections.Immutable;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Policies;

namespace MlPlatform.Stacks.Configuration;

/// <summary>
/// The platform's own namespaces: which add-on (or cloud) needs each, its role in the allow matrix, its Pod Security
/// level and its quota. Entries can be overridden per stack under <c>mlplatform:namespaces</c>.
/// </summary>
public static class PlatformNamespaces
{
    /// <summary>The namespace of cert-manager.</summary>
    public const string CertManager = "cert-manager";

    /// <summary>The namespace of the Gateway API implementation and its gateway.</summary>
    public const string Gateway = "envoy-gateway-system";

    /// <summary>The namespace of kube-prometheus-stack.</summary>
    public const string Monitoring = "monitoring";

    /// <summary>The namespace of the NVIDIA GPU operator.</summary>
    public const string GpuOperator = "gpu-operator";

    /// <summary>The namespace of the KServe controller.</summary>
    public const string Kserve = "kserve";

    /// <summary>The namespace where InferenceServices run.</summary>
    public const string Serving = "serving";

    /// <summary>The namespace of MLflow.</summary>
    public const string Mlflow = "mlflow";

    /// <summary>The namespace of Argo Workflows and its workflows.</summary>
    public const string ArgoWorkflows = "argo";

    /// <summary>The namespace of Argo CD.</summary>
    public const string ArgoCd = "argocd";

    /// <summary>The namespace of Kyverno.</summary>
    public const string Kyverno = "kyverno";

    /// <summary>The namespace of external-secrets.</summary>
    public const string ExternalSecrets = "external-secrets";

    /// <summary>The namespace of Karpenter (AWS).</summary>
    public const string Karpenter = "karpenter";

    /// <summary>The namespace of the AWS Load Balancer Controller (AWS).</summary>
    public const string AwsLoadBalancerController = "aws-load-balancer-controller";

    /// <summary>The namespace of the KEDA chart (not on Azure, where AKS runs KEDA as a managed add-on in kube-system).</summary>
    public const string Keda = "keda";

    /// <summary>The namespace of the CloudNativePG operator.</summary>
    public const string CloudNativePg = "cnpg-system";

    /// <summary>The namespace of Loki (logs).</summary>
    public const string Loki = "loki";

    /// <summary>The namespace of the node log collector (a DaemonSet reading the nodes' pod log files).</summary>
    public const string LogCollector = "log-collector";

    /// <summary>The namespace of Tempo (traces).</summary>
    public const string Tempo = "tempo";

    /// <summary>The namespace of the OpenTelemetry Collector, the cluster's OTLP and Jaeger endpoint.</summary>
    public const string OtelCollector = "otel-collector";

    /// <summary>The namespace of Tetragon (runtime security: a privileged agent on every node).</summary>
    public const string Tetragon = "tetragon";

    /// <summary>The namespace of Chaos Mesh (its controller, dashboard and privileged chaos daemons).</summary>
    public const string ChaosMesh = "chaos-mesh";

    /// <summary>The namespace of Kueue's controller.</summary>
    public const string Kueue = "kueue-system";

    private static readonly NamespaceQuota ControllerQuota = new("50", "8", "16", "16Gi", "32Gi", "0", "50Gi");

    /// <summary>Every platform namespace the platform knows, whether or not the stack enables its add-on.</summary>
    public static ImmutableArray<PlatformNamespaceDefault> All { get; } =
    [
        new(CertManager, a => a.CertManager, null, NamespaceRole.Controllers, PodSecurityLevel.Restricted, ControllerQuota, [10250]),
        new(Gateway, a => a.Gateway, null, NamespaceRole.Ingress, PodSecurityLevel.Baseline,
            new("100", "16", "32", "32Gi", "64Gi", "0", "10Gi"), [9443]),
        new(Monitoring, a => a.Monitoring, null, NamespaceRole.Monitoring, PodSecurityLevel.Privileged,
            new("200", "16", "32", "64Gi", "128Gi", "0", "2Ti"), [10250]),
        new(GpuOperator, a => a.GpuOperator, null, NamespaceRole.Controllers, PodSecurityLevel.Privileged,
            new("500", "16", "32", "32Gi", "64Gi", "0", "10Gi"), []),
        new(Kserve, a => a.Kserve, null, NamespaceRole.Controllers, PodSecurityLevel.Restricted, ControllerQuota, [9443]),
        new(Serving, a => a.Kserve, null, NamespaceRole.Serving, PodSecurityLevel.Restricted,
            new("200", "64", "128", "256Gi", "512Gi", "16", "1Ti"), []),
        new(Mlflow, a => a.Mlflow, null, NamespaceRole.Data, PodSecurityLevel.Restricted,
            new("50", "8", "16", "32Gi", "64Gi", "0", "200Gi"), []),
        new(ArgoWorkflows, a => a.ArgoWorkflows, null, NamespaceRole.Workflows, PodSecurityLevel.Baseline,
            new("500", "64", "128", "256Gi", "512Gi", "8", "1Ti"), []),
        new(ArgoCd, a => a.ArgoCd, null, NamespaceRole.Delivery, PodSecurityLevel.Baseline,
            new("100", "16", "32", "32Gi", "64Gi", "0", "50Gi"), []),
        new(Kyverno, a => a.Kyverno, null, NamespaceRole.Controllers, PodSecurityLevel.Restricted, ControllerQuota, [9443]),
        new(ExternalSecrets, a => a.ExternalSecrets, null, NamespaceRole.Controllers, PodSecurityLevel.Restricted, ControllerQuota, [10250]),
        new(Karpenter, _ => true, CloudKind.Aws, NamespaceRole.Controllers, PodSecurityLevel.Restricted, ControllerQuota, [8443]),
        new(AwsLoadBalancerController, _ => true, CloudKind.Aws, NamespaceRole.Controllers, PodSecurityLevel.Restricted, ControllerQuota, [9443]),

        // The API server calls KEDA's admission webhooks (9443) and its external metrics API server (6443).
        new(Keda, a => a.Keda, null, NamespaceRole.Controllers, PodSecurityLevel.Restricted, ControllerQuota, [9443, 6443]) { ExceptOn = CloudKind.Azure },

        // The API server calls the CloudNativePG webhooks (9443); the operator calls the instance managers (8000).
        new(CloudNativePg, a => a.CloudNativePg, null, NamespaceRole.Controllers, PodSecurityLevel.Restricted, ControllerQuota, [9443]),

        // The API server calls Kueue's admission webhooks (9443) and its visibility API server (8082, an APIService).
        new(Kueue, a => a.Kueue, null, NamespaceRole.Controllers, PodSecurityLevel.Restricted, ControllerQuota, [9443, 8082]),

        // The logs and traces pipeline (stacks/Shared/TelemetryNetwork.cs opens exactly its edges). Loki and Tempo keep
        // their write-ahead logs (and, without a bucket, their data) on volumes; the node collector reads host paths.
        new(Loki, a => a.Logging, null, NamespaceRole.Controllers, PodSecurityLevel.Restricted,
            new("50", "16", "32", "64Gi", "128Gi", "0", "500Gi"), []),
        new(LogCollector, a => a.Logging, null, NamespaceRole.Controllers, PodSecurityLevel.Privileged,
            new("500", "16", "32", "32Gi", "64Gi", "0", "0"), []),
        new(Tempo, a => a.Tracing, null, NamespaceRole.Controllers, PodSecurityLevel.Restricted,
            new("50", "8", "16", "32Gi", "64Gi", "0", "500Gi"), []),
        new(OtelCollector, a => a.Tracing, null, NamespaceRole.Controllers, PodSecurityLevel.Restricted, ControllerQuota, []),

        // Runtime security: the agents load eBPF programs on every node (privileged, host network; PodSecurityExceptions).
        new(Tetragon, a => a.RuntimeSecurity, null, NamespaceRole.Controllers, PodSecurityLevel.Privileged,
            new("500", "16", "32", "32Gi", "64Gi", "0", "0"), []),

        // Chaos experiments: the chaos daemon enters other pods' namespaces on every node (privileged; PodSecurityExceptions);
        // the API server calls the controller manager's admission webhooks (10250).
        new(ChaosMesh, a => a.Chaos, null, NamespaceRole.Controllers, PodSecurityLevel.Privileged,
            new("500", "16", "32", "32Gi", "64Gi", "0", "10Gi"), [MlPlatform.Components.Addons.ChaosMesh.WebhookPort]),
    ];

    /// <summary>The default platform namespaces of a stack with these add-ons on this cloud.</summary>
    public static IEnumerable<PlatformNamespaceDefault> For(AddonsConfig addons, CloudKind cloud) =>
        All.Where(n => n.IsEnabled(addons) && (n.OnlyOn is null || n.OnlyOn == cloud) && n.ExceptOn != cloud);
}

/// <summary>The defaults of one platform namespace.</summary>
/// <param name="Name">Namespace name.</param>
/// <param name="EnabledBy">Which add-on switch creates it.</param>
/// <param name="OnlyOn">The only cloud that creates it; null for all.</param>
/// <param name="Role">Role in the allow matrix.</param>
/// <param name="PodSecurity">Pod Security level; privileged ones must be in <see cref="PodSecurityExceptions"/>.</param>
/// <param name="Quota">Default quota.</param>
/// <param name="WebhookPorts">Ports the API server calls for webhooks.</param>
public sealed record PlatformNamespaceDefault(
    string Name,
    Func<AddonsConfig, bool> EnabledBy,
    CloudKind? OnlyOn,
    NamespaceRole Role,
    PodSecurityLevel PodSecurity,
    NamespaceQuota Quota,
    ImmutableArray<int> WebhookPorts)
{
    /// <summary>A cloud that does not create it (its cloud provides the add-on itself); null for none.</summary>
    public CloudKind? ExceptOn { get; init; }

    /// <summary>True when the add-on that needs this namespace is on.</summary>
    public bool IsEnabled(AddonsConfig addons) => EnabledBy(addons);
}
