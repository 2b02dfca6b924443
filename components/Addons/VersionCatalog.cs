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

    /// <summary>AWS Load Balancer Controller (AWS): NLBs for LoadBalancer Services, ALBs for Ingresses (app v3.5.0).</summary>
    public static ChartReference AwsLoadBalancerController { get; } =
        new("aws-load-balancer-controller", "3.5.0", "https://aws.github.io/eks-charts");

    /// <summary>KEDA.</summary>
    public static ChartReference Keda { get; } = new("keda", "2.20.2", "https://kedacore.github.io/charts");

    /// <summary>The CloudNativePG operator (PostgreSQL data services).</summary>
    public static ChartReference CloudNativePg { get; } = new("cloudnative-pg", "0.29.0", "https://cloudnative-pg.github.io/charts");

    /// <summary>Valkey, the Redis-compatible cache (the official valkey-io chart, not Bitnami).</summary>
    public static ChartReference Valkey { get; } = new("valkey", "0.11.0", "https://valkey.io/valkey-helm/");

    /// <summary>Loki (logs; grafana-community chart, app 3.7.6).</summary>
    public static ChartReference Loki { get; } = new("loki", "18.11.0", "https://grafana-community.github.io/helm-charts");

    /// <summary>Tempo, single binary (traces; grafana-community chart, app 2.10.8).</summary>
    public static ChartReference Tempo { get; } = new("tempo", "2.2.4", "https://grafana-community.github.io/helm-charts");

    /// <summary>The OpenTelemetry Collector (app 0.158.0): the OTLP endpoint and the node log collector.</summary>
    public static ChartReference OpenTelemetryCollector { get; } =
        new("opentelemetry-collector", "0.170.0", "https://open-telemetry.github.io/opentelemetry-helm-charts");

    // Runtime security and chaos experiments (mlplatform:addons runtimeSecurity, chaos).

    /// <summary>Tetragon (eBPF runtime security, app 1.7.0): the node agents, the operator and the TracingPolicy CRDs.</summary>
    public static ChartReference Tetragon { get; } = new("tetragon", "1.7.0", "https://helm.cilium.io");

    /// <summary>Chaos Mesh (app 2.8.3): the controller manager, the chaos daemons and the dashboard, with the CRDs.</summary>
    public static ChartReference ChaosMesh { get; } = new("chaos-mesh", "2.8.3", "https://charts.chaos-mesh.org");

    /// <summary>Kueue, the job queueing controller (the chart as published to registry.k8s.io, app v0.19.2).</summary>
    public static ChartReference Kueue { get; } = new("kueue", "0.19.2", "oci://registry.k8s.io/kueue/charts/kueue");

    /// <summary>Every chart of the catalog.</summary>
    public static ImmutableArray<ChartReference> All { get; } =
    [
        CertManager, EnvoyGateway, KubePrometheusStack, GpuOperator, KserveCrd, KserveResources, Mlflow,
        ArgoWorkflows, ArgoCd, Kyverno, ExternalSecrets, Karpenter, KarpenterCrd, Keda, AwsLoadBalancerController,
        CloudNativePg, Valkey,
        Loki, Tempo, OpenTelemetryCollector,
        Tetragon, ChaosMesh, Kueue,
    ];

    /// <summary>
    /// The exact version of every EKS managed add-on, per Kubernetes minor version the platform supports (the
    /// default and the one before it, so that a stack can be upgraded one minor at a time). A version string is only
    /// valid for the Kubernetes versions AWS lists it for; find the next ones with
    /// <c>aws eks describe-addon-versions --kubernetes-version &lt;minor&gt; --addon-name &lt;name&gt;
    /// --query 'addons[0].addonVersions[?compatibilities[0].defaultVersion].addonVersion'</c> (or the newest listed).
    /// </summary>
    public static ImmutableDictionary<string, ImmutableDictionary<string, string>> EksAddons { get; } =
        new Dictionary<string, ImmutableDictionary<string, string>>
        {
            ["1.33"] = new Dictionary<string, string>
            {
                // Amazon EKS User Guide, "Manage kube-proxy", table of the latest EKS add-on type per Kubernetes version.
                ["kube-proxy"] = "v1.33.5-eksbuild.2",
                // Amazon EKS User Guide, "Manage CoreDNS", same kind of table.
                ["coredns"] = "v1.12.4-eksbuild.1",
                // cookpad/terraform-aws-eks versions.tf for k8s 1.33 (generated by its hack/versions from describe-addon-versions).
                ["vpc-cni"] = "v1.20.4-eksbuild.3",
                ["aws-ebs-csi-driver"] = "v1.53.0-eksbuild.1",
                // The agent's versions are not per Kubernetes minor; the one pinned with the 1.34 set below.
                ["eks-pod-identity-agent"] = "v1.3.10-eksbuild.1",
                // A public aws-cdk-lib (aws-eks-v2) configuration's per-Kubernetes-version add-on map lists
                // v0.8.1-eksbuild.5 for Kubernetes 1.31 to 1.35; confirm with describe-addon-versions.
                ["metrics-server"] = "v0.8.1-eksbuild.5",
            }.ToImmutableDictionary(),
            ["1.34"] = new Dictionary<string, string>
            {
                // Amazon EKS User Guide, "Manage kube-proxy" (as above).
                ["kube-proxy"] = "v1.34.1-eksbuild.2",
                // Amazon EKS User Guide, "Manage CoreDNS" (as above).
                ["coredns"] = "v1.12.4-eksbuild.1",
                // Public Terraform configurations (terraform-aws-modules/eks `addons` blocks) that pin the Kubernetes 1.34
                // set together with the kube-proxy and CoreDNS versions above; confirm with describe-addon-versions.
                ["vpc-cni"] = "v1.21.1-eksbuild.1",
                ["aws-ebs-csi-driver"] = "v1.54.0-eksbuild.1",
                ["eks-pod-identity-agent"] = "v1.3.10-eksbuild.1",
                // As for 1.33 above.
                ["metrics-server"] = "v0.8.1-eksbuild.5",
            }.ToImmutableDictionary(),
        }.ToImmutableDictionary();

    /// <summary>The pinned add-on versions of a Kubernetes minor, or null when the catalog has none for it.</summary>
    public static ImmutableDictionary<string, string>? EksAddonVersions(string kubernetesVersion) =>
        EksAddons.GetValueOrDefault(kubernetesVersion);
}
