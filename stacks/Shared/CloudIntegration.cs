using System.Collections.Immutable;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Stacks.Configuration;
using Pulumi;

namespace MlPlatform.Stacks.Shared;

/// <summary>
/// What a cloud stack hands to the shared Kubernetes assembly: the few facts of its storage, database, secret
/// service and identities that the ML layer is wired to. Everything is optional: the <c>existing</c> target
/// provides none of it and the add-ons fall back to self-contained setups.
/// </summary>
public sealed record CloudIntegration
{
    /// <summary>No cloud services: an existing cluster.</summary>
    public static CloudIntegration None { get; } = new();

    /// <summary>The MLflow artifact store, as a URI (<c>s3://bucket</c>, <c>gs://bucket</c>, <c>wasbs://container@account.blob.core.windows.net</c>).</summary>
    public Output<string>? ArtifactStoreUri { get; init; }

    /// <summary>
    /// The bucket Loki and Tempo keep logs and traces in, with the cloud identities of their service accounts in
    /// <see cref="ServiceAccountAnnotations"/> (and <see cref="ServiceAccountPodLabels"/>); null keeps them on volumes.
    /// </summary>
    public TelemetryStorage? TelemetryStorage { get; init; }

    /// <summary>
    /// The host of the stack's own image registry (ECR <c>ACCOUNT.dkr.ecr.REGION.amazonaws.com</c>, ACR
    /// <c>NAME.azurecr.io</c>, Artifact Registry <c>REGION-docker.pkg.dev</c>), which the registry policy allows on top
    /// of the configured registries; null without one (an existing cluster).
    /// </summary>
    public Output<string>? ImageRegistry { get; init; }

    /// <summary>The MLflow backend database, when the cloud runs one.</summary>
    public DatabaseConnection? Database { get; init; }

    /// <summary>The cloud secret service that external-secrets reads, when there is one.</summary>
    public SecretStoreBackend? SecretStore { get; init; }

    /// <summary>
    /// Annotations that bind a Kubernetes service account to a cloud identity (IRSA role ARN, GKE or Azure workload
    /// identity), keyed <c>namespace/serviceAccountName</c>.
    /// </summary>
    public ImmutableDictionary<string, InputMap<string>> ServiceAccountAnnotations { get; init; } =
        ImmutableDictionary<string, InputMap<string>>.Empty;

    /// <summary>
    /// Labels the pods of a service account need for its cloud identity to work (Azure workload identity's webhook
    /// only serves pods labelled <c>azure.workload.identity/use</c>), keyed <c>namespace/serviceAccountName</c>; empty
    /// where annotations suffice (IRSA, GKE).
    /// </summary>
    public ImmutableDictionary<string, ImmutableDictionary<string, string>> ServiceAccountPodLabels { get; init; } =
        ImmutableDictionary<string, ImmutableDictionary<string, string>>.Empty;

    /// <summary>
    /// Taints the cloud puts on every spot node on top of the pool's own (AKS:
    /// <c>kubernetes.azure.com/scalesetpriority=spot:NoSchedule</c>); workloads placed on spot pools tolerate them.
    /// </summary>
    public ImmutableArray<TaintConfig> SpotNodeTaints { get; init; } = [];

    /// <summary>
    /// KEDA when the cloud runs it itself (the AKS managed add-on), with the namespace it runs in; null when the
    /// platform installs the KEDA chart into its own namespace.
    /// </summary>
    public ProvidedAddon? ProvidedKeda { get; init; }

    /// <summary>True when the GPU node image already ships the NVIDIA driver and container toolkit.</summary>
    public bool NodeImageHasGpuDriver { get; init; }

    /// <summary>False where the cluster's dataplane replaces kube-proxy (GKE Dataplane V2): nothing scrapes or alerts on it.</summary>
    public bool HasKubeProxy { get; init; } = true;

    /// <summary>True where the cluster DNS is kube-dns (GKE) rather than CoreDNS.</summary>
    public bool KubeDns { get; init; }

    /// <summary>Resources the Kubernetes layer must wait for (e.g. the cluster's node groups and add-ons).</summary>
    public ImmutableArray<Resource> ClusterReady { get; init; } = [];

    /// <summary>
    /// Cloud-specific controllers that must run in the cluster (e.g. Karpenter on AWS), deployed by the shared layer
    /// right after the tenancy layer so that they go into their platform namespaces. Each is called once with the
    /// tenancy component.
    /// </summary>
    public ImmutableArray<Action<Tenancy>> ClusterAddons { get; init; } = [];

    /// <summary>
    /// The node selector that places pods on a configured pool's capacity, by pool name, where the cloud selects that
    /// capacity by other labels than the pool's own (a GKE ComputeClass spanning a Spot pool and its on-demand
    /// fallback nodes); a pool missing here is selected by its labels.
    /// </summary>
    public ImmutableDictionary<string, ImmutableDictionary<string, string>> PoolNodeSelectors { get; init; } =
        ImmutableDictionary<string, ImmutableDictionary<string, string>>.Empty;

    /// <summary>The node selector of a pool's capacity: the cloud's, or the pool's labels.</summary>
    public ImmutableDictionary<string, string> NodeSelectorFor(NodePoolConfig pool) =>
        PoolNodeSelectors.GetValueOrDefault(pool.Name) ?? pool.Labels;

    /// <summary>
    /// How the cloud fronts the shared gateway's LoadBalancer Service (load balancer class, annotations, source
    /// ranges); <see cref="GatewayServiceSettings.None"/> leaves the Service to the cluster's defaults.
    /// </summary>
    public GatewayServiceSettings GatewayService { get; init; } = GatewayServiceSettings.None;

    /// <summary>
    /// Openings the cloud needs in single namespaces' default-deny policies, beyond the allow matrix (e.g. the
    /// node-local credential endpoint of a workload identity, or the load balancer's health checks), by namespace.
    /// </summary>
    public ImmutableDictionary<string, ImmutableArray<NetworkAllowRule>> NamespaceAllowRules { get; init; } =
        ImmutableDictionary<string, ImmutableArray<NetworkAllowRule>>.Empty;

    /// <summary>
    /// The StorageClasses the cloud's CSI drivers offer the platform (encrypted SSD default, fast, ReadWriteMany);
    /// <see cref="CloudStorageClasses.None"/> on an existing cluster, whose drivers the platform does not know.
    /// </summary>
    public CloudStorageClasses StorageClasses { get; init; } = CloudStorageClasses.None;

    /// <summary>
    /// The DNS-01 provider block of the platform's ACME issuer on the cloud's DNS (<c>route53</c>, <c>azureDNS</c>,
    /// <c>cloudDNS</c>), with cert-manager's identity on the zone in <see cref="ServiceAccountAnnotations"/>; null
    /// when the stack does not solve DNS-01 (or the target has no cloud DNS).
    /// </summary>
    public Output<ImmutableDictionary<string, object>>? AcmeDnsProvider { get; init; }

    /// <summary>The annotations for one service account, or an empty map.</summary>
    public InputMap<string> AnnotationsFor(string @namespace, string serviceAccount) =>
        ServiceAccountAnnotations.GetValueOrDefault($"{@namespace}/{serviceAccount}") ?? [];

    /// <summary>The pod labels for one service account's pods, or none.</summary>
    public ImmutableDictionary<string, string> PodLabelsFor(string @namespace, string serviceAccount) =>
        ServiceAccountPodLabels.GetValueOrDefault($"{@namespace}/{serviceAccount}") ?? ImmutableDictionary<string, string>.Empty;
}

/// <summary>The object storage of the logs and traces pipeline, as a cloud hands it over.</summary>
/// <param name="Uri">The bucket as a URI: <c>s3://bucket</c>, <c>gs://bucket</c> or <c>wasbs://container@account.blob.core.windows.net</c>.</param>
/// <param name="Region">The bucket's region where its clients must be told (S3); null elsewhere.</param>
public sealed record TelemetryStorage(Output<string> Uri, string? Region = null);

/// <summary>An add-on the cloud runs in the cluster itself (no chart from the platform).</summary>
/// <param name="Namespace">The namespace its pods run in.</param>
public sealed record ProvidedAddon(string Namespace);

/// <summary>A PostgreSQL database managed by the cloud.</summary>
/// <param name="Host">Endpoint host name.</param>
/// <param name="Port">Port.</param>
/// <param name="DatabaseName">Database name.</param>
/// <param name="Username">User name.</param>
/// <param name="PasswordSecretName">Name of the secret in the cloud secret service that holds the credentials (read by external-secrets).</param>
/// <param name="Password">The password itself, a Pulumi secret, for stacks that feed the Kubernetes secret directly (no external-secrets).</param>
public sealed record DatabaseConnection(
    Output<string> Host,
    Output<int> Port,
    string DatabaseName,
    string Username,
    Output<string> PasswordSecretName,
    Output<string> Password);

/// <summary>The cloud secret service external-secrets reads from.</summary>
/// <param name="Kind"><c>aws-secrets-manager</c>, <c>azure-key-vault</c> or <c>gcp-secret-manager</c>.</param>
/// <param name="Settings">Provider settings (region, vault URL, project), as the ClusterSecretStore provider block expects.</param>
public sealed record SecretStoreBackend(string Kind, ImmutableDictionary<string, Input<string>> Settings);

/// <summary>What a cloud sets on the shared gateway's LoadBalancer Service, through the gateway's proxy configuration.</summary>
public sealed record GatewayServiceSettings
{
    /// <summary>Nothing: the cluster's default load balancer.</summary>
    public static GatewayServiceSettings None { get; } = new();

    /// <summary>The Service's <c>loadBalancerClass</c> (the controller that must own it), or null for the cluster default.</summary>
    public string? LoadBalancerClass { get; init; }

    /// <summary>The Service's annotations (values may be outputs, e.g. a log bucket's name).</summary>
    public InputMap<string> Annotations { get; init; } = [];

    /// <summary>The Service's <c>loadBalancerSourceRanges</c>: who the load balancer admits; empty admits anyone.</summary>
    public ImmutableArray<string> LoadBalancerSourceRanges { get; init; } = [];

    /// <summary>
    /// Deploys the in-cluster controller that turns the Service into a load balancer (the AWS Load Balancer
    /// Controller), called once by the platform-services layer with the tenancy layer whether or not the gateway is
    /// on; the gateway depends on what it returns, so that a destroy removes the load balancer before its controller.
    /// Null when the cloud's controller is managed outside the cluster.
    /// </summary>
    public Func<Tenancy, Resource>? Controller { get; init; }
}

/// <summary>The specs of the platform's StorageClasses on one cloud; a null spec is a class the cloud cannot offer.</summary>
public sealed record CloudStorageClasses
{
    /// <summary>No classes: an existing cluster.</summary>
    public static CloudStorageClasses None { get; } = new();

    /// <summary>The encrypted SSD class, the cluster default.</summary>
    public StorageClassSpec? Default { get; init; }

    /// <summary>The high-IOPS class for model-serving caches.</summary>
    public StorageClassSpec? Fast { get; init; }

    /// <summary>The ReadWriteMany class on the cloud's file service.</summary>
    public StorageClassSpec? Shared { get; init; }

    /// <summary>Resources the classes' volumes need before a claim can bind (CSI add-ons, mount targets), or none.</summary>
    public ImmutableArray<Resource> Ready { get; init; } = [];
}
