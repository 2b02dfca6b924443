using System.Collections.Immutable;
using MlPlatform.Components.Kubernetes;
using Pulumi;
using Pulumi.Kubernetes.Types.Inputs.Core.V1;
using Pulumi.Random;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Components.Addons;

/// <summary>Inputs of <see cref="KubePrometheusStack"/>.</summary>
public sealed class KubePrometheusStackArgs
{
    /// <summary>The monitoring namespace (from the tenancy layer).</summary>
    public required string Namespace { get; init; }

    /// <summary>Two Prometheus and two Alertmanager replicas.</summary>
    public bool HighAvailability { get; init; }

    /// <summary>
    /// The cloud runs the control plane (EKS, AKS, GKE): controller manager, scheduler and etcd cannot be scraped
    /// there, and their targets and alerts would always be down.
    /// </summary>
    public bool ManagedControlPlane { get; init; }

    /// <summary>
    /// The nodes run kube-proxy; false where the dataplane replaces it (GKE Dataplane V2, Cilium), whose target and
    /// alert would always be down.
    /// </summary>
    public bool KubeProxy { get; init; } = true;

    /// <summary>The cluster DNS is kube-dns (GKE) rather than CoreDNS: scrape its metrics ports instead.</summary>
    public bool KubeDns { get; init; }

    /// <summary>The PriorityClass of the add-on's pods (the platform's <c>system-critical</c> tier); null keeps the cluster default.</summary>
    public string? PriorityClassName { get; init; }

    /// <summary>Prometheus retention (Prometheus duration).</summary>
    public required string Retention { get; init; }

    /// <summary>The volume of each Prometheus replica (Kubernetes quantity).</summary>
    public required string StorageSize { get; init; }

    /// <summary>The storage class of the Prometheus volumes; null for the cluster default.</summary>
    public string? StorageClass { get; init; }

    /// <summary>Publish Grafana on this host name through <see cref="Gateway"/>; null keeps it internal.</summary>
    public string? GrafanaHostname { get; init; }

    /// <summary>The Gateway Grafana's HTTPRoute attaches to, as <c>(name, namespace)</c>.</summary>
    public (string Name, string Namespace)? Gateway { get; init; }

    /// <summary>What Prometheus scrapes beyond the chart's own targets.</summary>
    public ImmutableArray<ScrapeTarget> ScrapeTargets { get; init; } = [];

    /// <summary>The alert groups.</summary>
    public ImmutableArray<AlertGroup> AlertGroups { get; init; } = [];

    /// <summary>The dashboards loaded by the Grafana sidecar.</summary>
    public ImmutableArray<GrafanaDashboard> Dashboards { get; init; } = [];

    /// <summary>Labels of the objects the component creates.</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Grafana data sources beyond the stack's Prometheus (Loki, Tempo: <see cref="Observability.GrafanaDataSources"/>).</summary>
    public ImmutableArray<Dictionary<string, object>> AdditionalDataSources { get; init; } = [];

    /// <summary>
    /// Where Prometheus's exemplars link to (a Tempo data source): turns on Prometheus's exemplar storage and the
    /// Prometheus data source's exemplar links; null leaves both off.
    /// </summary>
    public Dictionary<string, object>? ExemplarDestinations { get; init; }
}

/// <summary>
/// kube-prometheus-stack: the Prometheus operator, Prometheus (selecting monitors and rules from every
/// namespace), Alertmanager, Grafana (admin password generated into a Secret), the exporters; plus the platform's
/// ServiceMonitors, alert rules and dashboards, which wait for the chart's CRDs.
/// </summary>
public sealed class KubePrometheusStack : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:addons:KubePrometheusStack";

    /// <summary>The Helm release name.</summary>
    public const string ReleaseName = "kube-prometheus-stack";

    /// <summary>The Secret holding Grafana's admin credentials.</summary>
    public const string GrafanaAdminSecret = "grafana-admin";

    /// <summary>The label the Grafana dashboard sidecar watches (chart value <c>grafana.sidecar.dashboards.label</c>).</summary>
    public const string DashboardLabel = "grafana_dashboard";

    /// <summary>
    /// The port Grafana's pods listen on (the grafana chart's <c>service.targetPort</c>, 3000), which the gateway
    /// reaches when Grafana is published.
    /// </summary>
    public const int GrafanaPort = 3000;

    /// <summary>The Service of the stack's Prometheus (the chart's <c>fullname-prometheus</c>), which KEDA's Prometheus triggers query.</summary>
    public const string PrometheusService = "kube-prometheus-stack-prometheus";

    /// <summary>The port Prometheus serves its API on (Service and pod, <c>http-web</c>).</summary>
    public const int PrometheusPort = 9090;

    /// <summary>The in-cluster URL of the stack's Prometheus in a namespace.</summary>
    public static string PrometheusUrl(string @namespace) => $"http://{PrometheusService}.{@namespace}.svc.cluster.local:{PrometheusPort}";

    /// <summary>The value of <see cref="DashboardLabel"/> the sidecar loads.</summary>
    public const string DashboardLabelValue = "1";

    /// <summary>Creates the release and the monitoring objects.</summary>
    public KubePrometheusStack(string name, KubePrometheusStackArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        AdminPassword = new RandomPassword($"{name}-grafana-admin", new RandomPasswordArgs
        {
            Length = 32,
            Special = false,
        }, new CustomResourceOptions { Parent = this });

        AdminSecret = new K8s.Core.V1.Secret($"{name}-grafana-admin", new SecretArgs
        {
            Metadata = AddonResources.Metadata(GrafanaAdminSecret, args.Namespace, args.Labels),
            Type = "Opaque",
            StringData =
            {
                ["admin-user"] = "admin",
                // Secret in its own right: the provider marks RandomPassword.result secret only once it is created.
                ["admin-password"] = Output.CreateSecret(AdminPassword.Result),
            },
        }, AddonResources.Child(this, options));

        Release = HelmReleases.Create(ReleaseName, VersionCatalog.KubePrometheusStack, args.Namespace, Values(args),
            AddonResources.Child(this, options, AdminSecret));

        var afterCrds = AddonResources.Child(this, options, Release);
        Monitors = [.. args.ScrapeTargets.Select(target => new K8s.ApiExtensions.CustomResource($"{name}-{target.Name}", new KubernetesObjectArgs(
            "monitoring.coreos.com/v1", target.Kind, AddonResources.Metadata(target.Name, args.Namespace, args.Labels), target.Spec()), afterCrds))];

        Rules = [.. args.AlertGroups.Select(group => new K8s.ApiExtensions.CustomResource($"{name}-{group.Name}", new KubernetesObjectArgs(
            "monitoring.coreos.com/v1", "PrometheusRule", AddonResources.Metadata(group.Name, args.Namespace, args.Labels), PlatformAlerts.Spec(group)), afterCrds))];

        // The sidecar watches ConfigMaps, not CRDs: no need to wait for the release.
        Dashboards = [.. args.Dashboards.Select(dashboard => new K8s.Core.V1.ConfigMap($"{name}-{dashboard.Uid}", new ConfigMapArgs
        {
            Metadata = AddonResources.Metadata($"dashboard-{dashboard.Uid}", args.Namespace, args.Labels,
                new Dictionary<string, string> { [DashboardLabel] = DashboardLabelValue }),
            Data = { [$"{dashboard.Uid}.json"] = dashboard.ToJson() },
        }, AddonResources.Child(this, options)))];

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["releaseName"] = Release.Name,
            ["grafanaAdminSecret"] = GrafanaAdminSecret,
        });
    }

    /// <summary>The Grafana admin password.</summary>
    public RandomPassword AdminPassword { get; }

    /// <summary>The Secret with Grafana's admin credentials.</summary>
    public K8s.Core.V1.Secret AdminSecret { get; }

    /// <summary>The Helm release.</summary>
    public K8s.Helm.V3.Release Release { get; }

    /// <summary>The ServiceMonitors and PodMonitors.</summary>
    public ImmutableArray<K8s.ApiExtensions.CustomResource> Monitors { get; }

    /// <summary>The PrometheusRules.</summary>
    public ImmutableArray<K8s.ApiExtensions.CustomResource> Rules { get; }

    /// <summary>The dashboard ConfigMaps.</summary>
    public ImmutableArray<K8s.Core.V1.ConfigMap> Dashboards { get; }

    /// <summary>The chart values.</summary>
    public static Dictionary<string, object> Values(KubePrometheusStackArgs args)
    {
        var replicas = args.HighAvailability ? 2 : 1;
        var volumeSpec = new Dictionary<string, object>
        {
            ["accessModes"] = new[] { "ReadWriteOnce" },
            ["resources"] = new Dictionary<string, object> { ["requests"] = new Dictionary<string, object> { ["storage"] = args.StorageSize } },
        };
        if (args.StorageClass is not null)
        {
            volumeSpec["storageClassName"] = args.StorageClass;
        }

        var prometheusSpec = new Dictionary<string, object>
        {
            // Without these the operator only picks monitors and rules labelled with this release.
            ["serviceMonitorSelectorNilUsesHelmValues"] = false,
            ["podMonitorSelectorNilUsesHelmValues"] = false,
            ["ruleSelectorNilUsesHelmValues"] = false,
            ["probeSelectorNilUsesHelmValues"] = false,
            ["scrapeConfigSelectorNilUsesHelmValues"] = false,
            ["retention"] = args.Retention,
            ["replicas"] = replicas,
            ["storageSpec"] = new Dictionary<string, object> { ["volumeClaimTemplate"] = new Dictionary<string, object> { ["spec"] = volumeSpec } },

            // The namespace LimitRange default (1Gi) would OOM-kill Prometheus.
            ["resources"] = Resources("500m", args.HighAvailability ? "4Gi" : "2Gi", args.HighAvailability ? "8Gi" : "4Gi"),
        };

        var alertmanagerSpec = new Dictionary<string, object>
        {
            ["replicas"] = replicas,
            ["resources"] = Resources("50m", "128Mi", "256Mi"),
        };
        if (args.HighAvailability)
        {
            // The chart copies the constraints into the custom resources as given: they name the labels the operator
            // puts on the pods. Its soft anti-affinity preset stays on as well.
            prometheusSpec["topologySpreadConstraints"] = TopologySpread.Constraints(PrometheusPodLabels);
            alertmanagerSpec["topologySpreadConstraints"] = TopologySpread.Constraints(AlertmanagerPodLabels);
        }

        var grafana = new Dictionary<string, object>
        {
            ["admin"] = new Dictionary<string, object>
            {
                ["existingSecret"] = GrafanaAdminSecret,
                ["userKey"] = "admin-user",
                ["passwordKey"] = "admin-password",
            },
            ["sidecar"] = new Dictionary<string, object>
            {
                ["dashboards"] = new Dictionary<string, object>
                {
                    ["enabled"] = true,
                    ["label"] = DashboardLabel,
                    ["labelValue"] = DashboardLabelValue,
                    ["searchNamespace"] = "ALL",
                },
            },
        };
        if (args.GrafanaHostname is not null && args.Gateway is { } gateway)
        {
            grafana["route"] = new Dictionary<string, object>
            {
                ["main"] = new Dictionary<string, object>
                {
                    ["enabled"] = true,
                    ["hostnames"] = new[] { args.GrafanaHostname },
                    ["parentRefs"] = new object[] { new Dictionary<string, object> { ["name"] = gateway.Name, ["namespace"] = gateway.Namespace } },
                },
            };
        }

        var prometheus = new Dictionary<string, object> { ["prometheusSpec"] = prometheusSpec };
        var alertmanager = new Dictionary<string, object> { ["alertmanagerSpec"] = alertmanagerSpec };
        if (args.HighAvailability)
        {
            // `toYaml` of the map minus `enabled`: the chart's default minAvailable: 1 keeps one of the two replicas
            // (adding maxUnavailable would render both bounds, which the API rejects).
            prometheus["podDisruptionBudget"] = new Dictionary<string, object> { ["enabled"] = true };
            alertmanager["podDisruptionBudget"] = new Dictionary<string, object> { ["enabled"] = true };
        }

        var values = new Dictionary<string, object>
        {
            ["prometheus"] = prometheus,
            ["alertmanager"] = alertmanager,
            ["grafana"] = grafana,
        };
        if (args.PriorityClassName is not null)
        {
            // The operator, Grafana and kube-state-metrics run one replica each; the monitoring stack is still
            // cluster infrastructure that batch work must not preempt.
            prometheusSpec["priorityClassName"] = args.PriorityClassName;
            alertmanagerSpec["priorityClassName"] = args.PriorityClassName;
            grafana["priorityClassName"] = args.PriorityClassName;
            values["prometheusOperator"] = new Dictionary<string, object> { ["priorityClassName"] = args.PriorityClassName };
            values["kube-state-metrics"] = new Dictionary<string, object> { ["priorityClassName"] = args.PriorityClassName };
            values["prometheus-node-exporter"] = new Dictionary<string, object> { ["priorityClassName"] = args.PriorityClassName };
        }

        if (args.ManagedControlPlane)
        {
            foreach (var component in new[] { "kubeControllerManager", "kubeScheduler", "kubeEtcd" })
            {
                values[component] = new Dictionary<string, object> { ["enabled"] = false };
            }
        }

        if (!args.KubeProxy)
        {
            values["kubeProxy"] = new Dictionary<string, object> { ["enabled"] = false };
        }

        if (args.KubeDns)
        {
            values["coreDns"] = new Dictionary<string, object> { ["enabled"] = false };
            values["kubeDns"] = new Dictionary<string, object> { ["enabled"] = true };
        }

        if (!args.AdditionalDataSources.IsEmpty)
        {
            grafana["additionalDataSources"] = args.AdditionalDataSources.ToArray();
        }

        if (args.ExemplarDestinations is not null)
        {
            prometheusSpec["enableFeatures"] = new[] { "exemplar-storage" };
            ((Dictionary<string, object>)grafana["sidecar"])["datasources"] = new Dictionary<string, object>
            {
                ["exemplarTraceIdDestinations"] = args.ExemplarDestinations,
            };
        }

        return values;
    }

    /// <summary>The labels the operator puts on the Prometheus pods of this release (custom resource <c>kube-prometheus-stack-prometheus</c>).</summary>
    public static IReadOnlyDictionary<string, string> PrometheusPodLabels { get; } = TopologySpread.Labels(
        ("app.kubernetes.io/name", "prometheus"), ("app.kubernetes.io/instance", $"{ReleaseName}-prometheus"));

    /// <summary>The labels the operator puts on the Alertmanager pods of this release.</summary>
    public static IReadOnlyDictionary<string, string> AlertmanagerPodLabels { get; } = TopologySpread.Labels(
        ("app.kubernetes.io/name", "alertmanager"), ("alertmanager", $"{ReleaseName}-alertmanager"));

    private static Dictionary<string, object> Resources(string cpu, string memoryRequest, string memoryLimit) => new()
    {
        ["requests"] = new Dictionary<string, object> { ["cpu"] = cpu, ["memory"] = memoryRequest },
        ["limits"] = new Dictionary<string, object> { ["memory"] = memoryLimit },
    };
}
