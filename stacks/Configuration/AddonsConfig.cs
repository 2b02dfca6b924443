namespace MlPlatform.Stacks.Configuration;

/// <summary>
/// One switch per platform add-on (<c>mlplatform:addons</c>); a disabled add-on registers nothing and its
/// namespace is not created.
/// </summary>
public sealed record AddonsConfig
{
    /// <summary>cert-manager.</summary>
    public bool CertManager { get; init; } = true;

    /// <summary>The Gateway API ingress (Envoy Gateway).</summary>
    public bool Gateway { get; init; } = true;

    /// <summary>kube-prometheus-stack with Grafana, alerts and dashboards.</summary>
    public bool Monitoring { get; init; } = true;

    /// <summary>The NVIDIA GPU operator.</summary>
    public bool GpuOperator { get; init; } = true;

    /// <summary>KServe (raw deployment mode).</summary>
    public bool Kserve { get; init; } = true;

    /// <summary>The MLflow tracking server and model registry.</summary>
    public bool Mlflow { get; init; } = true;

    /// <summary>Argo Workflows.</summary>
    public bool ArgoWorkflows { get; init; } = true;

    /// <summary>Argo CD.</summary>
    public bool ArgoCd { get; init; } = true;

    /// <summary>Kyverno and the platform's cluster policies.</summary>
    public bool Kyverno { get; init; } = true;

    /// <summary>external-secrets and a ClusterSecretStore for the cloud's secret service.</summary>
    public bool ExternalSecrets { get; init; } = true;

    /// <summary>KEDA, the event-driven autoscaler (the chart, or the cloud's managed add-on where there is one).</summary>
    public bool Keda { get; init; } = true;

    /// <summary>
    /// The CloudNativePG operator, for PostgreSQL data services (<c>mlplatform:dataServices</c>). Opt-in, so not one of
    /// <see cref="All"/>, the switches that are on by default.
    /// </summary>
    public bool CloudNativePg { get; init; }

    /// <summary>
    /// Loki and a log collector on every node, shipping pod logs into the stack's bucket (on by default outside
    /// production: production needs the charts' entries in policies/ChartAvailability.cs first).
    /// </summary>
    public bool Logging { get; init; } = true;

    /// <summary>Tempo and the OpenTelemetry Collector as the cluster's OTLP (and Jaeger) endpoint (as <see cref="Logging"/>).</summary>
    public bool Tracing { get; init; } = true;

    /// <summary>Tetragon and the platform's TracingPolicies on the serving, workflow and team namespaces (on by default).</summary>
    public bool RuntimeSecurity { get; init; } = true;

    /// <summary>
    /// Chaos Mesh and the platform's chaos experiments. On by default in staging only, so not one of <see cref="All"/>;
    /// production runs them only when the stack sets it explicitly.
    /// </summary>
    public bool Chaos { get; init; }

    /// <summary>
    /// Kueue, the job queueing controller: not a switch of <c>mlplatform:addons</c> but <c>mlplatform:kueue.enabled</c>
    /// (on by default where a GPU pool exists), so not one of <see cref="All"/>.
    /// </summary>
    public bool Kueue { get; init; }

    /// <summary>The names of the switches, as written in configuration, with their values.</summary>
    public IReadOnlyList<(string Key, bool Enabled)> All =>
    [
        ("certManager", CertManager), ("gateway", Gateway), ("monitoring", Monitoring), ("gpuOperator", GpuOperator),
        ("kserve", Kserve), ("mlflow", Mlflow), ("argoWorkflows", ArgoWorkflows), ("argoCd", ArgoCd),
        ("kyverno", Kyverno), ("externalSecrets", ExternalSecrets), ("keda", Keda),
        ("logging", Logging), ("tracing", Tracing), ("runtimeSecurity", RuntimeSecurity),
    ];
}
