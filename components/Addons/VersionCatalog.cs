using System.Collections.Immutable;

namespace MlPlatform.Components.Addons;

/// <summary>
/// Every chart and image version the platform installs, in one place. Bump a version here, read the chart's
/// release notes, and run the tests: they check the values the platform sets against that chart version's values.
/// </summary>
public static class VersionCatalog
{
    /// <summary>cert-manager.</summary>
    public static ChartReference CertManager { get; } = new("cert-manager", "v1.21.1", "https://charts.jetstack.io");

    /// <summary>Envoy Gateway (Gateway API implementation) with the Gateway API CRDs.</summary>
    public static ChartReference EnvoyGateway { get; } = new("gateway-helm", "v1.9.0", "oci://docker.io/envoyproxy/gateway-helm");

    /// <summary>kube-prometheus-stack: Prometheus operator, Prometheus, Alertmanager, Grafana, exporters.</summary>
    public static ChartReference KubePrometheusStack { get; } =
        new("kube-prometheus-stack", "88.5.3", "https://prometheus-community.github.io/helm-charts");

    /// <summary>The NVIDIA GPU operator.</summary>
    public static ChartReference GpuOperator { get; } = new("gpu-operator", "v26.7.0", "https://helm.ngc.nvidia.com/nvidia");

    /// <summary>KServe CRDs.</summary>
    public static ChartReference KserveCrd { get; } = new("kserve-crd", "v0.20.0", "oci://ghcr.io/kserve/charts/kserve-crd");

    /// <summary>KServe controller and runtimes.</summary>
    public static ChartReference KserveResources { get; } =
        new("kserve-resources", "v0.20.0", "oci://ghcr.io/kserve/charts/kserve-resources");

    /// <summary>MLflow (community chart).</summary>
    public static ChartReference Mlflow { get; } = new("mlflow", "1.11.5", "https://community-charts.github.io/helm-charts");

    /// <summary>Argo Workflows.</summary>
    public static ChartReference ArgoWorkflows { get; } = new("argo-workflows", "1.0.18", "https://argoproj.github.io/argo-helm");

    /// <summary>Argo CD.</summary>
    public static ChartReference ArgoCd { get; } = new("argo-cd", "10.1.1", "https://argoproj.github.io/argo-helm");

    /// <summary>Kyverno.</summary>
    public static ChartReference Kyverno { get; } = new("kyverno", "3.9.0", "https://kyverno.github.io/kyverno/");

    /// <summary>external-secrets.</summary>
    public static ChartReference ExternalSecrets { get; } = new("external-secrets", "2.9.0", "https://charts.external-secrets.io");

    /// <summary>Karpenter (AWS).</summary>
    public static ChartReference Karpenter { get; } = new("karpenter", "1.14.1", "oci://public.ecr.aws/karpenter/karpenter");

    /// <summary>Karpenter CRDs (AWS), installed before the controller so that upgrades also upgrade the CRDs.</summary>
    public static ChartReference KarpenterCrd { get; } = new("karpenter-crd", "1.14.1", "oci://public.ecr.aws/karpenter/karpenter-crd");

    /// <summary>KEDA.</summary>
    public static ChartReference Keda { get; } = new("keda", "2.20.2", "https://kedacore.github.io/charts");

    /// <summary>Every chart of the catalog.</summary>
    public static ImmutableArray<ChartReference> All { get; } =
    [
        CertManager, EnvoyGateway, KubePrometheusStack, GpuOperator, KserveCrd, KserveResources, Mlflow,
        ArgoWorkflows, ArgoCd, Kyverno, ExternalSecrets, Karpenter, KarpenterCrd, Keda,
    ];
}
