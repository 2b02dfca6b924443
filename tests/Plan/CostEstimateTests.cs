using System.Text.Json;
using MlPlatform.Infra.Plan;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Plan;

public sealed class CostEstimateTests
{
    private static PriceTable Prices(string stack) => PriceTable.Load(RepositoryPaths.Root, stack)!;

    [Theory]
    [MemberData(nameof(StackFiles.Names), MemberType = typeof(StackFiles))]
    public async Task Every_stack_is_priced_with_idle_at_most_full_scale(string stack)
    {
        var plan = await StackPlans.Of(stack);
        var cost = CostEstimate.Of(plan, Prices(stack));

        Assert.NotEmpty(cost.Items);
        Assert.All(cost.Items, i => Assert.True(i.Idle <= i.Max, $"{i.Name}: idle {i.Idle} > max {i.Max}"));
        Assert.Equal(Math.Round(cost.Items.Sum(i => i.Idle), 2), cost.Idle);
        if (plan.Cloud != "existing")
        {
            // A cloud stack has a price for everything it runs: a new instance type or SKU needs a row in costs/prices.json.
            Assert.All(cost.Items, i => Assert.True(i.UnitPrice is not null, $"costs/prices.json has no price '{i.Unit}' (for {i.Name})"));
            Assert.Contains(cost.Items, i => i.Kind == "controlPlane");
            Assert.Contains(cost.Items, i => i.Kind == "database");
            Assert.Contains(cost.Items, i => i.Kind == "pool");
            // Every workload pool of the stack is priced, GPU pools included.
            foreach (var pool in (plan.Outputs["nodePools"] as System.Text.Json.Nodes.JsonArray ?? []).Select(p => p!["name"]!.GetValue<string>()))
            {
                Assert.Contains(cost.Items, i => i.Kind == "pool" && i.Name.EndsWith(pool, StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public async Task Staging_at_idle_costs_a_fraction_of_the_reference_three_idle_gpu_nodes()
    {
        var prices = Prices("staging");
        var cost = CostEstimate.Of(await StackPlans.Of("staging"), prices);
        var reference = 3 * prices.Monthly(prices.Prices["reference:gpuNode"]);

        Assert.All(cost.Items.Where(i => i.Unit.Contains(":gpu:", StringComparison.Ordinal)), i => Assert.Equal(0, i.Idle));
        Assert.True(cost.Idle < reference / 4, $"staging idle {cost.Idle} vs three idle GPU nodes {reference}");
        Assert.True(cost.Max > reference, "at full scale the GPU pools are counted");
        var pool = cost.Items.Single(i => i.Name == "gpu-inference");
        Assert.Equal(("aws:pool:gpu:l4", 4d, 0d), (pool.Unit, pool.Quantity, pool.Idle));
        Assert.Equal(Math.Round(4 * 0.8048 * 730, 2), pool.Max);
    }

    [Fact]
    public void A_stack_override_replaces_only_the_prices_it_names()
    {
        var table = Prices("staging");
        var overridden = PriceTable.Parse("""{"prices": {"aws:controlPlane": {"unit": "hour", "price": 0.2}}, "assumptions": {"storageGb": 5}}""", "override", table);

        Assert.Equal(0.2, overridden.Prices["aws:controlPlane"].Amount);
        Assert.Equal(table.Prices["aws:natGateway"], overridden.Prices["aws:natGateway"]);
        Assert.Equal(5, overridden.Assumptions["storageGb"]);
        Assert.Equal(table.Source, overridden.Source);
        Assert.Throws<InvalidDataException>(() => PriceTable.Parse("""{"prices": {"x": {"unit": "hour"}}}""", "broken", null));
    }

    [Fact]
    public async Task The_plan_json_has_a_top_level_cost_object_and_the_summary_prints_it()
    {
        var directory = Directory.CreateTempSubdirectory("mlplatform-cost-").FullName;
        try
        {
            var json = Path.Combine(directory, "plan.json");
            using var output = new StringWriter();
            using var error = new StringWriter();
            Assert.Equal(0, await MlPlatform.Infra.PlanCommand.RunAsync(["--stack", "staging", "--dir", RepositoryPaths.Root, "--json", json], output, error));

            Assert.Contains("Estimated monthly cost (USD", output.ToString(), StringComparison.Ordinal);
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            var cost = document.RootElement.GetProperty("cost");
            Assert.Equal("USD", cost.GetProperty("currency").GetString());
            Assert.True(cost.GetProperty("idle").GetDouble() < cost.GetProperty("max").GetDouble());
            var item = cost.GetProperty("items")[0];
            Assert.Equal(["name", "kind", "unit", "quantity", "unitPrice", "idle", "max"], item.EnumerateObject().Select(p => p.Name).ToArray());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
