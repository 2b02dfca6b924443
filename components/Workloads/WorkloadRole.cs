using System.Collections.Immutable;
using Pulumi;
using Pulumi.Kubernetes.Types.Inputs.Core.V1;
using Pulumi.Kubernetes.Types.Inputs.Meta.V1;
using Pulumi.Kubernetes.Types.Inputs.Rbac.V1;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Components.Workloads;

/// <summary>
/// The identity of a <see cref="ServiceWorkload"/>: a ServiceAccount that mounts no API token unless the workload
/// declares API access, and then a namespaced Role with exactly the declared rules, bound to it.
/// </summary>
internal static class WorkloadRole
{
    public static (K8s.Core.V1.ServiceAccount Account, K8s.Rbac.V1.Role? Role) Create(
        string name, ServiceWorkloadArgs args, ImmutableDictionary<string, string> labels, CustomResourceOptions options)
    {
        var account = new K8s.Core.V1.ServiceAccount(name, new ServiceAccountArgs
        {
            Metadata = new ObjectMetaArgs { Name = args.Name, Namespace = args.Namespace, Labels = labels, Annotations = args.ServiceAccountAnnotations },
            AutomountServiceAccountToken = !args.ApiAccess.IsEmpty,
        }, options);

        if (args.ApiAccess.IsEmpty)
        {
            return (account, null);
        }

        var role = new K8s.Rbac.V1.Role(name, new RoleArgs
        {
            Metadata = new ObjectMetaArgs { Name = args.Name, Namespace = args.Namespace, Labels = labels },
            Rules = [.. args.ApiAccess.Select(r => new PolicyRuleArgs { ApiGroups = [.. r.ApiGroups], Resources = [.. r.Resources], Verbs = [.. r.Verbs] })],
        }, options);

        _ = new K8s.Rbac.V1.RoleBinding(name, new RoleBindingArgs
        {
            Metadata = new ObjectMetaArgs { Name = args.Name, Namespace = args.Namespace, Labels = labels },
            RoleRef = new RoleRefArgs { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = args.Name },
            Subjects = { new SubjectArgs { Kind = "ServiceAccount", Name = args.Name, Namespace = args.Namespace } },
        }, CustomResourceOptions.Merge(options, new CustomResourceOptions { DependsOn = { role, account } }));
        return (account, role);
    }
}
