using System.Text.Json.Nodes;
using MlPlatform.Components.Addons;
using MlPlatform.Infra.Plan;
using MlPlatform.Stacks.Configuration;
using MlPlatform.Stacks.Shared;
using MlPlatform.Tests.Configuration;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Observability;

/// <summary>
/// The cost dashboard in dollars: its panels, its queries priced with the configured prices (an override changes
/// them), the defaults equal to the rows of costs/prices.json, the config keys validated, and on every stack file the
/// dashboard Grafana loads carrying that stack's prices.
/// </summary>
public class CostDashboardTests
{
    public static TheoryData<string> Stacks => StackFiles.Names;

    private static string Queries(GrafanaDashboard dashboard) =>
        string.Join("\n", dashboard.Panels.SelectMany(p => p.Queries).Select(q => q.Expr));

    [Fact]
    public void The_dashboard_has_the_cost_panels_and_prices_its_queries()
    {
        var dashboard = PlatformDashboards.Cost(CostPrices.Reference);
        var titles = dashboard.Panels.Select(p => p.Title).ToList();
        foreach (var title in new[] { "Estimated monthly cost (USD)", "Monthly cost by namespace (USD)", "CPU efficiency (usage / requests)",
            "Memory efficiency (usage / requests)", "GPU utilisation", "Monthly waste by namespace (requests - usage, USD)" })
        {
            Assert.Contains(title, titles);
        }

        var total = dashboard.Panels.Single(p => p.Title == "Estimated monthly cost (USD)").Queries.Single().Expr;
        foreach (var part in new[] { "* 0.048", "/ 1073741824 * 0.006", "* 0.526", "* 730", "resource=\"nvidia_com_gpu\"" })
        {
            Assert.Contains(part, total, StringComparison.Ordinal);
        }

        Assert.Contains("DCGM_FI_DEV_GPU_UTIL", dashboard.Panels.Single(p => p.Title == "GPU utilisation").Queries.Single().Expr, StringComparison.Ordinal);
        var waste = dashboard.Panels.Single(p => p.Title.StartsWith("Monthly waste", StringComparison.Ordinal)).Queries;
        Assert.All(waste, q => Assert.StartsWith("clamp_min(", q.Expr, StringComparison.Ordinal));
        Assert.Contains("container_cpu_usage_seconds_total", dashboard.Panels.Single(p => p.Title.StartsWith("CPU efficiency", StringComparison.Ordinal)).Queries.Single().Expr, StringComparison.Ordinal);

        // The by-namespace cost keeps namespaces without GPUs (zero GPUs, not a missing series).
        Assert.Contains("or sum by (namespace)", dashboard.Panels.Single(p => p.Title == "Monthly cost by namespace (USD)").Queries.Single().Expr, StringComparison.Ordinal);
    }

    [Fact]
    public void An_override_changes_every_price_in_the_queries()
    {
        var queries = Queries(PlatformDashboards.Cost(new CostPrices(0.031, 0.0042, 2.75)));

        Assert.Contains("* 0.031", queries, StringComparison.Ordinal);
        Assert.Contains("* 0.0042", queries, StringComparison.Ordinal);
        Assert.Contains("* 2.75", queries, StringComparison.Ordinal);
        Assert.DoesNotContain("0.048", queries, StringComparison.Ordinal);
        Assert.DoesNotContain("0.526", queries, StringComparison.Ordinal);
    }

    [Fact]
    public void Costs_are_read_validated_and_reach_the_dashboard()
    {
        var config = ConfigFixture.Valid().Set("costs", new Dictionary<string, object> { ["cpuCoreHour"] = 0.05, ["gpuHour"] = 1.5 }).Read();
        Assert.Equal((0.05, CostConfig.DefaultMemoryGbHour, 1.5), (config.Costs.CpuCoreHour, config.Costs.MemoryGbHour, config.Costs.GpuHour));
        var queries = Queries(PlatformDashboards.Cost(PlatformServicesLayer.CostPrices(config)));
        Assert.Contains("* 0.05 ", queries, StringComparison.Ordinal);
        Assert.Contains("* 1.5)", queries, StringComparison.Ordinal);

        var problems = ConfigFixture.Valid().Set("costs", new Dictionary<string, object> { ["cpuCoreHour"] = -1, ["memoryGbHour"] = "cheap", ["gpu"] = 1 }).Problems();
        Assert.Contains(problems, p => p.Key == "mlplatform:costs.cpuCoreHour");
        Assert.Contains(problems, p => p.Key == "mlplatform:costs.memoryGbHour");
        Assert.Contains(problems, p => p.Key == "mlplatform:costs.gpu");
    }

    [Fact]
    public void The_gpu_price_follows_the_pools_accelerator_unless_configured()
    {
        var costs = new CostConfig();
        Assert.Equal(0.8536, costs.GpuHourFor(CloudKind.Gcp, [Accelerator.L4, Accelerator.L4]));
        Assert.Equal(CostConfig.DefaultGpuHour, costs.GpuHourFor(CloudKind.Aws, [Accelerator.L4, Accelerator.A100]));
        Assert.Equal(CostConfig.DefaultGpuHour, costs.GpuHourFor(CloudKind.Existing, [Accelerator.H100]));
        Assert.Equal(2.0, (costs with { GpuHour = 2.0 }).GpuHourFor(CloudKind.Aws, [Accelerator.H100]));
    }

    [Fact]
    public void The_defaults_are_the_rows_of_the_price_table()
    {
        var table = PriceTable.Load(RepositoryPaths.Root, "none")!;
        Assert.Equal(CostConfig.DefaultCpuCoreHour, table.Prices["rate:cpu"].Amount);
        Assert.Equal(CostConfig.DefaultMemoryGbHour, table.Prices["rate:memory"].Amount);
        Assert.Equal(CostConfig.DefaultGpuHour, table.Prices["rate:gpu"].Amount);
        Assert.Equal(CostPrices.Reference, new CostPrices(CostConfig.DefaultCpuCoreHour, CostConfig.DefaultMemoryGbHour, CostConfig.DefaultGpuHour));
        Assert.Equal(CostPrices.HoursPerMonth, table.HoursPerMonth);

        var rows = table.Prices.Where(p => p.Key.StartsWith("gpu:", StringComparison.Ordinal)).ToDictionary(p => p.Key, p => p.Value.Amount);
        Assert.Equal(rows.Count, CostConfig.GpuHourPrices.Count);
        foreach (var ((cloud, accelerator), price) in CostConfig.GpuHourPrices)
        {
            Assert.Equal(price, rows[$"gpu:{ConfigReader.Lower(cloud)}:{ConfigReader.Lower(accelerator)}"]);
        }
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Grafana_loads_the_cost_dashboard_with_the_stacks_prices(string stack)
    {
        var plan = await StackPlans.Of(stack);
        var dashboards = plan.OfType("kubernetes:core/v1:ConfigMap").Where(c => c.Inputs["data"]?["mlplatform-cost.json"] is not null).ToList();
        if (!plan.OfType("kubernetes:helm.sh/v3:Release").Any(r => r.Name == "kube-prometheus-stack"))
        {
            Assert.Empty(dashboards);
            return;
        }

        var config = StackConfigFile.Load(RepositoryPaths.Root, stack);
        var costs = config.Values.GetValueOrDefault("mlplatform:costs") is { } raw ? JsonNode.Parse(raw) : null;
        var model = JsonNode.Parse(Assert.Single(dashboards).Inputs["data"]!["mlplatform-cost.json"]!.GetValue<string>())!;
        var total = model["panels"]!.AsArray().Single(p => p!["title"]!.GetValue<string>() == "Estimated monthly cost (USD)")!["targets"]![0]!["expr"]!.GetValue<string>();
        Assert.Contains($"* {CostPrices.Number(costs?["cpuCoreHour"]?.GetValue<double>() ?? CostConfig.DefaultCpuCoreHour)} ", total, StringComparison.Ordinal);
        Assert.Contains($"* {CostPrices.Number(costs?["memoryGbHour"]?.GetValue<double>() ?? CostConfig.DefaultMemoryGbHour)} ", total, StringComparison.Ordinal);
        Assert.Matches(@"\* [0-9.]+\) \* 730$", total);
    }
}
