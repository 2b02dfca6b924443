namespace MlPlatform.Stacks.Configuration;

/// <summary>
/// The part a namespace plays in the network allow matrix; rendered as the <c>mlplatform.io/role</c> label
/// that NetworkPolicies select on.
/// </summary>
public enum NamespaceRole
{
    /// <summary>Platform controllers and operators (cert-manager, Kyverno, external-secrets, ...).</summary>
    Controllers,

    /// <summary>The ingress gateway: the only way into the cluster.</summary>
    Ingress,

    /// <summary>Model serving (KServe InferenceServices).</summary>
    Serving,

    /// <summary>Data stores and the model registry (MLflow).</summary>
    Data,

    /// <summary>Prometheus, Grafana and exporters: scrape every namespace.</summary>
    Monitoring,

    /// <summary>The workflow engine (Argo Workflows).</summary>
    Workflows,

    /// <summary>Where GPU workloads run: team namespaces.</summary>
    GpuWorkloads,

    /// <summary>GitOps delivery (Argo CD).</summary>
    Delivery,

    /// <summary>
    /// Application services (a team namespace with <c>role: application</c>): no role edges at all, only the openings
    /// its workloads declare (callers and dependencies) and Prometheus's scrapes.
    /// </summary>
    Application,
}
