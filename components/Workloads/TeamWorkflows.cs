using System.Collections.Immutable;
using MlPlatform.Components.Addons;
using MlPlatform.Components.Kubernetes;
using Pulumi;
using Pulumi.Kubernetes.Types.Inputs.Core.V1;
using Pulumi.Kubernetes.Types.Inputs.Meta.V1;
using Pulumi.Kubernetes.Types.Inputs.Rbac.V1;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Components.Workloads;

/// <summary>Inputs of <see cref="TeamWorkflows"/>.</summary>
public sealed record TeamWorkflowsArgs
{
    /// <summary>The team namespace the workflows run in.</summary>
    public required string Namespace { get; init; }

    /// <summary>The WorkflowTemplates.</summary>
    public required ImmutableArray<TeamWorkflowTemplate> Templates { get; init; }

    /// <summary>Annotations of the workflow service account (its cloud identity: IRSA role, GKE or Azure workload identity).</summary>
    public InputMap<string> ServiceAccountAnnotations { get; init; } = [];

    /// <summary>What the objects wait for (the namespace, the Argo release with its CRDs).</summary>
    public ImmutableArray<Resource> Ready { get; init; } = [];

    /// <summary>Labels.</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>A WorkflowTemplate of a team: its name and its spec (an output where it names a bucket the stack creates).</summary>
/// <param name="Name">The WorkflowTemplate name.</param>
/// <param name="Spec">The spec, for the workflow service account <see cref="ArgoWorkflows.WorkflowServiceAccountName"/>.</param>
public sealed record TeamWorkflowTemplate(string Name, InputMap<object> Spec)
{
    /// <summary>The template of a definition whose spec is known at once.</summary>
    public static TeamWorkflowTemplate Of(IWorkflowDefinition definition) => new(definition.Name, definition.Spec(ArgoWorkflows.WorkflowServiceAccountName));
}

/// <summary>
/// Argo workflows in a team namespace: the workflow service account (bound to the team's cloud identity when it
/// has one), the executor's least-privilege Role (<see cref="ArgoWorkflows.ExecutorRules"/>) and binding, and the
/// team's WorkflowTemplates, which the cluster-wide Argo controller runs there.
/// </summary>
public sealed class TeamWorkflows : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:workloads:TeamWorkflows";

    /// <summary>Creates the service account, its Role and the templates.</summary>
    public TeamWorkflows(string name, TeamWorkflowsArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var child = new CustomResourceOptions { Parent = this };
        child.DependsOn.AddRange(args.Ready.Select(r => (Input<Resource>)r).ToList());
        var account = ArgoWorkflows.WorkflowServiceAccountName;
        ObjectMetaArgs Meta(string objectName) => new() { Name = objectName, Namespace = args.Namespace, Labels = args.Labels };

        // The executor (wait container) reports step results through the API: it needs the token mounted.
        ServiceAccount = new K8s.Core.V1.ServiceAccount($"{name}-workflow", new ServiceAccountArgs
        {
            Metadata = new ObjectMetaArgs { Name = account, Namespace = args.Namespace, Labels = args.Labels, Annotations = args.ServiceAccountAnnotations },
            AutomountServiceAccountToken = true,
        }, child);
        var role = new K8s.Rbac.V1.Role($"{name}-workflow", new RoleArgs
        {
            Metadata = Meta($"{account}-executor"),
            Rules = [.. ArgoWorkflows.ExecutorRules().Select(r => new PolicyRuleArgs { ApiGroups = [.. r.ApiGroups], Resources = [.. r.Resources], Verbs = [.. r.Verbs] })],
        }, child);
        var binding = new K8s.Rbac.V1.RoleBinding($"{name}-workflow", new RoleBindingArgs
        {
            Metadata = Meta($"{account}-executor"),
            RoleRef = new RoleRefArgs { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = $"{account}-executor" },
            Subjects = { new SubjectArgs { Kind = "ServiceAccount", Name = account, Namespace = args.Namespace } },
        }, CustomResourceOptions.Merge(child, new CustomResourceOptions { DependsOn = { role, ServiceAccount } }));

        var afterRbac = CustomResourceOptions.Merge(child, new CustomResourceOptions { DependsOn = { binding } });
        Templates = [.. args.Templates.Select(t => new K8s.ApiExtensions.CustomResource($"{name}-{t.Name}", new KubernetesObjectArgs(
            "argoproj.io/v1alpha1", "WorkflowTemplate", Meta(t.Name), t.Spec), afterRbac))];

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["serviceAccount"] = account,
            ["templates"] = args.Templates.Select(t => t.Name).ToList(),
        });
    }

    /// <summary>The workflow service account.</summary>
    public K8s.Core.V1.ServiceAccount ServiceAccount { get; }

    /// <summary>The WorkflowTemplates.</summary>
    public ImmutableArray<K8s.ApiExtensions.CustomResource> Templates { get; }
}
