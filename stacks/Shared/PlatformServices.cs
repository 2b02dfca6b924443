using Pulumi;

namespace MlPlatform.Stacks.Shared;

/// <summary>
/// What the platform-services layer (cert-manager, gateway, monitoring, GPU operator, Kyverno, external-secrets)
/// hands to the ML workloads layer (KServe, MLflow, Argo Workflows, Argo CD). A null member means the add-on is
/// switched off on this stack.
/// </summary>
public sealed record PlatformServices
{
    /// <summary>The cert-manager release: webhooks that need certificates wait for it.</summary>
    public Resource? CertManager { get; init; }

    /// <summary>The kube-prometheus-stack release: ServiceMonitor and PrometheusRule objects wait for its CRDs.</summary>
    public Resource? Monitoring { get; init; }

    /// <summary>The shared ingress Gateway (Gateway API), for HTTPRoutes.</summary>
    public GatewayReference? Gateway { get; init; }

    /// <summary>The ClusterSecretStore of the cloud's secret service, for ExternalSecrets; null without one.</summary>
    public SecretStoreReference? SecretStore { get; init; }

    /// <summary>The Kyverno release: policies and policy exceptions wait for it.</summary>
    public Resource? Kyverno { get; init; }

    /// <summary>KEDA, from the chart or the cloud; null when the keda add-on is off.</summary>
    public KedaReference? Keda { get; init; }
}

/// <summary>Where KEDA runs and what ScaledObjects wait for.</summary>
/// <param name="Namespace">The namespace of KEDA's operator.</param>
/// <param name="Release">The chart's release (its CRDs and webhook); null when the cloud runs KEDA (ready with the cluster).</param>
public sealed record KedaReference(string Namespace, Resource? Release);

/// <summary>A Gateway API Gateway that routes attach to.</summary>
/// <param name="Name">Gateway name.</param>
/// <param name="Namespace">Gateway namespace.</param>
/// <param name="Resource">The Gateway object, to depend on.</param>
/// <param name="Https">True when routes are served over HTTPS only.</param>
public sealed record GatewayReference(string Name, string Namespace, Resource Resource, bool Https = false);

/// <summary>An external-secrets ClusterSecretStore.</summary>
/// <param name="Name">Store name, referenced by ExternalSecrets.</param>
/// <param name="Resource">The store object, to depend on.</param>
public sealed record SecretStoreReference(string Name, Resource Resource);
