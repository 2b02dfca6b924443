using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;

namespace MlPlatform.Stacks.Configuration;

/// <summary>One Compute Engine machine type with its GPUs, vCPUs and memory.</summary>
/// <param name="MachineType">The machine type, e.g. <c>g2-standard-8</c>.</param>
/// <param name="Gpus">Attached GPUs (0 for CPU machines).</param>
/// <param name="Vcpus">vCPUs.</param>
/// <param name="MemoryGb">Memory in GB (an upper bound for CPU machines, whose memory per vCPU varies by series).</param>
public sealed record GcpMachine(string MachineType, int Gpus, int Vcpus, int MemoryGb);

/// <summary>
/// A Compute Engine machine series that carries one GKE accelerator type, with the sizes it comes in.
/// </summary>
/// <param name="Name">The series as written in <c>instanceFamilies</c>, e.g. <c>a2-ultragpu</c>.</param>
/// <param name="AcceleratorType">The GKE accelerator type of its GPUs, e.g. <c>nvidia-a100-80gb</c>.</param>
/// <param name="Sizes">The machine types of the series.</param>
/// <param name="FullSizeGpus">
/// When set, sizes with fewer GPUs than this exist only as Spot VMs (or flex-start), not on demand (A3 High).
/// </param>
public sealed record GcpGpuSeries(string Name, string AcceleratorType, ImmutableArray<GcpMachine> Sizes, int? FullSizeGpus = null)
{
    /// <summary>The GPU counts its sizes have.</summary>
    public IEnumerable<int> GpuCounts => Sizes.Select(s => s.Gpus);

    /// <summary>The size with the given GPU count, or null.</summary>
    public GcpMachine? WithGpus(int gpus) => Sizes.FirstOrDefault(s => s.Gpus == gpus);
}

/// <summary>
/// The accelerators GKE offers, on the machine series that carry them (Compute Engine GPU machine types), and the
/// CPU machine types of the system and CPU pools. Validation and the GKE node pools both read from here, so a pool
/// that would match no machine type fails before anything is registered.
/// </summary>
public static partial class GcpMachines
{
    /// <summary>The CPU machine type of <c>cpu</c> pools without <c>instanceFamilies</c>.</summary>
    public const string DefaultCpuMachine = "n2-standard-8";

    /// <summary>The CPU machine type of <c>memory</c> pools without <c>instanceFamilies</c>.</summary>
    public const string DefaultMemoryMachine = "n2-highmem-8";

    /// <summary>
    /// Per accelerator, the machine series that carry it, the default first. An accelerator missing here does not
    /// exist on GCP (A10G is an AWS g5 GPU).
    /// </summary>
    public static ImmutableDictionary<Accelerator, ImmutableArray<GcpGpuSeries>> GpuSeries { get; } =
        ImmutableDictionary<Accelerator, ImmutableArray<GcpGpuSeries>>.Empty
            // N1 machines with attached T4s: 1, 2 or 4 per VM.
            .Add(Accelerator.T4,
            [
                new("n1-standard", "nvidia-tesla-t4", [new("n1-standard-8", 1, 8, 30), new("n1-standard-16", 2, 16, 60), new("n1-standard-32", 4, 32, 120)]),
                new("n1-highmem", "nvidia-tesla-t4", [new("n1-highmem-8", 1, 8, 52), new("n1-highmem-16", 2, 16, 104), new("n1-highmem-32", 4, 32, 208)]),
            ])
            // G2: the L4 count is fixed by the machine type (g2-standard-4 to -16 and -32: 1, -24: 2, -48: 4, -96: 8).
            .Add(Accelerator.L4,
            [
                new("g2-standard", "nvidia-l4",
                    [new("g2-standard-8", 1, 8, 32), new("g2-standard-24", 2, 24, 96), new("g2-standard-48", 4, 48, 192), new("g2-standard-96", 8, 96, 384)]),
            ])
            // A2 Standard (A100 40GB; 16 GPUs only as a2-megagpu-16g) and A2 Ultra (A100 80GB).
            .Add(Accelerator.A100,
            [
                new("a2-highgpu", "nvidia-tesla-a100",
                    [new("a2-highgpu-1g", 1, 12, 85), new("a2-highgpu-2g", 2, 24, 170), new("a2-highgpu-4g", 4, 48, 340), new("a2-highgpu-8g", 8, 96, 680)]),
                new("a2-megagpu", "nvidia-tesla-a100", [new("a2-megagpu-16g", 16, 96, 1360)]),
                new("a2-ultragpu", "nvidia-a100-80gb",
                    [new("a2-ultragpu-1g", 1, 12, 170), new("a2-ultragpu-2g", 2, 24, 340), new("a2-ultragpu-4g", 4, 48, 680), new("a2-ultragpu-8g", 8, 96, 1360)]),
            ])
            // A3 High (H100 80GB; the 1, 2 and 4 GPU sizes only as Spot VMs) and A3 Mega.
            .Add(Accelerator.H100,
            [
                new("a3-highgpu", "nvidia-h100-80gb",
                    [new("a3-highgpu-1g", 1, 26, 234), new("a3-highgpu-2g", 2, 52, 468), new("a3-highgpu-4g", 4, 104, 936), new("a3-highgpu-8g", 8, 208, 1872)],
                    FullSizeGpus: 8),
                new("a3-megagpu", "nvidia-h100-mega-80gb", [new("a3-megagpu-8g", 8, 208, 1872)]),
            ]);

    /// <summary>The accelerators GKE offers, as written in configuration.</summary>
    public static string Offered => string.Join(", ", GpuSeries.Keys.Order().Select(ConfigReader.Lower));

    /// <summary>
    /// The series of a GPU pool: the one named in <c>instanceFamilies</c>, else the first of the accelerator's
    /// series that has the pool's GPU count, else the accelerator's default; null when the accelerator does not
    /// exist on GCP or the named series does not carry it.
    /// </summary>
    public static GcpGpuSeries? SeriesFor(Accelerator accelerator, string? family, int gpusPerNode)
    {
        if (!GpuSeries.TryGetValue(accelerator, out var series))
        {
            return null;
        }

        return family is not null
            ? series.FirstOrDefault(s => s.Name == family)
            : series.FirstOrDefault(s => s.WithGpus(gpusPerNode) is not null) ?? series[0];
    }

    /// <summary>
    /// A CPU machine type the platform can size: <c>&lt;series&gt;-&lt;standard|highmem|highcpu&gt;-&lt;vCPUs&gt;</c>
    /// (e.g. <c>n2-standard-8</c>, <c>c3-highmem-22</c>), with its memory as an upper bound (4, 8 or 2 GB per vCPU).
    /// Null for anything else (shared-core and custom types).
    /// </summary>
    public static GcpMachine? CpuMachine(string machineType)
    {
        var match = CpuMachineType().Match(machineType);
        if (!match.Success)
        {
            return null;
        }

        var vcpus = int.Parse(match.Groups["vcpus"].Value, CultureInfo.InvariantCulture);
        var perVcpu = match.Groups["class"].Value switch
        {
            "highmem" => 8,
            "highcpu" => 2,
            _ => 4,
        };
        return vcpus is >= 1 and <= 416 ? new GcpMachine(machineType, 0, vcpus, vcpus * perVcpu) : null;
    }

    [GeneratedRegex(@"\A[a-z][a-z0-9]{1,3}-(?<class>standard|highmem|highcpu)-(?<vcpus>[0-9]{1,3})\z")]
    private static partial Regex CpuMachineType();
}
