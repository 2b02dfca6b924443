using System.Collections.Immutable;
using Pulumi;
using Pulumi.Kubernetes.Types.Inputs.Core.V1;
using Pulumi.Kubernetes.Types.Inputs.Meta.V1;
using Pulumi.Kubernetes.Types.Inputs.Networking.V1;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Components.Kubernetes;

/// <summary>
/// A namespace with its guard rails: Pod Security Admission labels, a ResourceQuota, a LimitRange with container
/// defaults, a default-deny NetworkPolicy for ingress and egress, DNS egress, and one NetworkPolicy per declared
/// allow rule. Depend on this component (not on the bare namespace) so that workloads start only once the quota,
/// defaults and policies are in place.
/// </summary>
public sealed class PlatformNamespace : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:kubernetes:PlatformNamespace";

    /// <summary>Creates the namespace and its guard rails.</summary>
    public PlatformNamespace(string name, PlatformNamespaceArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var child = new CustomResourceOptions { Parent = this };
        var labels = args.Labels.SetItems(PodSecurityLabels(args.PodSecurity, args.PodSecurityVersion));

        Namespace = new K8s.Core.V1.Namespace(name, new NamespaceArgs
        {
            Metadata = new ObjectMetaArgs { Name = args.Name, Labels = labels },
        }, child);

        NamespaceName = Namespace.Metadata.Apply(m => m.Name);
        var inNamespace = new CustomResourceOptions { Parent = this, DependsOn = { Namespace } };

        Quota = new K8s.Core.V1.ResourceQuota($"{name}-quota", new ResourceQuotaArgs
        {
            Metadata = Metadata("compute-and-storage", args),
            Spec = new ResourceQuotaSpecArgs { Hard = QuotaHard(args.Quota) },
        }, inNamespace);

        LimitRange = new K8s.Core.V1.LimitRange($"{name}-limits", new LimitRangeArgs
        {
            Metadata = Metadata("container-defaults", args),
            Spec = new LimitRangeSpecArgs
            {
                Limits =
                {
                    new LimitRangeItemArgs
                    {
                        Type = "Container",
                        DefaultRequest = { ["cpu"] = args.ContainerDefaults.DefaultRequestCpu, ["memory"] = args.ContainerDefaults.DefaultRequestMemory },
                        Default = { ["cpu"] = args.ContainerDefaults.DefaultCpu, ["memory"] = args.ContainerDefaults.DefaultMemory },
                        Max = { ["cpu"] = args.ContainerDefaults.MaxCpu, ["memory"] = args.ContainerDefaults.MaxMemory },
                    },
                },
            },
        }, inNamespace);

        var policies = new List<K8s.Networking.V1.NetworkPolicy>
        {
            Policy(name, "default-deny", args, new NetworkPolicySpecArgs
            {
                PodSelector = new LabelSelectorArgs(),
                PolicyTypes = { "Ingress", "Egress" },
            }, inNamespace),
            Policy(name, "allow-dns", args, new NetworkPolicySpecArgs
            {
                PodSelector = new LabelSelectorArgs(),
                PolicyTypes = { "Egress" },
                Egress =
                {
                    new NetworkPolicyEgressRuleArgs
                    {
                        To = { new NetworkPolicyPeerArgs { NamespaceSelector = Select(PlatformLabels.NamespaceName, "kube-system") } },
                        Ports = { Port(new NetworkPort(53, "UDP")), Port(new NetworkPort(53, "TCP")) },
                    },
                },
            }, inNamespace),
        };

        if (args.AllowSameNamespace)
        {
            var samePods = new NetworkPolicyPeerArgs { PodSelector = new LabelSelectorArgs() };
            policies.Add(Policy(name, "allow-same-namespace", args, new NetworkPolicySpecArgs
            {
                PodSelector = new LabelSelectorArgs(),
                PolicyTypes = { "Ingress", "Egress" },
                Ingress = { new NetworkPolicyIngressRuleArgs { From = { samePods } } },
                Egress = { new NetworkPolicyEgressRuleArgs { To = { samePods } } },
            }, inNamespace));
        }

        foreach (var rule in args.AllowRules)
        {
            policies.Add(Policy(name, $"allow-{rule.Name}", args, AllowSpec(rule), inNamespace));
        }

        NetworkPolicies = [.. policies];
        RegisterOutputs(new Dictionary<string, object?> { ["namespaceName"] = NamespaceName });
    }

    /// <summary>The namespace's name, known once the namespace exists.</summary>
    public Output<string> NamespaceName { get; }

    /// <summary>The namespace itself.</summary>
    public K8s.Core.V1.Namespace Namespace { get; }

    /// <summary>The namespace's ResourceQuota.</summary>
    public K8s.Core.V1.ResourceQuota Quota { get; }

    /// <summary>The namespace's LimitRange.</summary>
    public K8s.Core.V1.LimitRange LimitRange { get; }

    /// <summary>Default-deny, DNS, same-namespace and every allow rule, in that order.</summary>
    public ImmutableArray<K8s.Networking.V1.NetworkPolicy> NetworkPolicies { get; }

    /// <summary>The Pod Security Admission labels for a level: enforced, warned and audited alike.</summary>
    public static ImmutableDictionary<string, string> PodSecurityLabels(PodSecurityLevel level, string version = "latest")
    {
        var value = level.ToString().ToLowerInvariant();
        var labels = ImmutableDictionary.CreateBuilder<string, string>();
        foreach (var mode in new[] { "enforce", "warn", "audit" })
        {
            labels[$"pod-security.kubernetes.io/{mode}"] = value;
            labels[$"pod-security.kubernetes.io/{mode}-version"] = version;
        }

        return labels.ToImmutable();
    }

    /// <summary>The <c>hard</c> map of a ResourceQuota for a quota.</summary>
    public static ImmutableDictionary<string, string> QuotaHard(NamespaceQuota quota) => new Dictionary<string, string>
    {
        ["pods"] = quota.Pods,
        ["requests.cpu"] = quota.RequestsCpu,
        ["limits.cpu"] = quota.LimitsCpu,
        ["requests.memory"] = quota.RequestsMemory,
        ["limits.memory"] = quota.LimitsMemory,
        ["requests.nvidia.com/gpu"] = quota.Gpus,
        ["requests.storage"] = quota.Storage,
    }.ToImmutableDictionary();

    private static NetworkPolicySpecArgs AllowSpec(NetworkAllowRule rule)
    {
        var peers = rule.Namespaces
            .Select(labels => new NetworkPolicyPeerArgs { NamespaceSelector = new LabelSelectorArgs { MatchLabels = labels } })
            .Concat(rule.Cidrs.Select(cidr => new NetworkPolicyPeerArgs { IpBlock = new IPBlockArgs { Cidr = cidr } }))
            .ToList();
        var ports = rule.Ports.Select(Port).ToList();

        var spec = new NetworkPolicySpecArgs { PodSelector = new LabelSelectorArgs() };
        if (rule.Direction == TrafficDirection.Ingress)
        {
            var ingress = new NetworkPolicyIngressRuleArgs();
            ingress.From.AddRange(peers);
            ingress.Ports.AddRange(ports);
            spec.PolicyTypes = new InputList<string> { "Ingress" };
            spec.Ingress = new InputList<NetworkPolicyIngressRuleArgs> { ingress };
        }
        else
        {
            var egress = new NetworkPolicyEgressRuleArgs();
            egress.To.AddRange(peers);
            egress.Ports.AddRange(ports);
            spec.PolicyTypes = new InputList<string> { "Egress" };
            spec.Egress = new InputList<NetworkPolicyEgressRuleArgs> { egress };
        }

        return spec;
    }

    private K8s.Networking.V1.NetworkPolicy Policy(
        string name, string policyName, PlatformNamespaceArgs args, NetworkPolicySpecArgs spec, CustomResourceOptions options) =>
        new($"{name}-{policyName}", new NetworkPolicyArgs
        {
            Metadata = Metadata(policyName, args),
            Spec = spec,
        }, options);

    private static ObjectMetaArgs Metadata(string objectName, PlatformNamespaceArgs args) => new()
    {
        Name = objectName,
        Namespace = args.Name,
        Labels = args.Labels.Where(l => l.Key.StartsWith("app.kubernetes.io/", StringComparison.Ordinal))
            .ToDictionary(l => l.Key, l => l.Value),
    };

    private static LabelSelectorArgs Select(string key, string value) => new() { MatchLabels = { [key] = value } };

    private static NetworkPolicyPortArgs Port(NetworkPort port) => new() { Port = port.Port, Protocol = port.Protocol };
}
