using System.Collections.Immutable;
using Pulumi;

namespace MlPlatform.Components.Aws;

/// <summary>The tag keys the platform's AWS resources carry and that EKS, the load balancer controller and Karpenter look for.</summary>
public static class AwsTags
{
    /// <summary>Subnets and security groups Karpenter may launch nodes into (value: the cluster name).</summary>
    public const string KarpenterDiscovery = "karpenter.sh/discovery";

    /// <summary>Public subnets for internet-facing load balancers.</summary>
    public const string PublicLoadBalancer = "kubernetes.io/role/elb";

    /// <summary>Private subnets for internal load balancers.</summary>
    public const string InternalLoadBalancer = "kubernetes.io/role/internal-elb";

    /// <summary>The <c>kubernetes.io/cluster/&lt;name&gt;</c> key of resources that belong to a cluster.</summary>
    public static string Cluster(string clusterName) => $"kubernetes.io/cluster/{clusterName}";

    /// <summary>The common tags plus a <c>Name</c> tag.</summary>
    public static InputMap<string> Named(ImmutableDictionary<string, string> common, string name, params (string Key, string Value)[] extra)
    {
        var tags = new InputMap<string>();
        foreach (var (key, value) in common)
        {
            tags.Add(key, value);
        }

        tags.Add("Name", name);
        foreach (var (key, value) in extra)
        {
            tags.Add(key, value);
        }

        return tags;
    }

    /// <summary>The common tags as an input map.</summary>
    public static InputMap<string> Of(ImmutableDictionary<string, string> common)
    {
        var tags = new InputMap<string>();
        foreach (var (key, value) in common)
        {
            tags.Add(key, value);
        }

        return tags;
    }
}
