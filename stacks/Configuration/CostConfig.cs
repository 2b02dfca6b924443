using System.Collections.Immutable;

namespace MlPlatform.Stacks.Configuration;

/// <summary>
/// The prices of the cost dashboard (<c>mlplatform:costs</c>), in US dollars: each one the stack leaves out keeps its
/// default, the <c>rate:*</c> rows of <c>costs/prices.json</c> (the reference deployment's) and, for GPUs, the cloud's
/// on-demand price per GPU-hour of the accelerator the stack's GPU pools use (<see cref="GpuHourPrices"/>).
/// </summary>
public sealed record CostConfig
{
    /// <summary>The reference price of a CPU core-hour.</summary>
    public const double DefaultCpuCoreHour = 0.048;

    /// <summary>The reference price of a GB-hour (GiB) of memory.</summary>
    public const double DefaultMemoryGbHour = 0.006;

    /// <summary>The reference price of a GPU-hour (an AWS g4dn.xlarge, one T4).</summary>
    public const double DefaultGpuHour = 0.526;

    /// <summary>Dollars per requested CPU core and hour.</summary>
    public double CpuCoreHour { get; init; } = DefaultCpuCoreHour;

    /// <summary>Dollars per requested GiB of memory and hour.</summary>
    public double MemoryGbHour { get; init; } = DefaultMemoryGbHour;

    /// <summary>Dollars per requested GPU and hour; null for the cloud's price of the stack's accelerator (or the reference).</summary>
    public double? GpuHour { get; init; }

    /// <summary>
    /// On-demand prices per GPU-hour by cloud and accelerator, Linux, the regions of <c>costs/prices.json</c>
    /// (us-east-1, eastus2, us-central1), from its rows of 2025-11-01: the instance (VM, machine) price divided by its
    /// GPU count, host CPU and memory included. The <c>gpu:&lt;cloud&gt;:&lt;accelerator&gt;</c> rows there; a test
    /// keeps both equal.
    /// </summary>
    public static ImmutableDictionary<(CloudKind Cloud, Accelerator Accelerator), double> GpuHourPrices { get; } =
        new Dictionary<(CloudKind, Accelerator), double>
        {
            [(CloudKind.Aws, Accelerator.T4)] = 0.526,
            [(CloudKind.Aws, Accelerator.L4)] = 0.8048,
            [(CloudKind.Aws, Accelerator.A10G)] = 1.006,
            [(CloudKind.Aws, Accelerator.A100)] = 4.0966,
            [(CloudKind.Aws, Accelerator.H100)] = 12.29,
            [(CloudKind.Azure, Accelerator.T4)] = 0.526,
            [(CloudKind.Azure, Accelerator.A10)] = 3.20,
            [(CloudKind.Azure, Accelerator.A100)] = 3.673,
            [(CloudKind.Azure, Accelerator.H100)] = 6.98,
            [(CloudKind.Gcp, Accelerator.L4)] = 0.8536,
            [(CloudKind.Gcp, Accelerator.A100)] = 3.6731,
            [(CloudKind.Gcp, Accelerator.H100)] = 11.0313,
        }.ToImmutableDictionary();

    /// <summary>
    /// The GPU-hour price of a stack: the configured one, else the cloud's price of the one accelerator all its GPU
    /// pools use, else the reference price.
    /// </summary>
    public double GpuHourFor(CloudKind cloud, IEnumerable<Accelerator> poolAccelerators)
    {
        if (GpuHour is { } configured)
        {
            return configured;
        }

        var accelerators = poolAccelerators.Distinct().ToList();
        return accelerators.Count == 1 && GpuHourPrices.TryGetValue((cloud, accelerators[0]), out var price) ? price : DefaultGpuHour;
    }
}
