using System.Collections.Immutable;
using MlPlatform.Components.Addons;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Stacks.Configuration;
using Pulumi;

namespace MlPlatform.Stacks.Shared;

/// <summary>The ML workloads layer as deployed: one component per enabled add-on, null for a disabled one.</summary>
/// <param name="Kserve">KServe.</param>
/// <param name="Mlflow">MLflow.</param>
/// <param name="ArgoWorkflows">Argo Workflows.</param>
/// <param name="ArgoCd">Argo CD.</param>
public sealed record MlWorkloads(Kserve? Kserve, Mlflow? Mlflow, ArgoWorkflows? ArgoWorkflows, ArgoCd? ArgoCd)
{
    /// <summary>The stack outputs of the layer: the installed chart versions and the MLflow tracking URI.</summary>
    public Dictionary<string, object?> Outputs()
    {
        var charts = new Dictionary<string, object?>();
        if (Kserve is not null)
        {
            charts[VersionCatalog.KserveCrd.Name] = VersionCatalog.KserveCrd.Version;
            charts[VersionCatalog.KserveResources.Name] = VersionCatalog.KserveResources.Version;
        }

        if (Mlflow is not null)
        {
            charts[VersionCatalog.Mlflow.Name] = VersionCatalog.Mlflow.Version;
        }

        if (ArgoWorkflows is not null)
        {
            charts[VersionCatalog.ArgoWorkflows.Name] = VersionCatalog.ArgoWorkflows.Version;
        }

        if (ArgoCd is not null)
        {
            charts[VersionCatalog.ArgoCd.Name] = VersionCatalog.ArgoCd.Version;
        }

        return new Dictionary<string, object?>
        {
            ["mlWorkloadCharts"] = charts,
            ["mlflowTrackingUri"] = Mlflow?.TrackingUri,
        };
    }
}

/// <summary>
/// The ML workloads half of the ML platform layer, the same on every cloud: KServe, MLflow, Argo Workflows and
/// Argo CD, each in its platform namespace, wired to the platform services (cert-manager, gateway, secret store)
/// and to the cloud's database, bucket and identities when there are any.
/// </summary>
public static class MlWorkloadsLayer
{
    /// <summary>The name of the sample InferenceService.</summary>
    public const string SampleModelName = "sample-llm";

    /// <summary>The label value that marks a GPU pool as meant for training.</summary>
    public const string TrainingWorkloadLabel = "training";

    /// <summary>Deploys the enabled ML workload add-ons.</summary>
    public static MlWorkloads Deploy(
        PlatformConfig config, Tenancy tenancy, PlatformServices services, CloudIntegration cloud, ComponentResourceOptions options)
    {
        var labels = TenancyPlan.CommonLabels(config);
        var mlflow = config.Addons.Mlflow ? DeployMlflow(config, tenancy, services, cloud, labels, options) : null;
        var kserve = config.Addons.Kserve ? DeployKserve(config, tenancy, services, cloud, labels, options) : null;
        var argoWorkflows = config.Addons.ArgoWorkflows ? DeployArgoWorkflows(config, tenancy, mlflow, cloud, labels, options) : null;
        var argoCd = config.Addons.ArgoCd ? DeployArgoCd(config, tenancy, [kserve?.ResourcesRelease, argoWorkflows?.Release], labels, options) : null;
        return new MlWorkloads(kserve, mlflow, argoWorkflows, argoCd);
    }

    /// <summary>The GPU pool that trains: the first labelled <c>mlplatform.io/workload: training</c>, else the first GPU pool; null without GPU pools.</summary>
    public static NodePoolConfig? TrainingPool(PlatformConfig config) =>
        config.NodePools.FirstOrDefault(p => p.IsGpu && p.Labels.GetValueOrDefault("mlplatform.io/workload") == TrainingWorkloadLabel)
        ?? config.NodePools.FirstOrDefault(p => p.IsGpu);

    private static Kserve DeployKserve(
        PlatformConfig config, Tenancy tenancy, PlatformServices services, CloudIntegration cloud, ImmutableDictionary<string, string> labels, ComponentResourceOptions options)
    {
        var ns = tenancy.Namespaces[PlatformNamespaces.Kserve];
        var kserve = new Kserve("kserve", new KserveArgs
        {
            Namespace = ns.NamespaceName,
            NamespaceReady = ns,
            CertManager = services.CertManager,
            Gateway = services.Gateway is { } gateway ? new GatewayRef(gateway.Name, gateway.Namespace, InferenceDomain(config.Gateway), gateway.Https) : null,
            GatewayReady = services.Gateway?.Resource,
            Labels = labels,
        }, options);

        // Every configured model, the sample model among them, is an InferenceService of its own.
        _ = ServedModels.Deploy(config, tenancy, services, cloud, kserve, labels, options);
        return kserve;
    }

    private static Mlflow DeployMlflow(
        PlatformConfig config, Tenancy tenancy, PlatformServices services, CloudIntegration cloud,
        ImmutableDictionary<string, string> labels, ComponentResourceOptions options)
    {
        var ns = tenancy.Namespaces[PlatformNamespaces.Mlflow];
        var database = cloud.Database is { } db
            ? new MlflowDatabase
            {
                Host = db.Host,
                Port = db.Port,
                Name = db.DatabaseName,
                Username = db.Username,
                Password = db.Password,
                SecretStore = services.SecretStore is { } store ? new ExternalSecretSource(store.Name, db.PasswordSecretName, store.Resource) : null,
            }
            : null;

        return new Mlflow("mlflow", new MlflowArgs
        {
            Namespace = ns.NamespaceName,
            NamespaceReady = ns,
            Replicas = config.Mlflow.Replicas ?? (config.IsProduction ? 2 : 1),
            PriorityClassName = PriorityTier.Ladder[1].Name,
            PriorityClassesReady = tenancy.PriorityClasses,
            Database = database,
            ArtifactStoreUri = cloud.ArtifactStoreUri is { } uri ? (Input<string>)uri : null,
            ServiceAccountAnnotations = cloud.AnnotationsFor(PlatformNamespaces.Mlflow, Mlflow.ReleaseName),
            PodLabels = cloud.PodLabelsFor(PlatformNamespaces.Mlflow, Mlflow.ReleaseName),
            StorageClassName = StoragePlan.ClassFor(config, cloud, StorageTier.Default),
            Labels = labels,
        }, options);
    }

    private static ArgoWorkflows DeployArgoWorkflows(
        PlatformConfig config, Tenancy tenancy, Mlflow? mlflow, CloudIntegration cloud, ImmutableDictionary<string, string> labels, ComponentResourceOptions options)
    {
        var ns = tenancy.Namespaces[PlatformNamespaces.ArgoWorkflows];
        var pool = TrainingPool(config);
        return new ArgoWorkflows("argo-workflows", new ArgoWorkflowsArgs
        {
            Namespace = ns.NamespaceName,
            NamespaceReady = ns,
            HighAvailability = config.IsProduction,
            PriorityClassName = PriorityTier.Ladder[0].Name,
            PriorityClassesReady = tenancy.PriorityClasses,
            Pipeline = new TrainingPipeline
            {
                TrainingPlacement = pool is null ? GpuPlacement.AnyGpuNode : NodePoolScheduling.PlacementOn(pool, cloud),
                QueueName = KueuePlan.QueueNameIn(config, PlatformNamespaces.ArgoWorkflows),
                Tolerations = NodePoolScheduling.SpotTolerations(config, cloud),
                MlflowTrackingUri = mlflow is null ? null : Mlflow.TrackingUriIn(PlatformNamespaces.Mlflow),
                WorkspaceStorageClass = StoragePlan.ClassFor(config, cloud, StorageTier.Shared) ?? StoragePlan.ClassFor(config, cloud, StorageTier.Default),
                WorkspaceAccessMode = StoragePlan.SharedIsReadWriteMany(config, cloud) ? "ReadWriteMany" : "ReadWriteOnce",
            },
            Labels = labels,
        }, options);
    }

    private static ArgoCd DeployArgoCd(
        PlatformConfig config, Tenancy tenancy, Resource?[] platformApis, ImmutableDictionary<string, string> labels, ComponentResourceOptions options)
    {
        // The workloads repository holds InferenceServices and Workflows: sync once their CRDs and controllers are in.
        var ready = platformApis.OfType<Resource>().ToList();
        var ns = tenancy.Namespaces[PlatformNamespaces.ArgoCd];
        var app = config.ArgoCd.Application;
        return new ArgoCd("argo-cd", new ArgoCdArgs
        {
            Namespace = ns.NamespaceName,
            NamespaceReady = ns,
            HighAvailability = config.IsProduction,
            PriorityClassName = PriorityTier.Ladder[0].Name,
            PriorityClassesReady = tenancy.PriorityClasses,
            Application = app,
            ApplicationReady = app is not null && tenancy.Namespaces.TryGetValue(app.Namespace, out var destination) ? [destination, .. ready] : [.. ready],
            Labels = labels,
        }, options);
    }

    /// <summary>
    /// The domain KServe names inference hosts under: the gateway's wildcard host name (<c>*.ml.example.com</c>
    /// gives <c>ml.example.com</c>); null, the chart's default, when the gateway answers for one exact host or any.
    /// </summary>
    internal static string? InferenceDomain(GatewayConfig gateway) =>
        gateway.Hostname is { } host && host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : null;
}
