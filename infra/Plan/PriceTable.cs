using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace MlPlatform.Infra.Plan;

/// <summary>One price of the table: per <paramref name="Unit"/> (<c>hour</c> or <c>GB-month</c>).</summary>
public sealed record Price(string Unit, double Amount, string? Note);

/// <summary>
/// The price table of the cost estimate: <c>costs/prices.json</c> of the repository (its source, regions and date in
/// the file), with the entries of <c>costs/prices.&lt;stack&gt;.json</c> on top when a stack has one (negotiated rates,
/// another region).
/// </summary>
public sealed record PriceTable(string Currency, double HoursPerMonth, string Source, string Date, ImmutableDictionary<string, Price> Prices, ImmutableDictionary<string, double> Assumptions)
{
    /// <summary>The table's folder, relative to the project directory.</summary>
    public const string Folder = "costs";

    /// <summary>Loads the table of a stack; null when the project has no <c>costs/prices.json</c>.</summary>
    /// <exception cref="InvalidDataException">When a table is not valid JSON of the expected shape.</exception>
    public static PriceTable? Load(string projectDirectory, string stack)
    {
        var basePath = Path.Combine(projectDirectory, Folder, "prices.json");
        if (!File.Exists(basePath))
        {
            return null;
        }

        var table = Parse(File.ReadAllText(basePath), basePath, null);
        var overridePath = Path.Combine(projectDirectory, Folder, $"prices.{stack}.json");
        return File.Exists(overridePath) ? Parse(File.ReadAllText(overridePath), overridePath, table) : table;
    }

    /// <summary>Parses a table; entries of <paramref name="under"/> not given are kept.</summary>
    public static PriceTable Parse(string json, string name, PriceTable? under)
    {
        try
        {
            var root = JsonNode.Parse(json) as JsonObject ?? throw new InvalidDataException($"{name}: not a JSON object");
            var prices = (under?.Prices ?? ImmutableDictionary<string, Price>.Empty).ToBuilder();
            foreach (var (key, value) in root["prices"] as JsonObject ?? [])
            {
                prices[key] = new Price(
                    value?["unit"]?.GetValue<string>() ?? "hour",
                    value?["price"]?.GetValue<double>() ?? throw new InvalidDataException($"{name}: prices.{key} has no price"),
                    value?["note"]?.GetValue<string>());
            }

            var assumptions = (under?.Assumptions ?? ImmutableDictionary<string, double>.Empty).ToBuilder();
            foreach (var (key, value) in root["assumptions"] as JsonObject ?? [])
            {
                assumptions[key] = value!.GetValue<double>();
            }

            return new PriceTable(
                root["currency"]?.GetValue<string>() ?? under?.Currency ?? "USD",
                root["hoursPerMonth"]?.GetValue<double>() ?? under?.HoursPerMonth ?? 730,
                root["source"]?.GetValue<string>() ?? under?.Source ?? string.Empty,
                root["date"]?.GetValue<string>() ?? under?.Date ?? string.Empty,
                prices.ToImmutable(),
                assumptions.ToImmutable());
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{name}: {e.Message}", e);
        }
    }

    /// <summary>The monthly amount of one unit of a price (hourly prices times the hours of a month).</summary>
    public double Monthly(Price price) => price.Unit == "hour" ? price.Amount * HoursPerMonth : price.Amount;
}
