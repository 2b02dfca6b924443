using System.Collections.Immutable;
using MlPlatform.Stacks.Configuration;

namespace MlPlatform.Stacks.Azure;

/// <summary>An Azure GPU VM size: its NVIDIA GPU model, how many GPUs it has, and its vCPUs and memory.</summary>
/// <param name="Name">The VM size, e.g. <c>Standard_NC8as_T4_v3</c>.</param>
/// <param name="Accelerator">The GPU model.</param>
/// <param name="Gpus">Whole GPUs per VM (what the device plugin advertises as <c>nvidia.com/gpu</c>).</param>
/// <param name="Vcpus">vCPUs.</param>
/// <param name="MemoryGiB">Memory in GiB.</param>
public sealed record AzureGpuSize(string Name, Accelerator Accelerator, int Gpus, int Vcpus, int MemoryGiB);

/// <summary>
/// The AKS VM sizes of each accelerator (NCasT4_v3, NVadsA10_v5, NC_A100_v4 / ND_A100_v4, NCads_H100_v5 /
/// ND_H100_v5). Only sizes with whole GPUs are listed: the fractional NVadsA10 v5 sizes (1/6 to 1/2 of a GPU) are
/// vGPU partitions the NVIDIA device plugin does not schedule. L4 and A10G are not offered on Azure.
/// </summary>
public static class AzureVmSizes
{
    /// <summary>The VM size of CPU pools without <c>instanceFamilies</c>.</summary>
    public const string DefaultCpuSize = "Standard_D8ds_v5";

    /// <summary>The VM size of memory pools without <c>instanceFamilies</c>.</summary>
    public const string DefaultMemorySize = "Standard_E8ds_v5";

    /// <summary>Every GPU size the platform knows, by accelerator.</summary>
    public static ImmutableArray<AzureGpuSize> GpuSizes { get; } =
    [
        new("Standard_NC4as_T4_v3", Accelerator.T4, 1, 4, 28),
        new("Standard_NC8as_T4_v3", Accelerator.T4, 1, 8, 56),
        new("Standard_NC16as_T4_v3", Accelerator.T4, 1, 16, 110),
        new("Standard_NC64as_T4_v3", Accelerator.T4, 4, 64, 440),
        new("Standard_NV36ads_A10_v5", Accelerator.A10, 1, 36, 440),
        new("Standard_NV36adms_A10_v5", Accelerator.A10, 1, 36, 880),
        new("Standard_NV72ads_A10_v5", Accelerator.A10, 2, 72, 880),
        new("Standard_NC24ads_A100_v4", Accelerator.A100, 1, 24, 220),
        new("Standard_NC48ads_A100_v4", Accelerator.A100, 2, 48, 440),
        new("Standard_NC96ads_A100_v4", Accelerator.A100, 4, 96, 880),
        new("Standard_ND96asr_v4", Accelerator.A100, 8, 96, 900),
        new("Standard_ND96amsr_A100_v4", Accelerator.A100, 8, 96, 1900),
        new("Standard_NC40ads_H100_v5", Accelerator.H100, 1, 40, 320),
        new("Standard_NC80adis_H100_v5", Accelerator.H100, 2, 80, 640),
        new("Standard_ND96isr_H100_v5", Accelerator.H100, 8, 96, 1900),
    ];

    /// <summary>
    /// The size a GPU pool gets for its GPUs per node when it names none. One T4 is the NC8as_T4_v3 rather than the
    /// NC4as_T4_v3: a 4-vCPU node keeps too little allocatable CPU for a model server asking for 4.
    /// </summary>
    public static ImmutableDictionary<(Accelerator Accelerator, int Gpus), string> DefaultGpuSize { get; } =
        new Dictionary<(Accelerator, int), string>
        {
            [(Accelerator.T4, 1)] = "Standard_NC8as_T4_v3",
            [(Accelerator.T4, 4)] = "Standard_NC64as_T4_v3",
            [(Accelerator.A10, 1)] = "Standard_NV36ads_A10_v5",
            [(Accelerator.A10, 2)] = "Standard_NV72ads_A10_v5",
            [(Accelerator.A100, 1)] = "Standard_NC24ads_A100_v4",
            [(Accelerator.A100, 2)] = "Standard_NC48ads_A100_v4",
            [(Accelerator.A100, 4)] = "Standard_NC96ads_A100_v4",
            [(Accelerator.A100, 8)] = "Standard_ND96asr_v4",
            [(Accelerator.H100, 1)] = "Standard_NC40ads_H100_v5",
            [(Accelerator.H100, 2)] = "Standard_NC80adis_H100_v5",
            [(Accelerator.H100, 8)] = "Standard_ND96isr_H100_v5",
        }.ToImmutableDictionary();

    /// <summary>The accelerators Azure offers, with the sizes of each.</summary>
    public static ILookup<Accelerator, AzureGpuSize> ByAccelerator { get; } = GpuSizes.ToLookup(s => s.Accelerator);

    /// <summary>True when Azure has VMs with this accelerator (L4 and A10G are AWS/GCP GPUs).</summary>
    public static bool Offers(Accelerator accelerator) => ByAccelerator.Contains(accelerator);

    /// <summary>The GPU counts the sizes of an accelerator offer, ascending.</summary>
    public static ImmutableArray<int> GpuCounts(Accelerator accelerator) =>
        [.. ByAccelerator[accelerator].Select(s => s.Gpus).Distinct().Order()];

    /// <summary>The known GPU size of that name (case-insensitive, as Azure compares them), or null.</summary>
    public static AzureGpuSize? Find(string vmSize) =>
        GpuSizes.FirstOrDefault(s => string.Equals(s.Name, vmSize, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The VM size of a pool: its one configured size (<c>instanceFamilies[0]</c>, validated), or the default of its
    /// role, accelerator and GPUs per node.
    /// </summary>
    public static string SizeOf(NodePoolConfig pool) =>
        !pool.InstanceFamilies.IsDefaultOrEmpty ? pool.InstanceFamilies[0] : pool.Role switch
        {
            NodeRole.Gpu when pool.Accelerator is { } accelerator && DefaultGpuSize.TryGetValue((accelerator, pool.GpusPerNode), out var size) => size,
            NodeRole.Gpu => throw new ArgumentException($"GPU pool '{pool.Name}' has no Azure size for {pool.GpusPerNode} {pool.Accelerator} GPUs.", nameof(pool)),
            NodeRole.Memory => DefaultMemorySize,
            _ => DefaultCpuSize,
        };
}
