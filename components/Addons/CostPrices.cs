using System.Globalization;

namespace MlPlatform.Components.Addons;

/// <summary>
/// The prices the cost dashboard puts on resource requests, in US dollars: per core-hour of CPU, per GB-hour (GiB)
/// of memory and per GPU-hour. The defaults (<see cref="Reference"/>) are the reference deployment's, the
/// <c>rate:*</c> rows of <c>costs/prices.json</c>; a stack overrides them with <c>mlplatform:costs</c>.
/// </summary>
/// <param name="CpuCoreHour">Dollars per requested CPU core and hour.</param>
/// <param name="MemoryGbHour">Dollars per requested GiB of memory and hour.</param>
/// <param name="GpuHour">Dollars per requested GPU and hour.</param>
public sealed record CostPrices(double CpuCoreHour, double MemoryGbHour, double GpuHour)
{
    /// <summary>Hours in a month, as the plan's cost estimate counts them.</summary>
    public const double HoursPerMonth = 730;

    /// <summary>The reference prices: CPU $0.048 per core-hour, memory $0.006 per GB-hour, GPU $0.526 per GPU-hour (a T4).</summary>
    public static CostPrices Reference { get; } = new(0.048, 0.006, 0.526);

    /// <summary>A price as PromQL writes it (invariant culture, no exponent).</summary>
    public static string Number(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
