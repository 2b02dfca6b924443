using System.Collections.Immutable;
using MlPlatform.Components.Addons;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Stacks.Configuration;
using Pulumi;

namespace MlPlatform.Stacks.Shared;

/// <summary>
/// The platform-services layer, identical on every cloud: cert-manager, the Gateway API ingress, monitoring, the
/// GPU operator, external-secrets, KEDA (unless the cloud runs it) and Kyverno, each in its platform namespace and each switched off by its
/// <c>mlplatform:addons</c> flag. Installed in dependency order: cert-manager before what needs certificates, the
/// gateway before routes to it, every chart before the objects of its CRDs, and Kyverno's policies last.
/// </summary>
public static class PlatformServicesLayer
{
    /// <summary>Deploys the enabled add-ons and returns what the ML workloads layer builds on.</summary>
    /// <param name="config">The validated configuration.</param>
    /// <param name="tenancy">The tenancy layer: every release waits for its namespace's guard rails.</param>
    /// <param name="cloud">The cloud's secret service, identities and GPU image facts.</param>
    /// <param name="options">Provider and the cluster-ready dependencies.</param>
    public static PlatformServices Deploy(PlatformConfig config, Tenancy tenancy, CloudIntegration cloud, ComponentResourceOptions options)
    {
        var addons = config.Addons;
        var labels = TenancyPlan.CommonLabels(config);
        var highAvailability = config.IsProduction;

        // Platform controllers run in the top tier, so that batch and training pods never preempt them; the
        // PriorityClass must exist before a pod can name it.
        var priorityClass = PriorityTier.Ladder[0].Name;
        ComponentResourceOptions In(string @namespace, params Resource?[] after)
        {
            var extra = new ComponentResourceOptions { DependsOn = { tenancy.Namespaces[@namespace], tenancy.PriorityClasses } };
            foreach (var resource in after)
            {
                if (resource is not null)
                {
                    extra.DependsOn.Add(resource);
                }
            }

            return ComponentResourceOptions.Merge(options, extra);
        }

        // cert-manager, and the platform's ACME issuer when configured. With HTTP-01 on the Gateway, cert-manager
        // needs the Gateway API CRDs before it starts (it looks for them once): it then goes in after the gateway's
        // chart, and the gateway's certificate waits for the issuer.
        var acme = addons.CertManager ? config.Gateway.Tls?.Acme : null;
        var gatewayApiSolver = acme?.Solver == AcmeSolver.Http01 && addons.Gateway;
        CertManager? certManager = null;
        Resource? issuerReady = null;
        Resource DeployCertManager(Resource? after)
        {
            var deployed = new CertManager("cert-manager", new CertManagerArgs
            {
                Namespace = PlatformNamespaces.CertManager,
                HighAvailability = highAvailability,
                PriorityClassName = priorityClass,
                GatewayApi = gatewayApiSolver,
                Dns01 = acme?.Solver == AcmeSolver.Dns01,
                ServiceAccountAnnotations = cloud.AnnotationsFor(PlatformNamespaces.CertManager, CertManager.ServiceAccountName),
                PodLabels = cloud.PodLabelsFor(PlatformNamespaces.CertManager, CertManager.ServiceAccountName),
            }, In(PlatformNamespaces.CertManager, after));
            certManager = deployed;
            Resource ready = deployed.Release;
            if (acme is not null)
            {
                ready = new AcmeIssuer("acme-issuer", new AcmeIssuerArgs
                {
                    Name = acme.IssuerName,
                    Server = acme.DirectoryUrl,
                    Email = acme.Email,
                    Solver = TlsPlan.Solver(acme, cloud),
                    Ready = [deployed.Release],
                    Labels = labels,
                }, In(PlatformNamespaces.CertManager, deployed.Release)).ClusterIssuer;
            }

            issuerReady = ready;
            return ready;
        }

        if (addons.CertManager && !gatewayApiSolver)
        {
            DeployCertManager(null);
        }

        var loadBalancerController = cloud.GatewayService.Controller?.Invoke(tenancy);
        var publishGrafana = AllowMatrix.GrafanaPublished(config);
        var gatewayTls = config.Gateway.Tls is not null && addons.CertManager;
        var gateway = addons.Gateway
            ? new EnvoyGateway("envoy-gateway", new EnvoyGatewayArgs
            {
                Namespace = PlatformNamespaces.Gateway,
                HighAvailability = highAvailability,
                PriorityClassName = priorityClass,
                Hostname = config.Gateway.Hostname,
                TlsClusterIssuer = gatewayTls ? config.Gateway.Tls!.ClusterIssuer : null,
                CertificateIssuer = gatewayTls ? release => issuerReady ?? DeployCertManager(release) : null,
                RouteRoles = [.. (publishGrafana
                    ? (string[])[AllowMatrix.RoleLabel(NamespaceRole.Serving), AllowMatrix.RoleLabel(NamespaceRole.Monitoring)]
                    : [AllowMatrix.RoleLabel(NamespaceRole.Serving)]).Union(WorkloadsLayer.RouteRoles(config))],
                Labels = labels,
                LoadBalancerClass = cloud.GatewayService.LoadBalancerClass,
                ServiceAnnotations = cloud.GatewayService.Annotations,
                LoadBalancerSourceRanges = cloud.GatewayService.LoadBalancerSourceRanges,
            }, In(PlatformNamespaces.Gateway, loadBalancerController))
            : null;

        if (addons.CertManager && certManager is null)
        {
            DeployCertManager(gateway?.Release);
        }

        var kedaNamespace = KedaNamespace(config, cloud);
        var monitoring = addons.Monitoring
            ? new KubePrometheusStack("monitoring", MonitoringArgs(config, gateway, labels, cloud),
                In(PlatformNamespaces.Monitoring, publishGrafana ? gateway!.Gateway : null))
            : null;

        var gpuOperator = addons.GpuOperator
            ? new GpuOperator("gpu-operator", new GpuOperatorArgs
            {
                Namespace = PlatformNamespaces.GpuOperator,
                NodeImageHasDriver = cloud.NodeImageHasGpuDriver,
                NodeTolerations = NodePoolScheduling.GpuNodeTolerations(config, cloud),
            }, In(PlatformNamespaces.GpuOperator))
            : null;

        var externalSecrets = addons.ExternalSecrets
            ? new ExternalSecrets("external-secrets", new ExternalSecretsArgs
            {
                Namespace = PlatformNamespaces.ExternalSecrets,
                HighAvailability = highAvailability,
                PriorityClassName = priorityClass,
                ServiceAccountAnnotations = cloud.AnnotationsFor(PlatformNamespaces.ExternalSecrets, ExternalSecrets.ServiceAccountName),
                PodLabels = cloud.PodLabelsFor(PlatformNamespaces.ExternalSecrets, ExternalSecrets.ServiceAccountName),
                StoreKind = cloud.SecretStore?.Kind,
                StoreSettings = cloud.SecretStore?.Settings ?? ImmutableDictionary<string, Input<string>>.Empty,
                Labels = labels,
            }, In(PlatformNamespaces.ExternalSecrets))
            : null;

        AlertingPlan.DeploySecrets(config, monitoring, externalSecrets, tenancy, labels, options);

        // KEDA from its chart, unless the cloud runs it as a managed add-on (its CRDs then come with the cluster).
        var keda = addons.Keda && cloud.ProvidedKeda is null
            ? new Keda("keda", new KedaArgs
            {
                Namespace = tenancy.Namespaces.TryGetValue(PlatformNamespaces.Keda, out var kedaNs)
                    ? kedaNs.NamespaceName
                    : throw new InvalidOperationException($"The keda add-on is on and the cloud provides no KEDA, but the '{PlatformNamespaces.Keda}' namespace is not planned."),
                HighAvailability = highAvailability,
                PriorityClassName = priorityClass,
            }, In(PlatformNamespaces.Keda))
            : null;

        var observability = ObservabilityLayer.Deploy(config, cloud, ns => In(ns));
        var runtimeSecurity = RuntimeSecurityLayer.Deploy(config, tenancy, labels, ns => In(ns));
        var chaos = ChaosLayer.Deploy(config, labels, ns => In(ns), tenancy.Namespaces.GetValueOrDefault(PlatformNamespaces.Serving));

        // Kueue and its queues (mlplatform:kueue): its pod webhook fails closed in the queueing namespaces.
        var kueue = KueuePlan.Deploy(config, tenancy, cloud, ns => In(ns), options);

        // The policies go in after every other release of this layer, so that the platform's own first install is
        // admitted before enforcement starts (the exclusions keep later upgrades admissible too).
        var kyverno = addons.Kyverno
            ? new Kyverno("kyverno", new KyvernoArgs
            {
                Namespace = PlatformNamespaces.Kyverno,
                HighAvailability = highAvailability,
                PriorityClassName = priorityClass,
                Policies = Policies(config, cloud),
                PoliciesAfter = [.. new Resource?[] { certManager?.Release, gateway?.Release, monitoring?.Release, gpuOperator?.Release, externalSecrets?.Release, keda?.Release, kueue, loadBalancerController }.OfType<Resource>(), .. observability.All,
                    .. new Resource?[] { runtimeSecurity?.Release, chaos?.Release }.OfType<Resource>()],
                Labels = labels,
            }, In(PlatformNamespaces.Kyverno))
            : null;

        return new PlatformServices
        {
            CertManager = certManager?.Release,
            Monitoring = monitoring?.Release,
            Gateway = gateway is null ? null : new GatewayReference(EnvoyGateway.GatewayName, PlatformNamespaces.Gateway, gateway.Gateway, gateway.Https),
            SecretStore = externalSecrets?.Store is { } store ? new SecretStoreReference(ExternalSecrets.StoreName, store) : null,
            Kyverno = kyverno?.Release,
            Keda = addons.Keda ? new KedaReference(kedaNamespace!, keda?.Release) : null,
        };
    }

    /// <summary>The namespace KEDA runs in (the cloud's add-on's, or the chart's); null when the keda add-on is off.</summary>
    public static string? KedaNamespace(PlatformConfig config, CloudIntegration cloud) =>
        !config.Addons.Keda ? null : cloud.ProvidedKeda?.Namespace ?? PlatformNamespaces.Keda;

    /// <summary>
    /// The monitoring stack's arguments: storage, Grafana publishing, the targets, alerts and dashboards of the enabled
    /// add-ons, and the cluster components the cloud runs (kube-proxy, the DNS).
    /// </summary>
    public static KubePrometheusStackArgs MonitoringArgs(
        PlatformConfig config, EnvoyGateway? gateway, ImmutableDictionary<string, string> labels, CloudIntegration? cloud = null)
    {
        var kedaNamespace = KedaNamespace(config, cloud ?? CloudIntegration.None);
        var addons = config.Addons;
        var targets = ImmutableArray.CreateBuilder<ScrapeTarget>();
        var alerts = ImmutableArray.CreateBuilder<AlertGroup>();
        var dashboards = ImmutableArray.CreateBuilder<GrafanaDashboard>();
        if (addons.CertManager)
        {
            targets.Add(PlatformScrapeTargets.CertManager(PlatformNamespaces.CertManager));
            alerts.Add(PlatformAlerts.Certificates());
        }

        if (addons.GpuOperator)
        {
            targets.Add(PlatformScrapeTargets.DcgmExporter(PlatformNamespaces.GpuOperator));
            alerts.Add(PlatformAlerts.Gpu());
            dashboards.Add(PlatformDashboards.Gpu());
        }

        if (addons.Kserve)
        {
            targets.Add(PlatformScrapeTargets.KserveController(PlatformNamespaces.Kserve));
            targets.Add(PlatformScrapeTargets.InferenceServices(PlatformNamespaces.Serving));
            alerts.Add(PlatformAlerts.Inference(PlatformNamespaces.Serving));
            dashboards.Add(PlatformDashboards.Inference(PlatformNamespaces.Serving));
        }

        if (addons.Mlflow)
        {
            targets.Add(PlatformScrapeTargets.Mlflow(PlatformNamespaces.Mlflow));
            alerts.Add(PlatformAlerts.Mlflow());
        }

        if (addons.ArgoWorkflows)
        {
            targets.Add(PlatformScrapeTargets.ArgoWorkflowsController(PlatformNamespaces.ArgoWorkflows));
            alerts.Add(PlatformAlerts.Pipelines());
        }

        if (addons.Gateway)
        {
            targets.Add(PlatformScrapeTargets.EnvoyProxies(PlatformNamespaces.Gateway));
        }

        if (kedaNamespace is not null)
        {
            targets.Add(PlatformScrapeTargets.KedaOperator(kedaNamespace));
            alerts.Add(PlatformAlerts.Keda());
        }

        if (addons.Kyverno)
        {
            // Every admission decision is auditable: results scraped from each controller, denials alerted on.
            targets.Add(PlatformScrapeTargets.Kyverno(PlatformNamespaces.Kyverno));
            alerts.Add(PlatformAlerts.PolicyDenials());
        }

        if (addons.RuntimeSecurity)
        {
            // Tetragon's policy events, counted by the agents, alerted on per policy.
            targets.Add(PlatformScrapeTargets.Tetragon(PlatformNamespaces.Tetragon));
            alerts.Add(TetragonPolicies.Alerts());
        }

        dashboards.Add(PlatformDashboards.Cost(CostPrices(config)));

        return new KubePrometheusStackArgs
        {
            Namespace = PlatformNamespaces.Monitoring,
            HighAvailability = config.IsProduction,
            PriorityClassName = PriorityTier.Ladder[0].Name,
            ManagedControlPlane = config.Cloud != CloudKind.Existing,
            KubeProxy = cloud?.HasKubeProxy ?? true,
            KubeDns = cloud?.KubeDns ?? false,
            Retention = config.Monitoring.Retention,
            StorageSize = config.Monitoring.StorageSize,
            StorageClass = config.Monitoring.StorageClass ?? StoragePlan.ClassFor(config, cloud ?? CloudIntegration.None, StorageTier.Default),
            GrafanaHostname = gateway is null ? null : config.Monitoring.GrafanaHostname,
            Gateway = gateway is null ? null : (EnvoyGateway.GatewayName, PlatformNamespaces.Gateway),
            ScrapeTargets = targets.ToImmutable(),
            AlertGroups = alerts.ToImmutable(),
            Dashboards = dashboards.ToImmutable(),
            Labels = labels,
            Receivers = AlertingPlan.Receivers(config),
            AdditionalDataSources = ObservabilityLayer.DataSources(config),
            ExemplarDestinations = ObservabilityLayer.ExemplarDestinations(config),
        };
    }

    /// <summary>The cost dashboard's prices of a stack: <c>mlplatform:costs</c>, the GPU price from its pools' accelerator.</summary>
    public static CostPrices CostPrices(PlatformConfig config) => new(
        config.Costs.CpuCoreHour,
        config.Costs.MemoryGbHour,
        config.Costs.GpuHourFor(config.Cloud, config.NodePools.Where(p => p.Accelerator is not null).Select(p => p.Accelerator!.Value)));

    /// <summary>
    /// The cluster policies of a stack: its mode and registries (the configured ones and the cloud's own registry),
    /// and the platform namespaces running only pinned charts.
    /// </summary>
    public static PolicySet Policies(PlatformConfig config, CloudIntegration? cloud = null) => new()
    {
        Enforce = config.Policies.Mode == PolicyMode.Enforce,
        AllowedRegistries = config.Policies.AllowedRegistries,
        StackRegistry = cloud?.ImageRegistry,
        SystemNamespaces = ["kube-system", "kube-public", "kube-node-lease", .. config.Policies.ExemptNamespaces],

        // Serving and the workflow namespace run images users choose (models, pipeline steps): they stay restricted.
        PinnedChartNamespaces = [.. config.Namespaces
            .Where(n => !n.IsTeam && n.Name is not PlatformNamespaces.Serving and not PlatformNamespaces.ArgoWorkflows)
            .Select(n => n.Name)],
        TeamRole = AllowMatrix.RoleLabel(NamespaceRole.GpuWorkloads),
    };
}
