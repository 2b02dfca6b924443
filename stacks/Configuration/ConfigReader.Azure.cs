using System.Collections.Immutable;
using System.Net;
using System.Text.RegularExpressions;
using MlPlatform.Components.Azure;
using MlPlatform.Stacks.Azure;

namespace MlPlatform.Stacks.Configuration;

/// <summary>Reading and validation of <c>mlplatform:azure</c>, and of the node pools as AKS can run them.</summary>
public static partial class ConfigReader
{
    /// <summary>The PostgreSQL flexible server's storage sizes, in GiB.</summary>
    public static ImmutableArray<int> AzurePostgresStorageSizes { get; } = [32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767];

    /// <summary>The PostgreSQL major versions the platform deploys on Azure (the supported ones of flexible server).</summary>
    public static ImmutableArray<string> AzurePostgresVersions { get; } = ["14", "15", "16", "17", "18"];

    private static readonly string[] WeekDays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

    /// <summary>
    /// Reads <c>mlplatform:azure</c>: null on other clouds (where setting it is a problem), the validated settings with
    /// their defaults on <c>azure</c>.
    /// </summary>
    private static AzureConfig? ReadAzure(
        JsonConfigNode? node, CloudKind? cloud, bool production, string? region, SystemNodePoolConfig systemPool, List<ConfigProblem> problems)
    {
        if (cloud != CloudKind.Azure)
        {
            if (node is not null && cloud is not null)
            {
                problems.Add(new(Key("azure"), $"only used with cloud 'azure', not '{Lower(cloud.Value)}'"));
            }

            return null;
        }

        if (!string.IsNullOrWhiteSpace(region) && !AzureLocation().IsMatch(region))
        {
            problems.Add(new(Key("region"), $"'{region}' is not an Azure location name such as westeurope or eastus2 (lower-case, no spaces)"));
        }

        var key = Key("azure");
        var vnetCidr = node?.String("vnetCidr") ?? AzureConfig.DefaultVnetCidr;
        if (!IsCidr(vnetCidr))
        {
            node!.Problem("vnetCidr", $"'{vnetCidr}' is not an IPv4 CIDR such as 10.0.0.0/16");
        }
        else if (PrefixLength(vnetCidr) is < 16 or > 22)
        {
            node!.Problem("vnetCidr", $"must be a /16 to /22 (it holds the node, PostgreSQL and private endpoint subnets), not /{PrefixLength(vnetCidr)}");
        }
        else if (new[] { AzureConfig.PodCidr, AzureConfig.ServiceCidr }.FirstOrDefault(c => CidrsOverlap(c, vnetCidr)) is { } taken)
        {
            node!.Problem("vnetCidr", $"overlaps {taken}, which the cluster uses for {(taken == AzureConfig.PodCidr ? "pods (CNI Overlay)" : "Services")}; pick another range");
        }

        var authorized = node?.StringList("authorizedIpRanges") ?? [];
        foreach (var cidr in authorized.Where(c => !IsCidr(c)))
        {
            node!.Problem("authorizedIpRanges", $"'{cidr}' is not an IPv4 CIDR such as 203.0.113.0/24");
        }

        if (authorized.Contains("0.0.0.0/0"))
        {
            node!.Problem("authorizedIpRanges", "0.0.0.0/0 would authorize the whole internet; list your office or VPN ranges, or leave the key out for a private cluster");
        }
        else if (production && !authorized.IsEmpty)
        {
            node!.Problem("authorizedIpRanges", "the production cluster is private (reach its API server from the VNet, a peered network or a VPN); remove this key");
        }

        var groups = node?.StringList("adminGroupObjectIds") ?? [];
        if (groups.IsEmpty)
        {
            problems.Add(new($"{key}.adminGroupObjectIds",
                "required: at least one Entra ID group object id granted cluster admin; the identity that runs `pulumi up` must be a member (local accounts are disabled)"));
        }

        for (var i = 0; i < groups.Length; i++)
        {
            if (!Guid().IsMatch(groups[i]))
            {
                node!.Problem($"adminGroupObjectIds[{i}]", $"'{groups[i]}' is not an Entra ID object id (a GUID such as 00000000-0000-0000-0000-000000000000)");
            }
        }

        var os = ReadEnum<AzureNodeOs>(node?.String("nodeOs"), node?.Child("nodeOs") ?? "", problems, required: false, fullKey: true) ?? AzureNodeOs.AzureLinux;
        var login = ReadEnum<KubeloginMode>(node?.String("kubeloginMode"), node?.Child("kubeloginMode") ?? "", problems, required: false, fullKey: true)
            ?? KubeloginMode.AzureCli;

        var retention = node?.Int("logRetentionDays") ?? (production ? 365 : 30);
        if (retention is < 30 or > 365)
        {
            node!.Problem("logRetentionDays", $"must be between 30 (Log Analytics' minimum) and 365 (flow logs' maximum) days, not {retention}");
        }

        var database = ReadAzureDatabase(node?.Object("database"), production);
        var window = ReadMaintenanceWindow(node?.Object("maintenanceWindow"));
        var watcher = node?.Object("networkWatcher");
        var watcherGroup = watcher?.String("resourceGroup") ?? AzureConfig.DefaultNetworkWatcherResourceGroup;
        var watcherName = watcher?.String("name");
        watcher?.RejectUnknownKeys();
        if (!AzureResourceGroupName().IsMatch(watcherGroup))
        {
            watcher!.Problem("resourceGroup", $"'{watcherGroup}' is not a resource group name");
        }

        if (watcherName is not null && !AzureResourceGroupName().IsMatch(watcherName))
        {
            watcher!.Problem("name", $"'{watcherName}' is not a network watcher name");
        }

        node?.RejectUnknownKeys();

        var systemSize = systemPool.InstanceType ?? AzureConfig.DefaultSystemVmSize;
        if (!AzureVmSize().IsMatch(systemSize))
        {
            problems.Add(new($"{Key("systemNodePool")}.instanceType", $"'{systemSize}' is not an Azure VM size such as Standard_D4ds_v5"));
        }
        else if (!AzureVmSizeWithLocalDisk().IsMatch(systemSize))
        {
            problems.Add(new($"{Key("systemNodePool")}.instanceType",
                $"'{systemSize}' has no local disk for the system pool's ephemeral OS disk; use a size with 'd' in its features, such as Standard_D4ds_v5"));
        }

        return new AzureConfig
        {
            VnetCidr = vnetCidr,
            AuthorizedIpRanges = authorized,
            AdminGroupObjectIds = groups,
            NodeOs = os,
            KubeloginMode = login,
            SystemVmSize = systemSize,
            LogRetentionDays = retention,
            Database = database,
            MaintenanceWindow = window,
            NetworkWatcherResourceGroup = watcherGroup,
            NetworkWatcherName = watcherName,
        };
    }

    private static AzureDatabaseConfig ReadAzureDatabase(JsonConfigNode? node, bool production)
    {
        var sku = node?.String("sku") ?? (production ? "Standard_D4ds_v5" : "Standard_B2s");
        var storage = node?.Int("storageSizeGb") ?? (production ? 128 : 32);
        var retention = node?.Int("backupRetentionDays") ?? (production ? 14 : 7);
        var version = node?.String("version") ?? AzureConfig.DefaultPostgresVersion;
        node?.RejectUnknownKeys();

        var config = new AzureDatabaseConfig(sku, storage, retention, version);
        if (!AzurePostgresSku().IsMatch(sku))
        {
            node!.Problem("sku", $"'{sku}' is not a flexible server compute size such as Standard_B2s (Burstable), Standard_D4ds_v5 (General Purpose) or Standard_E4ds_v5 (Memory Optimized)");
        }
        else if (production && config.Tier == "Burstable")
        {
            node!.Problem("sku", $"'{sku}' is Burstable, which has no zone-redundant high availability; production needs a General Purpose (Standard_D…) or Memory Optimized (Standard_E…) size");
        }

        if (!AzurePostgresStorageSizes.Contains(storage))
        {
            node!.Problem("storageSizeGb", $"{storage} is not a flexible server storage size ({string.Join(", ", AzurePostgresStorageSizes)} GiB)");
        }

        if (retention is < 7 or > 35)
        {
            node!.Problem("backupRetentionDays", $"must be between 7 and 35 days (point-in-time recovery for at least a week), not {retention}");
        }

        if (!AzurePostgresVersions.Contains(version))
        {
            node!.Problem("version", $"'{version}' is not a PostgreSQL major version flexible server runs ({string.Join(", ", AzurePostgresVersions)})");
        }

        return config;
    }

    private static AzureMaintenanceWindow ReadMaintenanceWindow(JsonConfigNode? node)
    {
        var day = node?.String("day") ?? "Sunday";
        var start = node?.String("startTime") ?? "02:00";
        var hours = node?.Int("durationHours") ?? 4;
        node?.RejectUnknownKeys();

        var canonical = WeekDays.FirstOrDefault(d => string.Equals(d, day, StringComparison.OrdinalIgnoreCase));
        if (canonical is null)
        {
            node!.Problem("day", $"'{day}' is not a day of the week ({string.Join(", ", WeekDays)})");
        }

        if (!HourMinute().IsMatch(start))
        {
            node!.Problem("startTime", $"'{start}' is not a UTC time of day such as 02:00 (HH:mm)");
        }

        if (hours is < 4 or > 24)
        {
            node!.Problem("durationHours", $"must be between 4 (AKS's minimum) and 24 hours, not {hours}");
        }

        return new AzureMaintenanceWindow(canonical ?? day, start, hours);
    }

    /// <summary>
    /// On Azure, each pool is one AKS agent pool of one VM size: its accelerator must exist on Azure, its GPUs per node
    /// must match a size, it may name at most that one size, Karpenter-only settings do not apply, its derived AKS
    /// name must be unique, and the platform's controllers need a regular pool because the system pool only takes
    /// critical add-ons.
    /// </summary>
    private static void ValidateAzureNodePools(IReadOnlyList<JsonConfigNode> nodes, ImmutableArray<NodePoolConfig> pools, List<ConfigProblem> problems)
    {
        var agentPoolNames = new Dictionary<string, string>(StringComparer.Ordinal) { [AzureNodePools.SystemPoolName] = "the system pool" };
        foreach (var pool in pools)
        {
            var node = nodes.FirstOrDefault(n => n.String("name") == pool.Name);
            if (node is null)
            {
                continue;
            }

            var agentPool = AzureNodePools.AgentPoolName(pool.Name);
            if (agentPool.Length == 0 || !char.IsAsciiLetterLower(agentPool[0]))
            {
                node.Problem("name", $"'{pool.Name}' cannot name an AKS agent pool: AKS names are lower-case letters and digits starting with a letter (the platform drops '-' and keeps 12 characters)");
            }
            else if (agentPoolNames.TryGetValue(agentPool, out var other))
            {
                node.Problem("name", $"'{pool.Name}' gives the AKS agent pool name '{agentPool}' (letters and digits, at most 12), as {other} does; shorten or rename one of them");
            }
            else
            {
                agentPoolNames[agentPool] = $"pool '{pool.Name}'";
            }

            if (pool.Accelerator is { } accelerator && !AzureVmSizes.Offers(accelerator))
            {
                node.Problem("accelerator", $"{Lower(accelerator)} GPUs do not exist on Azure; Azure offers {string.Join(", ", AzureVmSizes.ByAccelerator.Select(g => Lower(g.Key)))} (NCasT4_v3, NVadsA10_v5, NC/ND A100 v4, NC/ND H100 v5)");
            }
            else if (!pool.InstanceFamilies.IsDefaultOrEmpty)
            {
                ValidateAzurePoolSize(node, pool);
            }
            else if (pool.Accelerator is { } gpu && !AzureVmSizes.GpuCounts(gpu).Contains(pool.GpusPerNode))
            {
                node.Problem("gpusPerNode", $"{Lower(gpu)} VMs on Azure have {string.Join(" or ", AzureVmSizes.GpuCounts(gpu))} GPUs, not {pool.GpusPerNode}: no VM size would match");
            }

            if (pool.CpuLimit is not null)
            {
                node.Problem("cpuLimit", "not used on Azure: the cluster autoscaler bounds an AKS pool by its node count; use max");
            }

            if (pool.GpuLimit is not null)
            {
                node.Problem("gpuLimit", "not used on Azure: the cluster autoscaler bounds an AKS pool by its node count; use max");
            }

            if (pool.OnDemandFallback)
            {
                node.Problem("onDemandFallback", "AKS spot pools cannot fall back to regular VMs; add a second, regular pool with the same labels instead");
            }

            foreach (var label in pool.Labels.Keys.Where(k => k.StartsWith(AzureNodePools.ReservedLabelPrefix, StringComparison.Ordinal)))
            {
                node.Problem($"labels.{label}", $"AKS reserves the {AzureNodePools.ReservedLabelPrefix} prefix for its own node labels");
            }
        }

        if (!pools.Any(IsPlatformCapable))
        {
            problems.Add(new(Key("nodePools"),
                "the AKS system pool only runs critical add-ons (taint CriticalAddonsOnly=true:NoSchedule): add a regular cpu or memory pool (not spot, without NoSchedule or NoExecute taints) with min of at least 1 for the platform's controllers"));
        }
    }

    private static void ValidateAzurePoolSize(JsonConfigNode node, NodePoolConfig pool)
    {
        if (pool.InstanceFamilies.Length > 1)
        {
            node.Problem("instanceFamilies", $"an AKS agent pool has one VM size; give exactly one, not {pool.InstanceFamilies.Length}");
            return;
        }

        var size = pool.InstanceFamilies[0];
        var known = AzureVmSizes.Find(size);
        if (!AzureVmSize().IsMatch(size))
        {
            node.Problem("instanceFamilies", $"'{size}' is not an Azure VM size such as Standard_D8ds_v5");
        }
        else if (pool.Accelerator is { } accelerator && known?.Accelerator != accelerator)
        {
            node.Problem("instanceFamilies", $"'{size}' is not a {Lower(accelerator)} size; Azure's are {string.Join(", ", AzureVmSizes.ByAccelerator[accelerator].Select(s => s.Name))}");
        }
        else if (pool.Accelerator is not null && known!.Gpus != pool.GpusPerNode)
        {
            node.Problem("gpusPerNode", $"{known.Name} has {known.Gpus} GPU{(known.Gpus == 1 ? string.Empty : "s")}, not {pool.GpusPerNode}");
        }
        else if (pool.Accelerator is null && known is not null)
        {
            node.Problem("instanceFamilies", $"'{size}' is a GPU size; put it in a gpu pool (role: gpu, accelerator: {Lower(known.Accelerator)})");
        }
    }

    private static bool IsPlatformCapable(NodePoolConfig pool) =>
        !pool.IsGpu && !pool.Spot && pool.Min >= 1 && !pool.Taints.Any(t => t.Effect is "NoSchedule" or "NoExecute");

    /// <summary>
    /// The default address ranges of the network policies on Azure: nodes and data stores are in the VNet; the API
    /// server's private endpoint is in the VNet and its calls to webhooks come through konnectivity from the pod
    /// range, while a public API server (authorized ranges) has an address only Azure knows.
    /// </summary>
    private static NetworkDefaults? AzureNetworkDefaults(AzureConfig? azure) =>
        azure is null || !IsCidr(azure.VnetCidr)
            ? null
            : new NetworkDefaults(
                azure.IsPrivateCluster ? [azure.VnetCidr, AzureConfig.PodCidr] : ["0.0.0.0/0"],
                [azure.VnetCidr],
                [azure.VnetCidr]);

    /// <summary>True when two IPv4 CIDR blocks share an address.</summary>
    public static bool CidrsOverlap(string first, string second)
    {
        static (uint Start, uint End) Range(string cidr)
        {
            var bits = PrefixLength(cidr);
            var bytes = IPAddress.Parse(cidr[..cidr.IndexOf('/')]).GetAddressBytes();
            var address = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
            var mask = bits == 0 ? 0u : uint.MaxValue << (32 - bits);
            return (address & mask, (address & mask) | ~mask);
        }

        var (a, b) = (Range(first), Range(second));
        return a.Start <= b.End && b.Start <= a.End;
    }

    [GeneratedRegex(@"\A[a-z][a-z0-9]{1,40}\z")]
    private static partial Regex AzureLocation();

    [GeneratedRegex(@"\A[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\z")]
    private static partial Regex Guid();

    [GeneratedRegex(@"\AStandard_[A-Z][A-Za-z0-9]*(_[A-Za-z0-9]+)*\z")]
    private static partial Regex AzureVmSize();

    // Family letters, vCPUs, feature letters with 'd' (a local disk), then optional suffixes: Standard_D4ds_v5, Standard_E8ads_v6.
    [GeneratedRegex(@"\AStandard_[A-Z]+[0-9]+[a-z]*d[a-z]*(_[A-Za-z0-9]+)*\z")]
    private static partial Regex AzureVmSizeWithLocalDisk();

    [GeneratedRegex(@"\AStandard_[BDE][0-9]+[a-z]*(_v[0-9]+)?\z")]
    private static partial Regex AzurePostgresSku();

    [GeneratedRegex(@"\A[A-Za-z0-9_.()-]{1,90}\z")]
    private static partial Regex AzureResourceGroupName();

    [GeneratedRegex(@"\A([01][0-9]|2[0-3]):[0-5][0-9]\z")]
    private static partial Regex HourMinute();
}
