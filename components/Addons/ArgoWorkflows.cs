using System.Collections.Immutable;
using MlPlatform.Components.Kubernetes;
using Pulumi;
using Pulumi.Kubernetes.Types.Inputs.Core.V1;
using Pulumi.Kubernetes.Types.Inputs.Meta.V1;
using Pulumi.Kubernetes.Types.Inputs.Rbac.V1;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Components.Addons;

/// <summary>Inputs of <see cref="ArgoWorkflows"/>.</summary>
public sealed class ArgoWorkflowsArgs
{
    /// <summary>The namespace (<c>argo</c>) of the controller, the server and the workflows.</summary>
    public required Input<string> Namespace { get; init; }

    /// <summary>The namespace component with its guard rails.</summary>
    public required Resource NamespaceReady { get; init; }

    /// <summary>Two controllers and two servers with disruption budgets, spread over nodes and zones (production).</summary>
    public bool HighAvailability { get; init; }

    /// <summary>The PriorityClass of the controller and server (the platform's <c>system-critical</c> tier); null keeps the cluster default.</summary>
    public string? PriorityClassName { get; init; }

    /// <summary>The PriorityClasses, when <see cref="PriorityClassName"/> names one: pods naming a missing class are refused.</summary>
    public Resource? PriorityClassesReady { get; init; }

    /// <summary>The server's authentication modes: <c>sso</c> and/or <c>client</c> (never <c>server</c>, which would act with the server's own identity).</summary>
    public ImmutableArray<string> ServerAuthModes { get; init; } = ["client"];

    /// <summary>The seed training pipeline; null installs no WorkflowTemplate.</summary>
    public TrainingPipeline? Pipeline { get; init; }

    /// <summary>Labels of the objects the platform creates directly.</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// Argo Workflows: the controller (watching its own namespace only) and the server, a least-privilege service
/// account for workflow pods, and the seed training pipeline as a WorkflowTemplate.
/// Metrics: Service <c>argo-workflows-workflow-controller</c> (labels
/// <c>app.kubernetes.io/name: argo-workflows-workflow-controller</c>, <c>app.kubernetes.io/component: workflow-controller</c>,
/// <c>app.kubernetes.io/instance: argo-workflows</c>), port <c>metrics</c> (8080), path <c>/metrics</c>.
/// </summary>
public sealed class ArgoWorkflows : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:addons:ArgoWorkflows";

    /// <summary>The Helm release name.</summary>
    public const string ReleaseName = "argo-workflows";

    /// <summary>The service account workflow pods run as.</summary>
    public const string WorkflowServiceAccountName = "argo-workflow";

    /// <summary>Installs Argo Workflows.</summary>
    public ArgoWorkflows(string name, ArgoWorkflowsArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, CheckAuthModes(args, options))
    {
        var inNamespace = new CustomResourceOptions { Parent = this, DependsOn = { args.NamespaceReady } };
        var metadata = (string objectName) => new ObjectMetaArgs { Name = objectName, Namespace = args.Namespace, Labels = args.Labels };

        var releaseOptions = new CustomResourceOptions { Parent = this, DependsOn = { args.NamespaceReady } };
        if (args.PriorityClassesReady is { } priorityClasses)
        {
            releaseOptions.DependsOn.Add(priorityClasses);
        }

        Release = HelmReleases.Create(ReleaseName, VersionCatalog.ArgoWorkflows, args.Namespace, Values(args.Namespace, args.HighAvailability, args.ServerAuthModes, args.PriorityClassName), releaseOptions);

        // The executor (wait container) reports step results through the API: it needs the token mounted.
        ServiceAccount = new K8s.Core.V1.ServiceAccount($"{name}-workflow", new ServiceAccountArgs
        {
            Metadata = metadata(WorkflowServiceAccountName),
            AutomountServiceAccountToken = true,
        }, inNamespace);

        Role = new K8s.Rbac.V1.Role($"{name}-workflow", new RoleArgs
        {
            Metadata = metadata($"{WorkflowServiceAccountName}-executor"),
            Rules = ExecutorRules().Select(r => new PolicyRuleArgs { ApiGroups = r.ApiGroups.ToList(), Resources = r.Resources.ToList(), Verbs = r.Verbs.ToList() }).ToList(),
        }, inNamespace);

        RoleBinding = new K8s.Rbac.V1.RoleBinding($"{name}-workflow", new RoleBindingArgs
        {
            Metadata = metadata($"{WorkflowServiceAccountName}-executor"),
            RoleRef = new RoleRefArgs { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = Role.Metadata.Apply(m => m.Name) },
            Subjects = { new SubjectArgs { Kind = "ServiceAccount", Name = WorkflowServiceAccountName, Namespace = args.Namespace } },
        }, new CustomResourceOptions { Parent = this, DependsOn = { Role, ServiceAccount } });

        if (args.Pipeline is { } pipeline)
        {
            PipelineTemplate = new K8s.ApiExtensions.CustomResource($"{name}-{pipeline.Name}", new KubernetesObjectArgs(
                "argoproj.io/v1alpha1",
                "WorkflowTemplate",
                metadata(pipeline.Name),
                pipeline.Spec(WorkflowServiceAccountName)), new CustomResourceOptions { Parent = this, DependsOn = { Release, RoleBinding } });
        }

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["version"] = VersionCatalog.ArgoWorkflows.Version,
            ["workflowServiceAccount"] = WorkflowServiceAccountName,
            ["pipeline"] = args.Pipeline?.Name,
        });
    }

    /// <summary>The release.</summary>
    public K8s.Helm.V3.Release Release { get; }

    // Runs before anything is registered: an open server is refused outright.
    private static ComponentResourceOptions? CheckAuthModes(ArgoWorkflowsArgs args, ComponentResourceOptions? options) =>
        args.ServerAuthModes.IsEmpty || args.ServerAuthModes.Any(m => m is not ("sso" or "client"))
            ? throw new ArgumentException("The Argo server authenticates with 'sso' and/or 'client' only.", nameof(args))
            : options;

    /// <summary>The service account workflow pods run as.</summary>
    public K8s.Core.V1.ServiceAccount ServiceAccount { get; }

    /// <summary>The executor's Role.</summary>
    public K8s.Rbac.V1.Role Role { get; }

    /// <summary>The executor's RoleBinding.</summary>
    public K8s.Rbac.V1.RoleBinding RoleBinding { get; }

    /// <summary>The seed training pipeline; null when not configured.</summary>
    public K8s.ApiExtensions.CustomResource? PipelineTemplate { get; }

    /// <summary>
    /// Exactly what the emissary executor of Argo Workflows 3.4 and later does with the API: report step outputs
    /// and progress as WorkflowTaskResults (the documented minimum, docs/workflow-rbac.md). Reading or patching
    /// pods and logs was the older executors' way and is not needed: no pods, no secrets, no logs.
    /// </summary>
    public static ImmutableArray<RbacRule> ExecutorRules() =>
    [
        new(["argoproj.io"], ["workflowtaskresults"], ["create", "patch"]),
    ];

    /// <summary>The chart values.</summary>
    public static InputMap<object> Values(Input<string> @namespace, bool highAvailability, ImmutableArray<string> authModes, string? priorityClassName = null) =>
        @namespace.Apply(ns => Values(ns, highAvailability, authModes, priorityClassName));

    /// <summary>The chart values for a namespace.</summary>
    public static ImmutableDictionary<string, object> Values(string @namespace, bool highAvailability, ImmutableArray<string> authModes, string? priorityClassName = null)
    {
        var replicas = highAvailability ? 2 : 1;
        var podSecurity = new Dictionary<string, object>
        {
            ["runAsNonRoot"] = true,
            ["seccompProfile"] = new Dictionary<string, object> { ["type"] = "RuntimeDefault" },
        };
        Dictionary<string, object> ContainerSecurity(bool readOnlyRootFilesystem) => new()
        {
            ["readOnlyRootFilesystem"] = readOnlyRootFilesystem,
            ["runAsNonRoot"] = true,
            ["allowPrivilegeEscalation"] = false,
            ["capabilities"] = new Dictionary<string, object> { ["drop"] = new object[] { "ALL" } },
        };

        // Without bounds the chart renders minAvailable: 0, which protects nothing: one pod at a time may go.
        Dictionary<string, object> Pdb() => highAvailability
            ? new() { ["enabled"] = true, ["maxUnavailable"] = 1 }
            : new() { ["enabled"] = false };

        var controller = new Dictionary<string, object>
        {
            ["workflowNamespaces"] = new object[] { @namespace },
            ["replicas"] = replicas,
            ["pdb"] = Pdb(),
            ["metricsConfig"] = new Dictionary<string, object> { ["enabled"] = true },
            ["podSecurityContext"] = podSecurity,
            ["securityContext"] = ContainerSecurity(readOnlyRootFilesystem: true),
            ["workflowDefaults"] = new Dictionary<string, object>
            {
                ["spec"] = new Dictionary<string, object>
                {
                    ["serviceAccountName"] = WorkflowServiceAccountName,
                    ["podGC"] = new Dictionary<string, object> { ["strategy"] = "OnPodSuccess" },
                    ["ttlStrategy"] = new Dictionary<string, object> { ["secondsAfterCompletion"] = 7 * 24 * 3600 },
                },
            },
        };
        var server = new Dictionary<string, object>
        {
            ["authModes"] = authModes.Cast<object>().ToArray(),
            ["replicas"] = replicas,
            ["pdb"] = Pdb(),
            ["podSecurityContext"] = podSecurity,

            // The chart's own default: the server writes to its root filesystem.
            ["securityContext"] = ContainerSecurity(readOnlyRootFilesystem: false),
        };
        foreach (var component in new[] { controller, server })
        {
            if (highAvailability)
            {
                // The chart gives constraints without a selector the component's own.
                component["topologySpreadConstraints"] = TopologySpread.Constraints();
            }

            if (priorityClassName is not null)
            {
                component["priorityClassName"] = priorityClassName;
            }
        }

        return ImmutableDictionary<string, object>.Empty
            .Add("workflow", new Dictionary<string, object>
            {
                // The platform creates the workflow service account and its least-privilege Role itself.
                ["serviceAccount"] = new Dictionary<string, object> { ["create"] = false },
                ["rbac"] = new Dictionary<string, object> { ["create"] = false },
            })
            .Add("controller", controller)
            .Add("executor", new Dictionary<string, object> { ["securityContext"] = PodSecurity.RestrictedContainer() })
            .Add("server", server);
    }
}

/// <summary>One RBAC policy rule.</summary>
/// <param name="ApiGroups">API groups ("" is the core group).</param>
/// <param name="Resources">Resources.</param>
/// <param name="Verbs">Verbs.</param>
public sealed record RbacRule(ImmutableArray<string> ApiGroups, ImmutableArray<string> Resources, ImmutableArray<string> Verbs);
