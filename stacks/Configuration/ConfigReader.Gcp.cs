using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace MlPlatform.Stacks.Configuration;

/// <summary>Reading and validation of <c>mlplatform:gcp</c>, and of the node pools on GKE.</summary>
public static partial class ConfigReader
{
    /// <summary>The name of GKE's own GPU taint value: GKE taints every GPU node <c>nvidia.com/gpu=present:NoSchedule</c>.</summary>
    public const string GkeGpuTaintValue = "present";

    /// <summary>The node pool name the GKE stack gives its system pool.</summary>
    public const string GkeSystemPoolName = "system";

    /// <summary>
    /// Why <c>addons.gpuOperator</c> is refused on GCP. GKE installs the NVIDIA driver on its COS GPU nodes (node
    /// pools with <c>gpuDriverInstallationConfig</c>), runs its own device plugin and configures containerd for GPUs;
    /// the operator's driver container does not support COS, and its container toolkit cannot register the
    /// <c>nvidia</c> runtime in GKE's containerd, so its operands (device plugin, DCGM exporter, validator) never start.
    /// </summary>
    internal const string GkeGpuOperatorProblem =
        "GKE installs the NVIDIA driver and device plugin on its GPU nodes itself (COS, gpuDriverInstallationConfig); the GPU operator's driver does not support COS and its toolkit cannot register the nvidia runtime in GKE's containerd, so it is off on gcp: remove gpuOperator or set it to false";

    private static readonly int[] PerfOptimizedVcpus = [2, 4, 8, 16, 32, 48, 64, 80, 96, 128];

    /// <summary>
    /// Reads <c>mlplatform:gcp</c>: null on other clouds (where setting it is a problem), the validated settings with
    /// their defaults on <c>gcp</c>.
    /// </summary>
    private static GcpConfig? ReadGcp(
        JsonConfigNode? node, CloudKind? cloud, bool production, string? region, SystemNodePoolConfig systemPool, List<ConfigProblem> problems)
    {
        if (cloud != CloudKind.Gcp)
        {
            if (node is not null && cloud is not null)
            {
                problems.Add(new(Key("gcp"), $"only used with cloud 'gcp', not '{Lower(cloud.Value)}'"));
            }

            return null;
        }

        var key = Key("gcp");
        var project = node?.String("projectId");
        if (project is null)
        {
            problems.Add(new($"{key}.projectId", "required: the ID of the project every resource goes into, e.g. acme-ml-staging"));
        }
        else if (!GcpProjectId().IsMatch(project))
        {
            node!.Problem("projectId", $"'{project}' is not a project ID (6 to 30 lower-case letters, digits and '-', starting with a letter and not ending with '-')");
        }

        var regionValid = region is not null && GcpRegion().IsMatch(region);
        if (region is not null && !regionValid)
        {
            problems.Add(new(Key("region"), $"'{region}' is not a GCP region such as us-central1 or europe-west4"));
        }

        bool InRegion(string zone) => !regionValid || zone.StartsWith($"{region}-", StringComparison.Ordinal) && GcpZone().IsMatch(zone);

        var zone = node?.String("zone");
        if (zone is not null && production)
        {
            node!.Problem("zone", "production clusters are regional (control plane and nodes in three zones); remove this key");
        }
        else if (zone is not null && !InRegion(zone))
        {
            node!.Problem("zone", $"'{zone}' is not a zone of {region}, such as {region}-a");
        }

        var defaults = new GcpConfig { ProjectId = "", Database = new("", 0, 0, "") };
        var subnet = GcpRange(node, "subnetCidr", defaults.SubnetCidr, 16, 24, "the nodes");
        var pods = GcpRange(node, "podsCidr", defaults.PodsCidr, 9, 21, "the pods (a /24 per node)");
        var services = GcpRange(node, "servicesCidr", defaults.ServicesCidr, 16, 27, "the Services");
        var master = GcpRange(node, "masterCidr", defaults.MasterCidr, 28, 28, "the private control plane");
        var privateServices = GcpRange(node, "privateServicesCidr", defaults.PrivateServicesCidr, 16, 24, "private services access (Cloud SQL)");
        var ranges = new[] { ("subnetCidr", subnet), ("podsCidr", pods), ("servicesCidr", services), ("masterCidr", master), ("privateServicesCidr", privateServices) };
        for (var i = 0; i < ranges.Length; i++)
        {
            for (var j = i + 1; j < ranges.Length; j++)
            {
                if (IsCidr(ranges[i].Item2) && IsCidr(ranges[j].Item2) && Overlap(ranges[i].Item2, ranges[j].Item2))
                {
                    problems.Add(new($"{key}.{ranges[j].Item1}", $"{ranges[j].Item2} overlaps {ranges[i].Item1} ({ranges[i].Item2}); the VPC's ranges must not overlap"));
                }
            }
        }

        var authorized = node?.StringList("masterAuthorizedNetworks") ?? [];
        foreach (var cidr in authorized.Where(c => !IsCidr(c)))
        {
            node!.Problem("masterAuthorizedNetworks", $"'{cidr}' is not an IPv4 CIDR such as 203.0.113.0/24");
        }

        if (authorized.Contains("0.0.0.0/0"))
        {
            node!.Problem("masterAuthorizedNetworks", "0.0.0.0/0 would open the API server to the internet");
        }
        else if (production && !authorized.IsEmpty)
        {
            node!.Problem("masterAuthorizedNetworks", "the production API endpoint is private (reach it from the VPC, a VPN or a bastion); remove this key");
        }

        var channel = ReadEnum<GkeReleaseChannel>(node?.String("releaseChannel"), node?.Child("releaseChannel") ?? "", problems, required: false, fullKey: true)
            ?? GkeReleaseChannel.Regular;

        var gpuZones = node?.StringList("gpuZones") ?? [];
        for (var i = 0; i < gpuZones.Length; i++)
        {
            if (!InRegion(gpuZones[i]))
            {
                node!.Problem($"gpuZones[{i}]", $"'{gpuZones[i]}' is not a zone of {region}, such as {region}-a");
            }
            else if (zone is not null && gpuZones[i] != zone)
            {
                node!.Problem($"gpuZones[{i}]", $"the cluster is zonal in {zone}: its node pools cannot run in {gpuZones[i]}");
            }
        }

        var flowLogs = ReadFlowLogs(node?.Object("flowLogs"), defaults.FlowLogs);
        var retention = node?.Int("logRetentionDays") ?? (production ? 365 : 30);
        if (retention is < 1 or > 3650)
        {
            node!.Problem("logRetentionDays", $"must be between 1 and 3650 days (a Cloud Logging bucket's retention), not {retention}");
        }

        var bucketCmek = node?.Bool("bucketCmek") ?? production;
        var database = ReadGcpDatabase(node?.Object("database"), production);
        node?.RejectUnknownKeys();

        var machineType = systemPool.InstanceType ?? GcpConfig.DefaultSystemMachineType;
        if (GcpMachines.CpuMachine(machineType) is null)
        {
            problems.Add(new($"{Key("systemNodePool")}.instanceType", $"'{machineType}' is not a Compute Engine machine type such as n2-standard-4 (series-standard|highmem|highcpu-vCPUs)"));
        }

        if (zone is null && systemPool.Max < 3)
        {
            problems.Add(new($"{Key("systemNodePool")}.max", $"a regional cluster runs its system pool in three zones: at least 3, not {systemPool.Max}"));
        }

        return new GcpConfig
        {
            ProjectId = project ?? "",
            Zone = production ? null : zone,
            SubnetCidr = subnet,
            PodsCidr = pods,
            ServicesCidr = services,
            MasterCidr = master,
            PrivateServicesCidr = privateServices,
            MasterAuthorizedNetworks = production ? [] : authorized,
            ReleaseChannel = channel,
            GpuZones = gpuZones,
            SystemMachineType = machineType,
            FlowLogs = flowLogs,
            LogRetentionDays = retention,
            BucketCmek = bucketCmek,
            Database = database,
        };
    }

    private static string GcpRange(JsonConfigNode? node, string name, string fallback, int widest, int narrowest, string what)
    {
        var cidr = node?.String(name) ?? fallback;
        if (!IsCidr(cidr))
        {
            node!.Problem(name, $"'{cidr}' is not an IPv4 CIDR such as {fallback}");
        }
        else if (PrefixLength(cidr) < widest || PrefixLength(cidr) > narrowest)
        {
            node!.Problem(name, widest == narrowest
                ? $"must be a /{widest} ({what}), not /{PrefixLength(cidr)}"
                : $"must be a /{widest} to /{narrowest} ({what}), not /{PrefixLength(cidr)}");
        }

        return cidr;
    }

    private static GcpFlowLogsConfig ReadFlowLogs(JsonConfigNode? node, GcpFlowLogsConfig defaults)
    {
        if (node is null)
        {
            return defaults;
        }

        var interval = node.String("aggregationInterval") ?? defaults.AggregationInterval;
        if (!GcpFlowLogsConfig.Intervals.Contains(interval))
        {
            node.Problem("aggregationInterval", $"'{interval}' is not one of {string.Join(", ", GcpFlowLogsConfig.Intervals)}");
        }

        var sampling = defaults.Sampling;
        if (node.String("sampling") is { } raw)
        {
            if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out sampling) || sampling is <= 0 or > 1 || double.IsNaN(sampling))
            {
                node.Problem("sampling", $"must be a fraction above 0 and at most 1 (0.5 logs half the flows), not '{raw}'");
                sampling = defaults.Sampling;
            }
        }

        node.RejectUnknownKeys();
        return new GcpFlowLogsConfig(interval, sampling);
    }

    private static GcpDatabaseConfig ReadGcpDatabase(JsonConfigNode? node, bool production)
    {
        var tier = node?.String("tier") ?? (production ? "db-custom-2-8192" : "db-custom-1-3840");
        var disk = node?.Int("diskSizeGb") ?? (production ? 100 : 20);
        var retention = node?.Int("backupRetentionDays") ?? (production ? 14 : 7);
        var version = node?.String("version") ?? GcpConfig.DefaultPostgresVersion;
        node?.RejectUnknownKeys();

        if (CloudSqlTierProblem(tier, production) is { } problem)
        {
            node!.Problem("tier", problem);
        }

        if (disk is < 10 or > 65536)
        {
            node!.Problem("diskSizeGb", $"must be between 10 and 65536 GB, not {disk}");
        }

        if (retention is < 7 or > 365)
        {
            node!.Problem("backupRetentionDays", $"must be between 7 and 365 daily backups (point-in-time recovery for at least a week), not {retention}");
        }

        if (!CloudSqlPostgresVersion().IsMatch(version))
        {
            node!.Problem("version", $"'{version}' is not a PostgreSQL major version Cloud SQL offers (14, 15, 16 or 17)");
        }

        return new GcpDatabaseConfig(tier, disk, retention, version);
    }

    /// <summary>Why a Cloud SQL tier is unusable, or null when it is a real PostgreSQL tier.</summary>
    private static string? CloudSqlTierProblem(string tier, bool production)
    {
        if (tier is "db-f1-micro" or "db-g1-small")
        {
            return production ? $"'{tier}' is a shared-core tier without an SLA; production needs a db-custom or db-perf-optimized tier" : null;
        }

        if (CloudSqlPerfTier().Match(tier) is { Success: true } perf)
        {
            var vcpus = int.Parse(perf.Groups["cpu"].Value, CultureInfo.InvariantCulture);
            return PerfOptimizedVcpus.Contains(vcpus) ? null : $"db-perf-optimized-N tiers have {string.Join(", ", PerfOptimizedVcpus)} vCPUs, not {vcpus}";
        }

        if (CloudSqlCustomTier().Match(tier) is not { Success: true } custom)
        {
            return $"'{tier}' is not a Cloud SQL for PostgreSQL tier such as db-custom-2-8192 (vCPUs and MB), db-perf-optimized-N-4 or db-g1-small";
        }

        var cpu = int.Parse(custom.Groups["cpu"].Value, CultureInfo.InvariantCulture);
        var memory = int.Parse(custom.Groups["mb"].Value, CultureInfo.InvariantCulture);
        if (cpu != 1 && (cpu % 2 != 0 || cpu is < 2 or > 96))
        {
            return $"a custom tier has 1 or an even number of vCPUs up to 96, not {cpu}";
        }

        if (memory % 256 != 0 || memory < 3840 || memory < cpu * 922 || memory > cpu * 6656)
        {
            return $"a custom tier's memory is a multiple of 256 MB, at least 3840 MB and 0.9 to 6.5 GB per vCPU ({cpu * 922} to {cpu * 6656} MB here), not {memory}";
        }

        return null;
    }

    /// <summary>
    /// On GCP, every pool becomes one GKE node pool of one machine type: its accelerator must exist on GCP, its GPU
    /// count must be a size of the accelerator's machine series, and GKE's own GPU taint must not be contradicted.
    /// </summary>
    private static void ValidateGcpNodePools(IReadOnlyList<JsonConfigNode> nodes, ImmutableArray<NodePoolConfig> pools)
    {
        foreach (var pool in pools)
        {
            var node = nodes.FirstOrDefault(n => n.String("name") == pool.Name);
            if (node is null)
            {
                continue;
            }

            if (pool.Name.Length > 40)
            {
                node.Problem("name", $"GKE node pool names are at most 40 characters; '{pool.Name}' has {pool.Name.Length}");
            }
            else if (pool.Name == GkeSystemPoolName)
            {
                node.Problem("name", $"'{GkeSystemPoolName}' is the platform's own node pool on GKE (mlplatform:systemNodePool); choose another name");
            }

            if (pool.InstanceFamilies.Length > 1)
            {
                node.Problem("instanceFamilies", "on GCP a pool is one GKE node pool of one machine type: name at most one");
                continue;
            }

            var family = pool.InstanceFamilies.IsDefaultOrEmpty ? null : pool.InstanceFamilies[0];
            if (!pool.IsGpu)
            {
                if (family is not null && GcpMachines.CpuMachine(family) is null)
                {
                    node.Problem("instanceFamilies", $"'{family}' is not a machine type such as n2-standard-16 or c3-highmem-22 (on GCP a {Lower(pool.Role)} pool is one machine type)");
                }

                continue;
            }

            if (pool.Accelerator is not { } accelerator)
            {
                continue;
            }

            if (!GcpMachines.GpuSeries.TryGetValue(accelerator, out var offered))
            {
                node.Problem("accelerator", $"'{Lower(accelerator)}' does not exist on GCP; GKE offers {GcpMachines.Offered}");
                continue;
            }

            var series = GcpMachines.SeriesFor(accelerator, family, pool.GpusPerNode);
            if (series is null)
            {
                node.Problem("instanceFamilies", $"'{family}' does not carry {Lower(accelerator)} GPUs; GKE offers them on {string.Join(", ", offered.Select(s => s.Name))}");
            }
            else if (series.WithGpus(pool.GpusPerNode) is null)
            {
                ImmutableArray<GcpGpuSeries> sizes = family is not null ? [series] : offered;
                node.Problem("gpusPerNode",
                    $"{Lower(accelerator)} machines on GCP have {string.Join("; ", sizes.Select(s => $"{s.Name} ({s.AcceleratorType}): {string.Join(", ", s.GpuCounts)}"))} GPUs, not {pool.GpusPerNode}");
            }
            else if (series.FullSizeGpus is { } full && pool.GpusPerNode < full && !pool.Spot)
            {
                node.Problem("spot", $"{series.WithGpus(pool.GpusPerNode)!.MachineType} exists only as Spot VMs: set spot: true, or ask for {full} GPUs per node");
            }

            if (pool.Taints.Any(t => t.Key == TaintConfig.Gpu.Key && t.Effect == TaintConfig.Gpu.Effect && t.Value is not null && t.Value != GkeGpuTaintValue))
            {
                node.Problem("taints", $"GKE taints GPU nodes {TaintConfig.Gpu.Key}={GkeGpuTaintValue}:NoSchedule itself: give the taint the value '{GkeGpuTaintValue}' (or none)");
            }
        }
    }

    /// <summary>The default address ranges of the network policies on GCP: the nodes, the control plane and private services (Cloud SQL).</summary>
    private static NetworkDefaults? GcpPrivateNetworkDefault(GcpConfig? gcp)
    {
        if (gcp is null || !new[] { gcp.SubnetCidr, gcp.MasterCidr, gcp.PrivateServicesCidr }.All(IsCidr))
        {
            return null;
        }

        ImmutableArray<string> ranges = [gcp.SubnetCidr, gcp.MasterCidr, gcp.PrivateServicesCidr];
        return new NetworkDefaults(ranges, ranges, ranges);
    }

    /// <summary>True when two IPv4 CIDR blocks share an address.</summary>
    internal static bool Overlap(string a, string b)
    {
        static (uint Start, uint End) Bounds(string cidr)
        {
            var bits = PrefixLength(cidr);
            var bytes = IPAddress.Parse(cidr[..cidr.IndexOf('/')]).GetAddressBytes();
            var address = (uint)bytes[0] << 24 | (uint)bytes[1] << 16 | (uint)bytes[2] << 8 | bytes[3];
            var mask = bits == 0 ? 0u : uint.MaxValue << (32 - bits);
            return (address & mask, (address & mask) | ~mask);
        }

        var (aStart, aEnd) = Bounds(a);
        var (bStart, bEnd) = Bounds(b);
        return aStart <= bEnd && bStart <= aEnd;
    }

    [GeneratedRegex(@"\A[a-z][a-z0-9-]{4,28}[a-z0-9]\z")]
    private static partial Regex GcpProjectId();

    [GeneratedRegex(@"\A[a-z]+-[a-z]+[0-9]{1,2}\z")]
    private static partial Regex GcpRegion();

    [GeneratedRegex(@"\A[a-z]+-[a-z]+[0-9]{1,2}-[a-z]\z")]
    private static partial Regex GcpZone();

    [GeneratedRegex(@"\Adb-custom-(?<cpu>[0-9]{1,2})-(?<mb>[0-9]{3,6})\z")]
    private static partial Regex CloudSqlCustomTier();

    [GeneratedRegex(@"\Adb-perf-optimized-N-(?<cpu>[0-9]{1,3})\z")]
    private static partial Regex CloudSqlPerfTier();

    [GeneratedRegex(@"\A1[4-7]\z")]
    private static partial Regex CloudSqlPostgresVersion();
}
