using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace MlPlatform.Policies;

/// <summary>A chart version's workloads, as its templates render them.</summary>
/// <param name="Chart">The chart's name.</param>
/// <param name="Version">The chart version the entry was read from.</param>
/// <param name="Components">Its workloads; empty for a chart of CRDs only.</param>
public sealed record ChartAvailabilityEntry(string Chart, string Version, ImmutableArray<ChartComponent> Components)
{
    /// <summary>Every value path the entry reads.</summary>
    public IEnumerable<ChartValue> Values() => Components.SelectMany(c => c.Values());

    /// <summary>
    /// The chart's defaults for the paths the entry reads (what the templates see when the release sets nothing), as
    /// a sparse values tree to coalesce a release's values with.
    /// </summary>
    public JsonObject Defaults()
    {
        // Shorter paths first: a map default (e.g. an empty budget map) is set before keys below it.
        var defaults = new JsonObject();
        foreach (var value in Values().Where(v => v.InDefaults).DistinctBy(v => v.Path).OrderBy(v => v.Path.Length))
        {
            HelmValues.Set(defaults, value.Path, value.Default);
        }

        return defaults;
    }
}

/// <summary>
/// The reviewed table of every catalog chart's workloads: for each, which values set its replicas, whether and with
/// which bounds the chart renders its PodDisruptionBudget, and where its spread, anti-affinity, priority class and
/// pod labels come from, each with the chart's default. Read from the chart templates at the pinned versions (the
/// comments say where); the tests check every path and default against the real values.yaml of that version, and
/// the plan gate (<see cref="DisruptionBudgetRule"/>) evaluates every release against it.
/// </summary>
/// <remarks>
/// A new chart joins with one entry here: read its Deployment/StatefulSet and PodDisruptionBudget templates at the
/// pinned version, describe each workload (replicas, switch, bound candidates in template order, qualifier, fallback,
/// spread, affinity, priority, pod labels), and add its values.yaml to <c>tests/Fixtures/schemas</c>. Until it has an
/// entry, a production plan that installs it fails the gate.
/// </remarks>
public static class ChartAvailability
{
    private const string Zone = "topology.kubernetes.io/zone";
    private const string Host = "kubernetes.io/hostname";

    /// <summary>Every chart's entry.</summary>
    public static ImmutableArray<ChartAvailabilityEntry> Charts { get; } =
    [
        CertManager(), GatewayHelm(), KubePrometheusStack(), GpuOperator(),
        new("kserve-crd", "v0.20.0", []), KserveResources(), Mlflow(), ArgoWorkflows(), ArgoCd(), Kyverno(), ExternalSecrets(),
        Karpenter(), new("karpenter-crd", "1.14.1", []), Keda(), AwsLoadBalancerController(),
        CloudNativePg(), Valkey(),
        Loki(), Tempo(), OpenTelemetryCollector(),
        Tetragon(), ChaosMesh(), Kueue(),
    ];

    /// <summary>The entry of a chart version, or null.</summary>
    public static ChartAvailabilityEntry? Find(string chart, string version) =>
        Charts.FirstOrDefault(c => c.Chart == chart && c.Version == version);

    // templates/{,webhook-,cainjector-}poddisruptionbudget.yaml: `if .enabled`; `hasKey minAvailable`,
    // `hasKey maxUnavailable` each rendered, `minAvailable: 1` when neither key is given. Replicas `replicaCount`;
    // topologySpreadConstraints and affinity copied as given; priorityClassName from global only.
    private static ChartAvailabilityEntry CertManager()
    {
        ChartComponent Component(string name, string prefix, string podName, ValueCondition? enabled = null) => new()
        {
            Name = name,
            EnabledWhen = enabled ?? ValueCondition.Always,
            Replicas = V($"{prefix}replicaCount", 1),
            Budget = new ChartBudget
            {
                Switch = ValueCondition.Truthy(V($"{prefix}podDisruptionBudget.enabled", false)),
                Candidates = [Min(Absent($"{prefix}podDisruptionBudget.minAvailable")), Max(Absent($"{prefix}podDisruptionBudget.maxUnavailable"))],
                Qualifier = BoundQualifier.Present,
                Fallback = new FixedBound(BudgetBound.MinAvailable, 1),
            },
            Scheduling = new SchedulingTemplate
            {
                Spread = [V($"{prefix}topologySpreadConstraints", new JsonArray())],
                Affinity = [V($"{prefix}affinity", new JsonObject())],
                PriorityClass = [V("global.priorityClassName", "")],
                PodLabels = Labels(("app.kubernetes.io/name", podName), ("app.kubernetes.io/instance", "{release}"), ("app.kubernetes.io/component", name)),
            },
        };

        return new("cert-manager", "v1.21.1",
        [
            Component("controller", "", "cert-manager"),
            Component("webhook", "webhook.", "webhook"),
            Component("cainjector", "cainjector.", "cainjector", ValueCondition.Truthy(V("cainjector.enabled", true))),
        ]);
    }

    // templates/envoy-gateway-poddisruptionbudget.yaml: rendered when minAvailable or maxUnavailable is an integer
    // >= 1 (`ge (int …) 1`, so a percentage never renders), each truthy bound rendered. Replicas unless hpa.enabled.
    private static ChartAvailabilityEntry GatewayHelm()
    {
        var min = V("podDisruptionBudget.minAvailable", 0);
        var max = Absent("podDisruptionBudget.maxUnavailable");
        return new("gateway-helm", "v1.9.0",
        [
            new ChartComponent
            {
                Name = "envoy-gateway",
                Replicas = V("deployment.replicas", 1),
                AutoscalingWhen = ValueCondition.Truthy(V("hpa.enabled", false)),
                AutoscalingMinimum = V("hpa.minReplicas", 1),
                Budget = new ChartBudget
                {
                    Switch = ValueCondition.Any(ValueCondition.IntegerAtLeast(min, 1), ValueCondition.IntegerAtLeast(max, 1)),
                    Candidates = [Min(min), Max(max)],
                },
                Scheduling = new SchedulingTemplate
                {
                    Spread = [V("deployment.pod.topologySpreadConstraints", new JsonArray())],
                    Affinity = [V("deployment.pod.affinity", new JsonObject())],
                    PriorityClass = [V("deployment.priorityClassName", null)],
                    PodLabels = Labels(("control-plane", "envoy-gateway"), ("app.kubernetes.io/name", "gateway-helm"), ("app.kubernetes.io/instance", "{release}")),
                },
            },
        ]);
    }

    // templates/{prometheus,alertmanager}/podDisruptionBudget.yaml and prometheus-operator/pdb.yaml: `if .enabled`,
    // then `toYaml (omit . "enabled")`: every key given is rendered, so the default minAvailable: 1 stays next to a
    // maxUnavailable. The operator's Deployment has `replicas: 1` in its template. Prometheus and Alertmanager pods
    // are created by the operator, labelled from the custom resource's name (`<fullname>-prometheus`, where fullname
    // is the release name when it contains the chart name, as the platform's does). Grafana and kube-state-metrics
    // are subcharts: their PDB renders when the map is not empty.
    private static ChartAvailabilityEntry KubePrometheusStack()
    {
        ChartComponent Operated(string name, string prefix, string spec, ImmutableDictionary<string, string> labels) => new()
        {
            Name = name,
            EnabledWhen = ValueCondition.Truthy(V($"{prefix}.enabled", true)),
            Replicas = V($"{prefix}.{spec}.replicas", 1),
            Budget = new ChartBudget
            {
                Switch = ValueCondition.Truthy(V($"{prefix}.podDisruptionBudget.enabled", false)),
                Candidates = [Min(V($"{prefix}.podDisruptionBudget.minAvailable", 1)), Max(Absent($"{prefix}.podDisruptionBudget.maxUnavailable"))],
                Qualifier = BoundQualifier.Present,
            },
            Scheduling = new SchedulingTemplate
            {
                Spread = [V($"{prefix}.{spec}.topologySpreadConstraints", new JsonArray())],
                Affinity = [V($"{prefix}.{spec}.affinity", new JsonObject())],
                Presets = [new(ValueCondition.Truthy(V($"{prefix}.{spec}.podAntiAffinity", "soft")), [Host], V($"{prefix}.{spec}.podAntiAffinityTopologyKey", Host))],
                PriorityClass = [V($"{prefix}.{spec}.priorityClassName", "")],
                PodLabels = labels,
            },
        };

        return new("kube-prometheus-stack", "88.5.3",
        [
            Operated("prometheus", "prometheus", "prometheusSpec", Labels(
                ("app.kubernetes.io/name", "prometheus"), ("app.kubernetes.io/instance", "{release}-prometheus"), ("operator.prometheus.io/name", "{release}-prometheus"))),
            Operated("alertmanager", "alertmanager", "alertmanagerSpec", Labels(
                ("app.kubernetes.io/name", "alertmanager"), ("alertmanager", "{release}-alertmanager"))),
            new ChartComponent
            {
                Name = "prometheus-operator",
                EnabledWhen = ValueCondition.Truthy(V("prometheusOperator.enabled", true)),
                Budget = new ChartBudget
                {
                    Switch = ValueCondition.Truthy(V("prometheusOperator.podDisruptionBudget.enabled", false)),
                    Candidates = [Min(V("prometheusOperator.podDisruptionBudget.minAvailable", 1)), Max(Absent("prometheusOperator.podDisruptionBudget.maxUnavailable"))],
                    Qualifier = BoundQualifier.Present,
                },
                Scheduling = new SchedulingTemplate
                {
                    Affinity = [V("prometheusOperator.affinity", new JsonObject())],
                    PriorityClass = [Absent("prometheusOperator.priorityClassName")],
                    PodLabels = Labels(("app", "kube-prometheus-stack-operator"), ("release", "{release}")),
                },
            },
            new ChartComponent
            {
                Name = "grafana",
                EnabledWhen = ValueCondition.Truthy(V("grafana.enabled", true)),
                Replicas = V("grafana.replicas", 1),
                AutoscalingWhen = ValueCondition.Truthy(V("grafana.autoscaling.enabled", false)),
                AutoscalingMinimum = V("grafana.autoscaling.minReplicas", 1),
                Budget = new ChartBudget
                {
                    Switch = ValueCondition.Truthy(V("grafana.podDisruptionBudget", new JsonObject())),
                    Candidates = [Min(Absent("grafana.podDisruptionBudget.minAvailable")), Max(Absent("grafana.podDisruptionBudget.maxUnavailable"))],
                },
                Scheduling = new SchedulingTemplate
                {
                    Spread = [V("grafana.topologySpreadConstraints", new JsonArray())],
                    Affinity = [V("grafana.affinity", new JsonObject())],
                    PriorityClass = [Absent("grafana.priorityClassName")],
                    PodLabels = Labels(("app.kubernetes.io/name", "grafana"), ("app.kubernetes.io/instance", "{release}")),
                },
            },
            new ChartComponent
            {
                Name = "kube-state-metrics",
                EnabledWhen = ValueCondition.Truthy(V("kubeStateMetrics.enabled", true)),
                Replicas = V("kube-state-metrics.replicas", 1),
                Budget = new ChartBudget
                {
                    Switch = ValueCondition.Truthy(V("kube-state-metrics.podDisruptionBudget", new JsonObject())),
                    Candidates = [Min(Absent("kube-state-metrics.podDisruptionBudget.minAvailable")), Max(Absent("kube-state-metrics.podDisruptionBudget.maxUnavailable"))],
                    Qualifier = BoundQualifier.Present,
                },
                Scheduling = new SchedulingTemplate
                {
                    PriorityClass = [Absent("kube-state-metrics.priorityClassName")],
                    PodLabels = Labels(("app.kubernetes.io/name", "kube-state-metrics"), ("app.kubernetes.io/instance", "{release}")),
                },
            },
        ]);
    }

    // templates/operator.yaml has `replicas: 1`; node-feature-discovery's master-pdb.yaml and nfd-gc-pdb.yaml render
    // `toYaml (omit . "enable")` when `enable`.
    private static ChartAvailabilityEntry GpuOperator()
    {
        ChartComponent Nfd(string name, string prefix) => new()
        {
            Name = $"node-feature-discovery-{name}",
            EnabledWhen = ValueCondition.All(ValueCondition.Truthy(V("nfd.enabled", true)), ValueCondition.Truthy(V($"node-feature-discovery.{prefix}.enable", true))),
            Replicas = V($"node-feature-discovery.{prefix}.replicaCount", 1),
            Budget = new ChartBudget
            {
                Switch = ValueCondition.Truthy(V($"node-feature-discovery.{prefix}.podDisruptionBudget.enable", false)),
                Candidates = [Min(V($"node-feature-discovery.{prefix}.podDisruptionBudget.minAvailable", 1)), Max(Absent($"node-feature-discovery.{prefix}.podDisruptionBudget.maxUnavailable"))],
                Qualifier = BoundQualifier.Present,
            },
            Scheduling = new SchedulingTemplate
            {
                Affinity = [V($"node-feature-discovery.{prefix}.affinity", prefix == "master" ? PreferControlPlane() : new JsonObject())],
                PriorityClass = [V("node-feature-discovery.priorityClassName", "system-node-critical")],
                PodLabels = Labels(("app.kubernetes.io/name", "node-feature-discovery"), ("app.kubernetes.io/instance", "{release}"), ("role", name)),
            },
        };

        return new("gpu-operator", "v26.7.0",
        [
            new ChartComponent
            {
                Name = "gpu-operator",
                Budget = new NoBudget("templates/operator.yaml fixes replicas: 1 and renders no PodDisruptionBudget"),
                Scheduling = new SchedulingTemplate
                {
                    Affinity = [V("operator.affinity", PreferControlPlane())],
                    PriorityClass = [V("operator.priorityClassName", "system-node-critical")],
                    PodLabels = Labels(("app", "gpu-operator")),
                },
            },
            Nfd("master", "master"),
            Nfd("gc", "gc"),
        ]);
    }

    // The gpu-operator's and nfd-master's default affinity: prefer control-plane nodes.
    private static JsonObject PreferControlPlane() => new()
    {
        ["nodeAffinity"] = new JsonObject
        {
            ["preferredDuringSchedulingIgnoredDuringExecution"] = new JsonArray(new JsonObject
            {
                ["weight"] = 1,
                ["preference"] = new JsonObject
                {
                    ["matchExpressions"] = new JsonArray(new JsonObject
                    {
                        ["key"] = "node-role.kubernetes.io/control-plane",
                        ["operator"] = "In",
                        ["values"] = new JsonArray(""),
                    }),
                },
            }),
        },
    };

    // files/kserve/resources.yaml: the controller Deployment is a fixed manifest without replicas, merged with
    // files/kserve/deployment-patch.yaml, which templates only labels, scheduling and containers.
    private static ChartAvailabilityEntry KserveResources() => new("kserve-resources", "v0.20.0",
    [
        new ChartComponent
        {
            Name = "kserve-controller-manager",
            Budget = new NoBudget("the Deployment comes from a fixed manifest with no replicas, PodDisruptionBudget or priority value"),
            Scheduling = new SchedulingTemplate
            {
                Spread = [V("kserve.controller.topologySpreadConstraints", new JsonArray())],
                Affinity = [V("kserve.controller.affinity", new JsonObject())],
                PodLabels = Labels(("control-plane", "kserve-controller-manager"), ("controller-tools.k8s.io", "1.0")),
            },
        },
    ]);

    // templates/deployment.yaml: replicas unless autoscaling; no PodDisruptionBudget and no topology spread
    // template, only affinity. The platform creates the budget (components/Addons/Mlflow.cs).
    private static ChartAvailabilityEntry Mlflow()
    {
        var labels = Labels(("app", "mlflow"), ("app.kubernetes.io/name", "mlflow"), ("app.kubernetes.io/instance", "{release}"));
        return new("mlflow", "1.11.5",
        [
            new ChartComponent
            {
                Name = "mlflow",
                Replicas = V("replicaCount", 1),
                AutoscalingWhen = ValueCondition.Truthy(V("autoscaling.enabled", false)),
                AutoscalingMinimum = V("autoscaling.minReplicas", 1),
                Budget = new PlatformBudget(labels),
                Scheduling = new SchedulingTemplate
                {
                    Affinity = [V("affinity", new JsonObject())],
                    PriorityClass = [V("priorityClassName", "")],
                    PodLabels = labels,
                },
            },
        ]);
    }

    // templates/{controller/workflow-controller,server/server}-deployment-pdb.yaml: `if minAvailable … else if
    // maxUnavailable … else minAvailable: 0` (truthy), so an enabled PDB without bounds protects nothing.
    // topologySpreadConstraints without a labelSelector get the component's selector.
    private static ChartAvailabilityEntry ArgoWorkflows()
    {
        ChartComponent Component(string name, string prefix, string podName, bool autoscaling, ValueCondition? enabled = null) => new()
        {
            Name = name,
            EnabledWhen = enabled ?? ValueCondition.Always,
            Replicas = V($"{prefix}.replicas", 1),
            AutoscalingWhen = autoscaling ? ValueCondition.Truthy(V($"{prefix}.autoscaling.enabled", false)) : null,
            AutoscalingMinimum = autoscaling ? V($"{prefix}.autoscaling.minReplicas", 1) : null,
            Budget = new ChartBudget
            {
                Switch = ValueCondition.Truthy(V($"{prefix}.pdb.enabled", false)),
                Candidates = [Min(Absent($"{prefix}.pdb.minAvailable")), Max(Absent($"{prefix}.pdb.maxUnavailable"))],
                Selection = BoundSelection.First,
                Fallback = new FixedBound(BudgetBound.MinAvailable, 0),
            },
            Scheduling = new SchedulingTemplate
            {
                Spread = [V($"{prefix}.topologySpreadConstraints", new JsonArray())],
                SpreadSelectorDefaulted = true,
                Affinity = [V($"{prefix}.affinity", new JsonObject())],
                PriorityClass = [V($"{prefix}.priorityClassName", "")],
                PodLabels = Labels(("app.kubernetes.io/name", $"argo-workflows-{podName}"), ("app.kubernetes.io/instance", "{release}")),
            },
        };

        return new("argo-workflows", "1.0.18",
        [
            Component("workflow-controller", "controller", "workflow-controller", autoscaling: false),
            Component("server", "server", "server", autoscaling: true, ValueCondition.Truthy(V("server.enabled", true))),
        ]);
    }

    // templates/argocd-*/pdb.yaml: `with maxUnavailable … else minAvailable: (minAvailable | default 0)`, so an
    // enabled PDB without bounds renders minAvailable: 0. Spread from the component's list or global's, given the
    // component's selector; anti-affinity from the component's affinity or the global preset (soft: hostname).
    // redis-ha (subchart): redis-ha-pdb.yaml and redis-haproxy-pdb.yaml render `toYaml` of the map when it is not
    // empty; hardAntiAffinity spreads over hosts, topologySpreadConstraints.enabled over zones (its default key).
    private static ChartAvailabilityEntry ArgoCd()
    {
        var redisHa = V("redis-ha.enabled", false);
        var globalPreset = V("global.affinity.podAntiAffinity", "soft");
        ChartComponent Component(string name, string prefix, ValueCondition? enabled = null, bool autoscaling = false, bool fixedReplicas = false) => new()
        {
            Name = name,
            EnabledWhen = enabled ?? ValueCondition.Always,
            Replicas = fixedReplicas ? null : V($"{prefix}.replicas", 1),
            AutoscalingWhen = autoscaling ? ValueCondition.Truthy(V($"{prefix}.autoscaling.enabled", false)) : null,
            AutoscalingMinimum = autoscaling ? V($"{prefix}.autoscaling.minReplicas", 1) : null,
            Budget = new ChartBudget
            {
                Switch = ValueCondition.Truthy(V($"{prefix}.pdb.enabled", false)),
                Candidates = [Max(V($"{prefix}.pdb.maxUnavailable", "")), Min(V($"{prefix}.pdb.minAvailable", ""))],
                Selection = BoundSelection.First,
                Fallback = new FixedBound(BudgetBound.MinAvailable, 0),
            },
            Scheduling = new SchedulingTemplate
            {
                Spread = [V($"{prefix}.topologySpreadConstraints", new JsonArray()), V("global.topologySpreadConstraints", new JsonArray())],
                SpreadSelectorDefaulted = true,
                Affinity = [V($"{prefix}.affinity", new JsonObject())],
                Presets = [new(ValueCondition.All(ValueCondition.Falsy(V($"{prefix}.affinity", new JsonObject())), ValueCondition.Truthy(globalPreset)), [Host])],
                PriorityClass = [V($"{prefix}.priorityClassName", ""), V("global.priorityClassName", "")],
                PodLabels = Labels(("app.kubernetes.io/name", $"argocd-{name}"), ("app.kubernetes.io/instance", "{release}")),
            },
        };

        var zoneSpread = new SchedulingPreset(ValueCondition.Truthy(V("redis-ha.topologySpreadConstraints.enabled", false)), [Zone], V("redis-ha.topologySpreadConstraints.topologyKey", ""));
        ChartComponent Redis(string name, string prefix, ImmutableDictionary<string, string> labels, ValueCondition enabled) => new()
        {
            Name = name,
            EnabledWhen = enabled,
            Replicas = V($"{prefix}.replicas", 3),
            Budget = new ChartBudget
            {
                Switch = ValueCondition.Truthy(V($"{prefix}.podDisruptionBudget", new JsonObject())),
                Candidates = [Min(Absent($"{prefix}.podDisruptionBudget.minAvailable")), Max(Absent($"{prefix}.podDisruptionBudget.maxUnavailable"))],
                Qualifier = BoundQualifier.Present,
            },
            Scheduling = new SchedulingTemplate
            {
                Presets = [zoneSpread, new(ValueCondition.Falsy(V($"{prefix}.affinity", "")), [Host])],
                PriorityClass = [V($"{prefix}.priorityClassName", ""), V("redis-ha.global.priorityClassName", "")],
                PodLabels = labels,
            },
        };

        return new("argo-cd", "10.1.1",
        [
            Component("application-controller", "controller"),
            Component("server", "server", autoscaling: true),
            Component("repo-server", "repoServer", autoscaling: true),
            Component("applicationset-controller", "applicationSet"),
            Component("notifications-controller", "notifications", ValueCondition.Truthy(V("notifications.enabled", true)), fixedReplicas: true),
            Component("dex-server", "dex", ValueCondition.Truthy(V("dex.enabled", true)), fixedReplicas: true),
            Component("redis", "redis", ValueCondition.All(ValueCondition.Truthy(V("redis.enabled", true)), ValueCondition.Falsy(redisHa)), fixedReplicas: true),
            Redis("redis-ha", "redis-ha", Labels(("app", "redis-ha"), ("release", "{release}")), ValueCondition.Truthy(redisHa)),
            Redis("redis-ha-haproxy", "redis-ha.haproxy", Labels(("app", "redis-ha-haproxy"), ("release", "{release}"), ("component", "haproxy")),
                ValueCondition.All(ValueCondition.Truthy(redisHa), ValueCondition.Truthy(V("redis-ha.haproxy.enabled", true)))),
        ]);
    }

    // templates/*/poddisruptionbudget.yaml: rendered when `podDisruptionBudget.enabled` or replicas > 1;
    // templates/_helpers/_pdb.tpl fails when both bounds are truthy, renders maxUnavailable when truthy, otherwise
    // `minAvailable: default 1`. Replicas default to null (one pod); spread constraints are copied as given.
    private static ChartAvailabilityEntry Kyverno()
    {
        ChartComponent Controller(string name, string prefix, bool optional) => new()
        {
            Name = name,
            EnabledWhen = optional ? ValueCondition.Truthy(V($"{prefix}.enabled", true)) : ValueCondition.Always,
            Replicas = V($"{prefix}.replicas", null),
            AutoscalingWhen = optional ? null : ValueCondition.Truthy(V($"{prefix}.autoscaling.enabled", false)),
            AutoscalingMinimum = optional ? null : V($"{prefix}.autoscaling.minReplicas", 1),
            Budget = new ChartBudget
            {
                Switch = ValueCondition.Any(ValueCondition.Truthy(V($"{prefix}.podDisruptionBudget.enabled", false)), ValueCondition.ReplicasAbove(1)),
                Candidates = [Max(V($"{prefix}.podDisruptionBudget.maxUnavailable", null)), Min(V($"{prefix}.podDisruptionBudget.minAvailable", 1))],
                Fallback = new FixedBound(BudgetBound.MinAvailable, 1),
                FailsOnBothBounds = true,
            },
            Scheduling = new SchedulingTemplate
            {
                Spread = [V($"{prefix}.topologySpreadConstraints", new JsonArray())],
                Presets = [new(ValueCondition.Truthy(V($"{prefix}.antiAffinity.enabled", true)), [Host])],
                PriorityClass = [V($"{prefix}.priorityClassName", ""), V("global.priorityClassName", "")],
                PodLabels = Labels(("app.kubernetes.io/part-of", "{release}"), ("app.kubernetes.io/instance", "{release}"), ("app.kubernetes.io/component", name)),
            },
        };

        return new("kyverno", "3.9.0",
        [
            Controller("admission-controller", "admissionController", optional: false),
            Controller("background-controller", "backgroundController", optional: true),
            Controller("cleanup-controller", "cleanupController", optional: true),
            Controller("reports-controller", "reportsController", optional: true),
        ]);
    }

    // templates/*poddisruptionbudget.yaml: `if hasKey maxUnavailable … else if hasKey minAvailable`; spread from the
    // component's list or global's, given the component's selector.
    private static ChartAvailabilityEntry ExternalSecrets()
    {
        ChartComponent Component(string name, string prefix, ValueCondition enabled) => new()
        {
            Name = name,
            EnabledWhen = enabled,
            Replicas = V($"{prefix}replicaCount", 1),
            Budget = new ChartBudget
            {
                Switch = ValueCondition.Truthy(V($"{prefix}podDisruptionBudget.enabled", false)),
                Candidates = [Max(Absent($"{prefix}podDisruptionBudget.maxUnavailable")), Min(V($"{prefix}podDisruptionBudget.minAvailable", 1))],
                Qualifier = BoundQualifier.Present,
                Selection = BoundSelection.First,
            },
            Scheduling = new SchedulingTemplate
            {
                Spread = [V($"{prefix}topologySpreadConstraints", new JsonArray()), V("global.topologySpreadConstraints", new JsonArray())],
                SpreadSelectorDefaulted = true,
                Affinity = [V($"{prefix}affinity", new JsonObject()), V("global.affinity", new JsonObject())],
                PriorityClass = [V($"{prefix}priorityClassName", "")],
                PodLabels = Labels(("app.kubernetes.io/name", name), ("app.kubernetes.io/instance", "{release}")),
            },
        };

        return new("external-secrets", "2.9.0",
        [
            Component("external-secrets", "", ValueCondition.Always),
            Component("external-secrets-webhook", "webhook.", ValueCondition.Truthy(V("webhook.create", true))),
            Component("external-secrets-cert-controller", "certController.", ValueCondition.All(
                ValueCondition.Truthy(V("certController.create", true)), ValueCondition.Falsy(V("webhook.certManager.enabled", false)))),
        ]);
    }

    // templates/poddisruptionbudget.yaml: always rendered, `maxUnavailable: {{ .maxUnavailable }}`. The chart's
    // defaults spread over zones (DoNotSchedule) and keep replicas off each other's node (required anti-affinity),
    // and selectors left out of either are filled in (karpenter.patchTopologySpreadConstraints, patchAffinity).
    private static ChartAvailabilityEntry Karpenter() => new("karpenter", "1.14.1",
    [
        new ChartComponent
        {
            Name = "karpenter",
            Replicas = V("replicas", 2),
            Budget = new ChartBudget
            {
                Switch = ValueCondition.Always,
                Candidates = [Max(V("podDisruptionBudget.maxUnavailable", 1))],
                Qualifier = BoundQualifier.Present,
            },
            Scheduling = new SchedulingTemplate
            {
                Spread = [V("topologySpreadConstraints", new JsonArray(new JsonObject
                {
                    ["maxSkew"] = 1, ["topologyKey"] = Zone, ["whenUnsatisfiable"] = "DoNotSchedule",
                }))],
                SpreadSelectorDefaulted = true,
                Affinity = [V("affinity", new JsonObject
                {
                    ["nodeAffinity"] = new JsonObject
                    {
                        ["requiredDuringSchedulingIgnoredDuringExecution"] = new JsonObject
                        {
                            ["nodeSelectorTerms"] = new JsonArray(new JsonObject
                            {
                                ["matchExpressions"] = new JsonArray(new JsonObject { ["key"] = "karpenter.sh/nodepool", ["operator"] = "DoesNotExist" }),
                            }),
                        },
                    },
                    ["podAntiAffinity"] = new JsonObject
                    {
                        ["requiredDuringSchedulingIgnoredDuringExecution"] = new JsonArray(new JsonObject { ["topologyKey"] = Host }),
                    },
                })],
                AffinitySelectorDefaulted = true,
                PriorityClass = [V("priorityClassName", "system-cluster-critical")],
                PodLabels = Labels(("app.kubernetes.io/name", "karpenter"), ("app.kubernetes.io/instance", "{release}")),
            },
        },
    ]);

    // templates/{manager,metrics-server,webhooks}/poddisruptionbudget.yaml: rendered when the shared
    // podDisruptionBudget.minAvailable/maxUnavailable or the component's map is truthy; every truthy bound of both
    // is rendered (the same bound from both renders the key twice).
    private static ChartAvailabilityEntry Keda()
    {
        var sharedMin = Absent("podDisruptionBudget.minAvailable");
        var sharedMax = Absent("podDisruptionBudget.maxUnavailable");
        ChartComponent Component(string name, string prefix, string budget, string spread, string podApp, ValueCondition enabled) => new()
        {
            Name = name,
            EnabledWhen = enabled,
            Replicas = V($"{prefix}.replicaCount", 1),
            Budget = new ChartBudget
            {
                Switch = ValueCondition.Any(ValueCondition.Truthy(sharedMin), ValueCondition.Truthy(sharedMax), ValueCondition.Truthy(V($"podDisruptionBudget.{budget}", new JsonObject()))),
                Candidates = [Min(sharedMin), Max(sharedMax), Min(Absent($"podDisruptionBudget.{budget}.minAvailable")), Max(Absent($"podDisruptionBudget.{budget}.maxUnavailable"))],
            },
            Scheduling = new SchedulingTemplate
            {
                Spread = [V($"topologySpreadConstraints.{spread}", new JsonArray())],
                Affinity = [V($"{prefix}.affinity", new JsonObject()), V("affinity", new JsonObject())],
                PriorityClass = [V("priorityClassName", "")],
                PodLabels = Labels(("app", podApp)),
            },
        };

        return new("keda", "2.20.2",
        [
            Component("keda-operator", "operator", "operator", "operator", "keda-operator", ValueCondition.Always),
            Component("keda-operator-metrics-apiserver", "metricsServer", "metricServer", "metricsServer", "keda-operator-metrics-apiserver",
                ValueCondition.Truthy(V("metricsServer.enabled", true))),
            Component("keda-admission-webhooks", "webhooks", "webhooks", "webhooks", "keda-admission-webhooks", ValueCondition.Truthy(V("webhooks.enabled", true))),
        ]);
    }

    // templates/pdb.yaml: rendered when the map is not empty and replicaCount > 1, as `toYaml` of the map.
    // Without an affinity, configureDefaultAffinity keeps replicas off each other's node.
    private static ChartAvailabilityEntry AwsLoadBalancerController() => new("aws-load-balancer-controller", "3.5.0",
    [
        new ChartComponent
        {
            Name = "aws-load-balancer-controller",
            Replicas = V("replicaCount", 2),
            AutoscalingWhen = ValueCondition.Truthy(V("autoscaling.enabled", false)),
            AutoscalingMinimum = V("autoscaling.minReplicas", 1),
            Budget = new ChartBudget
            {
                Switch = ValueCondition.All(ValueCondition.Truthy(V("podDisruptionBudget", new JsonObject())), ValueCondition.ReplicasAbove(1)),
                Candidates = [Min(Absent("podDisruptionBudget.minAvailable")), Max(Absent("podDisruptionBudget.maxUnavailable"))],
                Qualifier = BoundQualifier.Present,
            },
            Scheduling = new SchedulingTemplate
            {
                Spread = [V("topologySpreadConstraints", new JsonArray())],
                Affinity = [V("affinity", new JsonObject())],
                Presets = [new(ValueCondition.All(ValueCondition.Falsy(V("affinity", new JsonObject())), ValueCondition.Truthy(V("configureDefaultAffinity", true))), [Host])],
                PriorityClass = [V("priorityClassName", "system-cluster-critical")],
                PodLabels = Labels(("app.kubernetes.io/name", "aws-load-balancer-controller"), ("app.kubernetes.io/instance", "{release}")),
            },
        },
    ]);

    // templates/_pdb.tpl (loki.pdb), used by monolithic/, write/, read/ and backend/pdb.yaml: rendered when the
    // component's podDisruptionBudget.enabled holds and it runs more than one replica (or its autoscaler's minimum
    // does), with the component's deprecated maxUnavailable and every non-null key of its podDisruptionBudget map
    // (the same bound from both: the map's wins). The monolithic budget merges the top-level podDisruptionBudget in.
    // Priority: the component's priorityClassName, else defaults.priorityClassName (loki.priorityClassName helper).
    private static ChartAvailabilityEntry Loki()
    {
        ChartComponent Component(string name, string prefix, int replicas, object? maxUnavailable, string component) => new()
        {
            Name = name,
            Replicas = V($"{prefix}.replicas", replicas),
            AutoscalingWhen = ValueCondition.Truthy(V($"{prefix}.autoscaling.enabled", false)),
            AutoscalingMinimum = V($"{prefix}.autoscaling.minReplicas", prefix == "backend" ? 3 : prefix == "singleBinary" ? 1 : 2),
            Budget = new ChartBudget
            {
                Switch = ValueCondition.All(ValueCondition.Truthy(V($"{prefix}.podDisruptionBudget.enabled", true)), ValueCondition.ReplicasAbove(1)),
                Candidates =
                [
                    Max(maxUnavailable is null ? Absent($"{prefix}.maxUnavailable") : V($"{prefix}.maxUnavailable", maxUnavailable)),
                    Min(V($"{prefix}.podDisruptionBudget.minAvailable", null)),
                    Max(V($"{prefix}.podDisruptionBudget.maxUnavailable", null)),
                ],
                Qualifier = BoundQualifier.Present,
                Selection = BoundSelection.Every,
            },
            Scheduling = new SchedulingTemplate
            {
                Spread = [V($"{prefix}.topologySpreadConstraints", new JsonArray())],
                PriorityClass = [V($"{prefix}.priorityClassName", null), V("defaults.priorityClassName", "")],
                PodLabels = Labels(("app.kubernetes.io/name", "loki"), ("app.kubernetes.io/instance", "{release}"), ("app.kubernetes.io/component", component)),
            },
        };

        return new("loki", "18.11.0",
        [
            Component("single-binary", "singleBinary", 0, null, "single-binary"),
            Component("write", "write", 3, 1, "write"),
            Component("read", "read", 3, 1, "read"),
            Component("backend", "backend", 3, 1, "backend"),
        ]);
    }

    // templates/statefulset.yaml: `replicas: {{ .Values.replicas }}`; the chart has no PodDisruptionBudget template.
    private static ChartAvailabilityEntry Tempo() => new("tempo", "2.2.4",
    [
        new ChartComponent
        {
            Name = "tempo",
            Replicas = V("replicas", 1),
            Budget = new NoBudget("the chart (single binary) has no PodDisruptionBudget template"),
            Scheduling = new SchedulingTemplate
            {
                Affinity = [V("affinity", new JsonObject())],
                PriorityClass = [V("priorityClassName", null)],
                PodLabels = Labels(("app.kubernetes.io/name", "tempo"), ("app.kubernetes.io/instance", "{release}")),
            },
        },
    ]);

    // tetragon 1.7.0: templates/daemonset.yaml runs the agent on every node (no replicas, no PodDisruptionBudget: a
    // drain moves nothing, the node's agent goes with it); templates/operator_deployment.yaml, `replicas:
    // {{ .Values.tetragonOperator.replicas }}` (1), no PodDisruptionBudget template. The operator only maintains
    // CRDs and pod info: while it is down the agents keep enforcing the loaded policies.
    private static ChartAvailabilityEntry Tetragon() => new("tetragon", "1.7.0",
    [
        new ChartComponent
        {
            Name = "tetragon",
            Budget = new NoBudget("a DaemonSet: one agent per node, drained with its node"),
            Scheduling = new SchedulingTemplate
            {
                Affinity = [V("affinity", new JsonObject())],
                PriorityClass = [V("priorityClassName", "")],
                PodLabels = Labels(("app.kubernetes.io/name", "tetragon"), ("app.kubernetes.io/instance", "{release}")),
            },
        },
        new ChartComponent
        {
            Name = "tetragon-operator",
            Replicas = V("tetragonOperator.replicas", 1),
            Budget = new NoBudget("the chart has no PodDisruptionBudget template for the operator"),
            Scheduling = new SchedulingTemplate
            {
                Affinity = [V("tetragonOperator.affinity", JsonNode.Parse("""
                    {"podAntiAffinity":{"preferredDuringSchedulingIgnoredDuringExecution":[{"weight":100,"podAffinityTerm":
                    {"topologyKey":"kubernetes.io/hostname","labelSelector":{"matchLabels":{"app.kubernetes.io/name":"tetragon-operator"}}}}]}}
                    """))],
                PriorityClass = [V("tetragonOperator.priorityClassName", "")],
                PodLabels = Labels(("app.kubernetes.io/name", "tetragon-operator"), ("app.kubernetes.io/instance", "{release}")),
            },
        },
    ]);

    // chaos-mesh 2.8.3: templates/controller-manager-deployment.yaml, `replicas: {{ .Values.controllerManager.replicaCount }}`
    // (3; leader-elected), templates/chaos-dashboard-deployment.yaml `replicas: {{ .Values.dashboard.replicaCount }}`
    // (1) when dashboard.create, templates/dns-deployment.yaml `replicas: {{ .Values.dnsServer.replicas }}` (1) when
    // dnsServer.create; the chaos daemon is a DaemonSet. No PodDisruptionBudget template for any of them.
    private static ChartAvailabilityEntry ChaosMesh()
    {
        ChartComponent Component(string name, string prefix, string replicas, int replicaDefault, ValueCondition? enabled = null) => new()
        {
            Name = name,
            EnabledWhen = enabled ?? ValueCondition.Always,
            Replicas = V($"{prefix}.{replicas}", replicaDefault),
            Budget = new NoBudget("the chart has no PodDisruptionBudget template"),
            Scheduling = new SchedulingTemplate
            {
                Affinity = [V($"{prefix}.affinity", prefix == "dnsServer" ? DnsServerAffinity() : new JsonObject())],
                PriorityClass = [V($"{prefix}.priorityClassName", "")],
                PodLabels = Labels(("app.kubernetes.io/name", "chaos-mesh"), ("app.kubernetes.io/instance", "{release}"), ("app.kubernetes.io/component", name)),
            },
        };

        return new("chaos-mesh", "2.8.3",
        [
            Component("controller-manager", "controllerManager", "replicaCount", 3),
            Component("chaos-dashboard", "dashboard", "replicaCount", 1, ValueCondition.Truthy(V("dashboard.create", true))),
            Component("chaos-dns-server", "dnsServer", "replicas", 1, ValueCondition.Truthy(V("dnsServer.create", true))),
            new ChartComponent
            {
                Name = "chaos-daemon",
                Budget = new NoBudget("a DaemonSet: one daemon per node, drained with its node"),
                Scheduling = new SchedulingTemplate
                {
                    Affinity = [V("chaosDaemon.affinity", new JsonObject())],
                    PriorityClass = [V("chaosDaemon.priorityClassName", "")],
                    PodLabels = Labels(("app.kubernetes.io/name", "chaos-mesh"), ("app.kubernetes.io/instance", "{release}"), ("app.kubernetes.io/component", "chaos-daemon")),
                },
            },
        ]);
    }

    // chaos-mesh 2.8.3's default dnsServer.affinity: spread the DNS servers over nodes.
    private static JsonNode DnsServerAffinity() => JsonNode.Parse("""
        {"podAntiAffinity":{"preferredDuringSchedulingIgnoredDuringExecution":[{"podAffinityTerm":{"labelSelector":
        {"matchExpressions":[{"key":"app.kubernetes.io/component","operator":"In","values":["chaos-dns-server"]}]},
        "topologyKey":"kubernetes.io/hostname"},"weight":100}]}}
        """)!;

    // templates/pdb.yaml: rendered in deployment and statefulset modes when podDisruptionBudget.enabled, with each
    // truthy bound. A daemonset release runs one pod per node (no budget, replicaCount unused: one replica here).
    // templates/_pod.tpl copies affinity and topologySpreadConstraints as given, priorityClassName when set.
    private static ChartAvailabilityEntry OpenTelemetryCollector() => new("opentelemetry-collector", "0.170.0",
    [
        new ChartComponent
        {
            Name = "opentelemetry-collector",
            Replicas = V("replicaCount", 1),
            AutoscalingWhen = ValueCondition.Truthy(V("autoscaling.enabled", false)),
            AutoscalingMinimum = V("autoscaling.minReplicas", 1),
            Budget = new ChartBudget
            {
                Switch = ValueCondition.Truthy(V("podDisruptionBudget.enabled", false)),
                Candidates = [Min(Absent("podDisruptionBudget.minAvailable")), Max(Absent("podDisruptionBudget.maxUnavailable"))],
            },
            Scheduling = new SchedulingTemplate
            {
                Spread = [V("topologySpreadConstraints", new JsonArray())],
                Affinity = [V("affinity", new JsonObject())],
                PriorityClass = [V("priorityClassName", "")],
                PodLabels = Labels(("app.kubernetes.io/name", "opentelemetry-collector"), ("app.kubernetes.io/instance", "{release}")),
            },
        },
    ]);

    // kueue 0.19.2: templates/manager/manager.yaml, `replicas: {{ .Values.controllerManager.replicas }}` (1),
    // topologySpreadConstraints copied as given, priorityClassName from controllerManager.manager, no affinity value;
    // templates/manager/manager-pdb.yaml renders when controllerManager.podDisruptionBudget.enabled, with
    // `minAvailable: {{ .minAvailable }}` (1). Pods carry kueue.selectorLabels.
    private static ChartAvailabilityEntry Kueue() => new("kueue", "0.19.2",
    [
        new ChartComponent
        {
            Name = "kueue-controller-manager",
            Replicas = V("controllerManager.replicas", 1),
            Budget = new ChartBudget
            {
                Switch = ValueCondition.Truthy(V("controllerManager.podDisruptionBudget.enabled", false)),
                Candidates = [Min(V("controllerManager.podDisruptionBudget.minAvailable", 1))],
            },
            Scheduling = new SchedulingTemplate
            {
                Spread = [V("controllerManager.topologySpreadConstraints", new JsonArray())],
                PriorityClass = [V("controllerManager.manager.priorityClassName", null)],
                PodLabels = Labels(("app.kubernetes.io/name", "kueue"), ("app.kubernetes.io/instance", "{release}"), ("control-plane", "controller-manager")),
            },
        },
    ]);

    // cloudnative-pg 0.29.0: templates/deployment.yaml, `replicas: {{ .Values.replicaCount }}` (1); the chart has no
    // PodDisruptionBudget template at this version (values.yaml has no podDisruptionBudget key). The operator
    // elects a leader, and one replica is the supported setup: a drain restarts it elsewhere, the databases keep running.
    private static ChartAvailabilityEntry CloudNativePg() => new("cloudnative-pg", "0.29.0",
    [
        new ChartComponent
        {
            Name = "cloudnative-pg",
            Replicas = V("replicaCount", 1),
            Budget = new PlatformBudget(Labels(("app.kubernetes.io/name", "cloudnative-pg"), ("app.kubernetes.io/instance", "{release}"))),
            Scheduling = new SchedulingTemplate
            {
                Spread = [V("topologySpreadConstraints", new JsonArray())],
                Affinity = [V("affinity", new JsonObject())],
                PriorityClass = [V("priorityClassName", "")],
                PodLabels = Labels(("app.kubernetes.io/name", "cloudnative-pg"), ("app.kubernetes.io/instance", "{release}")),
            },
        },
    ]);

    // valkey 0.11.0: templates/statefulset.yaml runs replica.replicas + 1 pods when replica.enabled (a primary and its
    // replicas), one otherwise; the table reads replica.replicas, one less than the pods, which errs on the safe
    // side. templates/poddisruptionbudget.yaml renders when podDisruptionBudget.enabled and replica.enabled:
    // minAvailable when not null, else maxUnavailable when not null (default 1).
    private static ChartAvailabilityEntry Valkey() => new("valkey", "0.11.0",
    [
        new ChartComponent
        {
            Name = "valkey",
            Replicas = V("replica.replicas", 2),
            EnabledWhen = ValueCondition.Always,
            Budget = new ChartBudget
            {
                Switch = ValueCondition.All(ValueCondition.Truthy(V("podDisruptionBudget.enabled", false)), ValueCondition.Truthy(V("replica.enabled", false))),
                // `not (kindIs "invalid" …)`: a null is skipped, an explicit 0 kept; Truthy differs only for 0, which
                // the platform never sets.
                Candidates = [Min(V("podDisruptionBudget.minAvailable", null)), Max(V("podDisruptionBudget.maxUnavailable", 1))],
                Qualifier = BoundQualifier.Truthy,
                Selection = BoundSelection.First,
            },
            Scheduling = new SchedulingTemplate
            {
                Spread = [V("topologySpreadConstraints", new JsonArray())],
                Affinity = [V("affinity", new JsonObject())],
                PriorityClass = [V("priorityClassName", "")],
                PodLabels = Labels(("app.kubernetes.io/name", "valkey"), ("app.kubernetes.io/instance", "{release}")),
            },
        },
    ]);

    private static ChartValue V(string path, object? value) => ChartValue.Of(path, value);

    private static ChartValue Absent(string path) => ChartValue.Absent(path);

    private static BoundCandidate Min(ChartValue value) => new(BudgetBound.MinAvailable, value);

    private static BoundCandidate Max(ChartValue value) => new(BudgetBound.MaxUnavailable, value);

    private static ImmutableDictionary<string, string> Labels(params (string Key, string Value)[] labels) =>
        labels.ToImmutableDictionary(l => l.Key, l => l.Value);
}
