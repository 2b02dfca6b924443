namespace MlPlatform.Stacks.Configuration;

/// <summary>Reading and validation of the cost dashboard's prices (<c>mlplatform:costs</c>).</summary>
public static partial class ConfigReader
{
    /// <summary>The highest price the reader accepts for one unit-hour, to catch monthly prices given as hourly.</summary>
    public const double MaximumHourlyPrice = 1000;

    private static CostConfig ReadCosts(JsonConfigNode? node)
    {
        if (node is null)
        {
            return new CostConfig();
        }

        double? Price(string key, string unit)
        {
            var value = node.Number(key);
            if (value is < 0 or > MaximumHourlyPrice)
            {
                node.Problem(key, $"{value} is not a price in dollars per {unit} (0 to {MaximumHourlyPrice})");
                return null;
            }

            return value;
        }

        var defaults = new CostConfig();
        var costs = new CostConfig
        {
            CpuCoreHour = Price("cpuCoreHour", "core-hour") ?? defaults.CpuCoreHour,
            MemoryGbHour = Price("memoryGbHour", "GB-hour") ?? defaults.MemoryGbHour,
            GpuHour = Price("gpuHour", "GPU-hour"),
        };
        node.RejectUnknownKeys();
        return costs;
    }
}
