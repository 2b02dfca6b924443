using System.Collections.Immutable;

namespace MlPlatform.Stacks.Configuration;

/// <summary>
/// The whole, validated configuration of one stack. Built only by <see cref="ConfigReader"/>, so every value in it
/// has passed validation; components never see configuration, only the typed arguments the stack derives from it.
/// </summary>
public sealed record PlatformConfig
{
    /// <summary>Where the platform runs (<c>mlplatform:cloud</c>).</summary>
    public required CloudKind Cloud { get; init; }

    /// <summary>The kind of environment (<c>mlplatform:environment</c>).</summary>
    public required DeploymentEnvironment Environment { get; init; }

    /// <summary>The cloud region (<c>mlplatform:region</c>); null for an existing cluster.</summary>
    public string? Region { get; init; }

    /// <summary>The pinned Kubernetes minor version, e.g. <c>1.34</c> (<c>mlplatform:kubernetesVersion</c>).</summary>
    public required string KubernetesVersion { get; init; }

    /// <summary>The on-demand pool that runs the platform controllers (<c>mlplatform:systemNodePool</c>).</summary>
    public required SystemNodePoolConfig SystemNodePool { get; init; }

    /// <summary>Autoscaled workload capacity (<c>mlplatform:nodePools</c>).</summary>
    public required ImmutableArray<NodePoolConfig> NodePools { get; init; }

    /// <summary>Every namespace the platform creates: the platform set for the enabled add-ons, then the teams.</summary>
    public required ImmutableArray<NamespaceConfig> Namespaces { get; init; }

    /// <summary>Which platform add-ons are installed (<c>mlplatform:addons</c>).</summary>
    public required AddonsConfig Addons { get; init; }

    /// <summary>Address ranges the network policies need (<c>mlplatform:network</c>).</summary>
    public required NetworkConfig Network { get; init; }

    /// <summary>KServe settings (<c>mlplatform:kserve</c>).</summary>
    public KserveConfig Kserve { get; init; } = new();

    /// <summary>MLflow settings (<c>mlplatform:mlflow</c>).</summary>
    public MlflowConfig Mlflow { get; init; } = new();

    /// <summary>Argo CD settings (<c>mlplatform:argoCd</c>).</summary>
    public ArgoCdConfig ArgoCd { get; init; } = new();

    /// <summary>The admission policies (<c>mlplatform:policies</c>).</summary>
    public required PolicyConfig Policies { get; init; }

    /// <summary>Prometheus and Grafana settings (<c>mlplatform:monitoring</c>).</summary>
    public required MonitoringConfig Monitoring { get; init; }

    /// <summary>The shared ingress gateway (<c>mlplatform:gateway</c>).</summary>
    public required GatewayConfig Gateway { get; init; }

    /// <summary>Logs and traces settings (<c>mlplatform:observability</c>).</summary>
    public ObservabilityConfig Observability { get; init; } = ObservabilityConfig.For(DeploymentEnvironment.Development);

    /// <summary>The cost dashboard's prices (<c>mlplatform:costs</c>).</summary>
    public CostConfig Costs { get; init; } = new();

    /// <summary>Settings of the <c>existing</c> target; null on the clouds.</summary>
    public ExistingClusterConfig? Existing { get; init; }

    /// <summary>Settings of the <c>aws</c> target (<c>mlplatform:aws</c>); null on the other targets.</summary>
    public AwsConfig? Aws { get; init; }

    /// <summary>Settings of the <c>azure</c> target (<c>mlplatform:azure</c>); null on the other targets.</summary>
    public AzureConfig? Azure { get; init; }
    /// <summary>Settings of the <c>gcp</c> target (<c>mlplatform:gcp</c>); null on the other targets.</summary>
    public GcpConfig? Gcp { get; init; }

    /// <summary>
    /// The models the platform serves (<c>mlplatform:models</c>), the sample model (<c>mlplatform:kserve.sampleModel</c>)
    /// first when it is on.
    /// </summary>
    public ImmutableArray<ModelConfig> Models { get; init; } = [];

    /// <summary>The platform's StorageClasses (<c>mlplatform:storage</c>).</summary>
    public StorageConfig Storage { get; init; } = StorageConfig.For(CloudKind.Existing);

    /// <summary>Alertmanager's receivers (<c>mlplatform:alerting</c>).</summary>
    public AlertingConfig Alerting { get; init; } = AlertingConfig.None;

    /// <summary>Application services (<c>mlplatform:workloads</c>).</summary>
    public ImmutableArray<WorkloadConfig> Workloads { get; init; } = [];

    /// <summary>In-cluster data services (<c>mlplatform:dataServices</c>).</summary>
    public ImmutableArray<DataServiceConfig> DataServices { get; init; } = [];

    /// <summary>Argo WorkflowTemplates of the teams (<c>mlplatform:workflowTemplates</c>).</summary>
    public ImmutableArray<WorkflowTemplateConfig> WorkflowTemplates { get; init; } = [];

    /// <summary>Kueue's queues and cohort (<c>mlplatform:kueue</c>).</summary>
    public KueueConfig Kueue { get; init; } = new();

    /// <summary>True for production: high availability and the strict defaults.</summary>
    public bool IsProduction => Environment == DeploymentEnvironment.Production;

    /// <summary>The namespace of the given name, or null when the platform does not create it.</summary>
    public NamespaceConfig? FindNamespace(string name) => Namespaces.FirstOrDefault(n => n.Name == name);
}
