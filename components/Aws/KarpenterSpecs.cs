using System.Collections.Immutable;

namespace MlPlatform.Components.Aws;

/// <summary>A Karpenter <c>EC2NodeClass</c>: how the nodes of some pools are launched.</summary>
/// <param name="Name">Object name.</param>
/// <param name="ClusterName">The cluster (its discovery tag selects subnets and security groups).</param>
/// <param name="InstanceProfileName">
/// The instance profile of the node role, created with the role: Karpenter then needs no IAM write access at all.
/// </param>
/// <param name="Image">The image family.</param>
/// <param name="ImageVersion">The image release in the AMI alias, or <c>latest</c>.</param>
/// <param name="VolumeSizeGiB">The data (root on AL2023) volume size.</param>
/// <param name="Tags">Tags of the instances, volumes and interfaces launched.</param>
public sealed record KarpenterNodeClass(
    string Name,
    string ClusterName,
    string InstanceProfileName,
    NodeImageFamily Image,
    string ImageVersion,
    int VolumeSizeGiB,
    ImmutableDictionary<string, string> Tags);

/// <summary>A node taint of a Karpenter pool.</summary>
/// <param name="Key">Key.</param>
/// <param name="Value">Optional value.</param>
/// <param name="Effect">NoSchedule, PreferNoSchedule or NoExecute.</param>
public sealed record KarpenterTaint(string Key, string? Value, string Effect);

/// <summary>A Karpenter disruption budget: at most <paramref name="Nodes"/> nodes disrupted at once, in a cron window or always.</summary>
/// <param name="Nodes">A count or a percentage (<c>0</c> blocks disruption).</param>
/// <param name="Schedule">A cron schedule (UTC) at which the budget starts; null for always.</param>
/// <param name="Duration">How long the budget lasts after each start (required with a schedule).</param>
/// <param name="Reasons">The disruption reasons it applies to (<c>Empty</c>, <c>Underutilized</c>, <c>Drifted</c>); empty for all.</param>
public sealed record KarpenterBudget(string Nodes, string? Schedule = null, string? Duration = null, ImmutableArray<string> Reasons = default);

/// <summary>How Karpenter may take a pool's nodes away: what it consolidates, when, and how fast.</summary>
public sealed record KarpenterDisruption
{
    /// <summary>Idle and underused nodes are consolidated (CPU pools, inference GPU pools).</summary>
    public static KarpenterDisruption Consolidating(string consolidateAfter) => new() { ConsolidateAfter = consolidateAfter };

    /// <summary>
    /// A training pool: only empty nodes go (a half-used node still runs a job), after a long delay, never during
    /// the working-day window (weekdays 08:00-18:00 UTC), and one node at a time otherwise; running pods get two
    /// days to finish before a drain forces them.
    /// </summary>
    public static KarpenterDisruption Training { get; } = new()
    {
        ConsolidationPolicy = "WhenEmpty",
        ConsolidateAfter = "30m",
        Budgets = [new KarpenterBudget("0", "0 8 * * mon-fri", "10h"), new KarpenterBudget("1")],
        TerminationGracePeriod = "48h",
    };

    /// <summary><c>WhenEmpty</c> or <c>WhenEmptyOrUnderutilized</c>.</summary>
    public string ConsolidationPolicy { get; init; } = "WhenEmptyOrUnderutilized";

    /// <summary>How long a node may be empty (or underutilised) before it is consolidated.</summary>
    public string ConsolidateAfter { get; init; } = "1m";

    /// <summary>The budgets; the default lets a tenth of the nodes go at once.</summary>
    public ImmutableArray<KarpenterBudget> Budgets { get; init; } = [new KarpenterBudget("10%")];

    /// <summary>How long a draining node waits for its pods (do-not-disrupt ones included) before forcing them; null for no limit.</summary>
    public string? TerminationGracePeriod { get; init; }
}

/// <summary>A Karpenter <c>NodePool</c>: which instances may be launched for pending pods, and how many.</summary>
public sealed record KarpenterNodePool
{
    /// <summary>Object name.</summary>
    public required string Name { get; init; }

    /// <summary>The EC2NodeClass the nodes are launched with.</summary>
    public required string NodeClassName { get; init; }

    /// <summary>Allowed instance families (e.g. <c>g6</c>).</summary>
    public required ImmutableArray<string> InstanceFamilies { get; init; }

    /// <summary>Allowed capacity types in Karpenter's terms (<c>spot</c>, <c>on-demand</c>); with both, spot is preferred.</summary>
    public required ImmutableArray<string> CapacityTypes { get; init; }

    /// <summary>GPUs per node for GPU pools; null for CPU pools.</summary>
    public int? GpusPerNode { get; init; }

    /// <summary>The largest node size allowed, in vCPUs (bounds the blast radius and the CPU limit).</summary>
    public int MaxNodeCpu { get; init; } = 64;

    /// <summary>Total vCPUs the pool may run.</summary>
    public required int CpuLimit { get; init; }

    /// <summary>Total GPUs the pool may run (only for GPU pools).</summary>
    public int GpuLimit { get; init; }

    /// <summary>Node labels.</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Node taints.</summary>
    public ImmutableArray<KarpenterTaint> Taints { get; init; } = [];

    /// <summary>What Karpenter may consolidate, when and how fast.</summary>
    public KarpenterDisruption Disruption { get; init; } = new();

    /// <summary>Maximum node lifetime (nodes are replaced with fresh images at least this often).</summary>
    public string ExpireAfter { get; init; } = "720h";
}

/// <summary>
/// The Karpenter objects as plain data (maps, lists, strings, numbers), checked against the real CRD schemas in
/// the tests and handed to the Kubernetes provider as they are.
/// </summary>
public static class KarpenterSpecs
{
    /// <summary>The API version of NodePools.</summary>
    public const string NodePoolApiVersion = "karpenter.sh/v1";

    /// <summary>The API version of EC2NodeClasses.</summary>
    public const string NodeClassApiVersion = "karpenter.k8s.aws/v1";

    /// <summary>The label every node carries with its pool's name (set by Karpenter).</summary>
    public const string NodePoolLabel = "karpenter.sh/nodepool";

    /// <summary>The <c>spec</c> of an EC2NodeClass.</summary>
    public static Dictionary<string, object> NodeClassSpec(KarpenterNodeClass nodeClass)
    {
        var discovery = new Dictionary<string, object> { ["tags"] = new Dictionary<string, object> { [AwsTags.KarpenterDiscovery] = nodeClass.ClusterName } };
        var tags = new Dictionary<string, object>();
        foreach (var (key, value) in nodeClass.Tags.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            tags[key] = value;
        }

        return new Dictionary<string, object>
        {
            // The alias picks the EKS-optimised image matching each instance: the NVIDIA variant on GPU instances.
            ["amiSelectorTerms"] = new List<object> { new Dictionary<string, object> { ["alias"] = $"{nodeClass.Image.AliasFamily()}@{nodeClass.ImageVersion}" } },
            ["instanceProfile"] = nodeClass.InstanceProfileName,
            ["subnetSelectorTerms"] = new List<object> { discovery },
            ["securityGroupSelectorTerms"] = new List<object> { discovery },
            ["metadataOptions"] = new Dictionary<string, object>
            {
                ["httpEndpoint"] = "enabled",
                ["httpProtocolIPv6"] = "disabled",
                ["httpPutResponseHopLimit"] = 1,
                ["httpTokens"] = "required",
            },
            ["blockDeviceMappings"] = nodeClass.Image.Volumes(nodeClass.VolumeSizeGiB).Select(v =>
            {
                var mapping = new Dictionary<string, object>
                {
                    ["deviceName"] = v.Device,
                    ["ebs"] = new Dictionary<string, object>
                    {
                        ["volumeSize"] = $"{v.SizeGiB}Gi",
                        ["volumeType"] = "gp3",
                        ["encrypted"] = true,
                        ["deleteOnTermination"] = true,
                    },
                };

                // AL2023 keeps images and pod storage on its root volume; Bottlerocket on its data volume, which
                // Karpenter already counts as ephemeral storage.
                if (nodeClass.Image == NodeImageFamily.Al2023)
                {
                    mapping["rootVolume"] = true;
                }

                return (object)mapping;
            }).ToList(),
            ["tags"] = tags,
        };
    }

    /// <summary>The <c>spec</c> of a NodePool.</summary>
    public static Dictionary<string, object> NodePoolSpec(KarpenterNodePool pool)
    {
        var requirements = new List<object>
        {
            Requirement("karpenter.k8s.aws/instance-family", "In", pool.InstanceFamilies),
            Requirement("karpenter.sh/capacity-type", "In", pool.CapacityTypes),
            Requirement("kubernetes.io/arch", "In", ["amd64"]),
            Requirement("kubernetes.io/os", "In", ["linux"]),
            Requirement("karpenter.k8s.aws/instance-cpu", "Lt", [(pool.MaxNodeCpu + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)]),
        };
        if (pool.GpusPerNode is { } gpus)
        {
            requirements.Add(Requirement("karpenter.k8s.aws/instance-gpu-count", "In", [gpus.ToString(System.Globalization.CultureInfo.InvariantCulture)]));
        }

        var labels = new Dictionary<string, object>();
        foreach (var (key, value) in pool.Labels.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            labels[key] = value;
        }

        var template = new Dictionary<string, object>
        {
            ["nodeClassRef"] = new Dictionary<string, object>
            {
                ["group"] = "karpenter.k8s.aws",
                ["kind"] = "EC2NodeClass",
                ["name"] = pool.NodeClassName,
            },
            ["requirements"] = requirements,
            ["expireAfter"] = pool.ExpireAfter,
        };
        if (pool.Disruption.TerminationGracePeriod is { } grace)
        {
            template["terminationGracePeriod"] = grace;
        }

        if (pool.Taints.Length > 0)
        {
            template["taints"] = pool.Taints.Select(t =>
            {
                var taint = new Dictionary<string, object> { ["key"] = t.Key, ["effect"] = t.Effect };
                if (t.Value is not null)
                {
                    taint["value"] = t.Value;
                }

                return (object)taint;
            }).ToList();
        }

        var limits = new Dictionary<string, object> { ["cpu"] = pool.CpuLimit.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (pool.GpusPerNode is not null)
        {
            limits["nvidia.com/gpu"] = pool.GpuLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return new Dictionary<string, object>
        {
            ["template"] = new Dictionary<string, object>
            {
                ["metadata"] = new Dictionary<string, object> { ["labels"] = labels },
                ["spec"] = template,
            },
            ["limits"] = limits,
            // Idle (and, but on training pools, underused) nodes are removed: pools with nothing to run scale to zero.
            ["disruption"] = new Dictionary<string, object>
            {
                ["consolidationPolicy"] = pool.Disruption.ConsolidationPolicy,
                ["consolidateAfter"] = pool.Disruption.ConsolidateAfter,
                ["budgets"] = pool.Disruption.Budgets.Select(Budget).ToList(),
            },
        };
    }

    private static object Budget(KarpenterBudget budget)
    {
        var map = new Dictionary<string, object> { ["nodes"] = budget.Nodes };
        if (budget.Schedule is not null)
        {
            map["schedule"] = budget.Schedule;
            map["duration"] = budget.Duration ?? throw new ArgumentException($"The budget at '{budget.Schedule}' needs a duration.", nameof(budget));
        }

        if (!budget.Reasons.IsDefaultOrEmpty)
        {
            map["reasons"] = budget.Reasons.Select(r => (object)r).ToList();
        }

        return map;
    }

    private static Dictionary<string, object> Requirement(string key, string @operator, IEnumerable<string> values) => new()
    {
        ["key"] = key,
        ["operator"] = @operator,
        ["values"] = values.Select(v => (object)v).ToList(),
    };
}
