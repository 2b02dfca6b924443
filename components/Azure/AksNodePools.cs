using System.Collections.Immutable;
using Pulumi;
using Pulumi.AzureNative.ContainerService;
using Pulumi.AzureNative.ContainerService.Inputs;

namespace MlPlatform.Components.Azure;

/// <summary>One AKS user pool: a VM size the cluster autoscaler scales between two counts.</summary>
public sealed record AksNodePoolSpec
{
    /// <summary>The pool's platform name (its <c>mlplatform.io/node-pool</c> label).</summary>
    public required string Name { get; init; }

    /// <summary>The AKS agent pool name (lower-case letters and digits, at most 12).</summary>
    public required string AgentPoolName { get; init; }

    /// <summary>The VM size.</summary>
    public required string VmSize { get; init; }

    /// <summary>Fewest nodes; 0 lets the autoscaler remove every node when idle.</summary>
    public required int Min { get; init; }

    /// <summary>Most nodes.</summary>
    public required int Max { get; init; }

    /// <summary>Spot VMs (evicted, and deleted, when Azure needs the capacity back).</summary>
    public bool Spot { get; init; }

    /// <summary>The node operating system.</summary>
    public AzureNodeOs Os { get; init; } = AzureNodeOs.AzureLinux;

    /// <summary>The OS disk's size in GiB (images and emptyDir volumes live there).</summary>
    public int OsDiskSizeGb { get; init; } = 128;

    /// <summary>Encrypt temp and cache disks on the host (only sizes that support it).</summary>
    public bool EncryptionAtHost { get; init; }

    /// <summary>For GPU pools: true when AKS installs the NVIDIA driver, false when something else does (the GPU operator); null for CPU pools.</summary>
    public bool? InstallGpuDriver { get; init; }

    /// <summary>Node labels.</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Node taints as AKS writes them: <c>key=value:Effect</c> or <c>key:Effect</c>.</summary>
    public ImmutableArray<string> Taints { get; init; } = [];
}

/// <summary>Inputs of <see cref="AksNodePools"/>.</summary>
public sealed class AksNodePoolsArgs
{
    /// <summary>The resource group of the cluster.</summary>
    public required Input<string> ResourceGroupName { get; init; }

    /// <summary>The cluster's name.</summary>
    public required Input<string> ClusterName { get; init; }

    /// <summary>The node subnet.</summary>
    public required Input<string> NodeSubnetId { get; init; }

    /// <summary>The Kubernetes version of the nodes (the control plane's).</summary>
    public required string KubernetesVersion { get; init; }

    /// <summary>The pools.</summary>
    public required ImmutableArray<AksNodePoolSpec> Pools { get; init; }

    /// <summary>Tags of the pools' VMs.</summary>
    public ImmutableDictionary<string, string> Tags { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// The AKS user pools of <c>mlplatform:nodePools</c>, one agent pool each: autoscaled between their counts (0 lets a
/// pool scale to zero), with their labels and taints; spot pools at the market price (max price -1) and deleted on
/// eviction; GPU pools without AKS's driver when the GPU operator installs it. Their node count is the autoscaler's
/// business after creation.
/// </summary>
public sealed class AksNodePools : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:azure:AksNodePools";

    /// <summary>The taint AKS puts on every spot node (and that workloads meant for spot must tolerate).</summary>
    public const string SpotTaint = "kubernetes.azure.com/scalesetpriority=spot:NoSchedule";

    /// <summary>Creates the pools.</summary>
    public AksNodePools(string name, AksNodePoolsArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var pools = ImmutableDictionary.CreateBuilder<string, AgentPool>();
        foreach (var pool in args.Pools)
        {
            pools[pool.Name] = new AgentPool($"{name}-{pool.Name}", PoolArgs(args, pool), new CustomResourceOptions
            {
                Parent = this,

                // The cluster autoscaler owns the count between min and max; Pulumi would otherwise reset it.
                IgnoreChanges = { "count" },
            });
        }

        Pools = pools.ToImmutable();
        RegisterOutputs(new Dictionary<string, object?> { ["pools"] = Pools.Keys.Order(StringComparer.Ordinal).ToList() });
    }

    /// <summary>The agent pools by platform name.</summary>
    public ImmutableDictionary<string, AgentPool> Pools { get; }

    /// <summary>The agent pool arguments of one pool.</summary>
    public static AgentPoolArgs PoolArgs(AksNodePoolsArgs args, AksNodePoolSpec pool)
    {
        var poolArgs = new AgentPoolArgs
        {
            ResourceGroupName = args.ResourceGroupName,
            ResourceName = args.ClusterName,
            AgentPoolName = pool.AgentPoolName,
            Mode = AgentPoolMode.User,
            VmSize = pool.VmSize,
            OsType = OSType.Linux,
            OsSKU = pool.Os.OsSku(),
            OsDiskType = OSDiskType.Managed,
            OsDiskSizeGB = pool.OsDiskSizeGb,
            EnableEncryptionAtHost = pool.EncryptionAtHost,
            EnableAutoScaling = true,
            MinCount = pool.Min,
            MaxCount = pool.Max,
            Count = pool.Min,
            VnetSubnetID = args.NodeSubnetId,
            OrchestratorVersion = args.KubernetesVersion,
            Tags = AzureTags.Of(args.Tags),
        };
        foreach (var (key, value) in pool.Labels.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            poolArgs.NodeLabels.Add(key, value);
        }

        foreach (var taint in pool.Taints)
        {
            poolArgs.NodeTaints.Add(taint);
        }

        if (pool.InstallGpuDriver is { } install)
        {
            poolArgs.GpuProfile = new GPUProfileArgs { Driver = install ? GPUDriver.Install : GPUDriver.None };
        }

        if (pool.Spot)
        {
            // AKS adds the spot taint and the scalesetpriority label itself; -1 pays up to the on-demand price.
            poolArgs.ScaleSetPriority = ScaleSetPriority.Spot;
            poolArgs.ScaleSetEvictionPolicy = ScaleSetEvictionPolicy.Delete;
            poolArgs.SpotMaxPrice = -1;
        }
        else
        {
            poolArgs.ScaleSetPriority = ScaleSetPriority.Regular;
            poolArgs.UpgradeSettings = new AgentPoolUpgradeSettingsArgs { MaxSurge = "1", DrainTimeoutInMinutes = 30 };
        }

        return poolArgs;
    }

    /// <summary>A taint as AKS writes it.</summary>
    public static string Taint(string key, string? value, string effect) =>
        value is null ? $"{key}:{effect}" : $"{key}={value}:{effect}";
}
