using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace MlPlatform.Infra.Plan;

/// <summary>One line of the estimate: <paramref name="Quantity"/> units at idle is <paramref name="Idle"/> a month, at full scale <paramref name="Max"/>.</summary>
/// <param name="Name">What it is (the resource's logical name, or the pool's).</param>
/// <param name="Kind">pool, controlPlane, natGateway, loadBalancer, database, databaseStorage, storage, flowLogs.</param>
/// <param name="Unit">The price key of the table (e.g. <c>aws:pool:gpu:l4</c>).</param>
/// <param name="Quantity">Units at full scale (nodes, gateways, GB).</param>
/// <param name="UnitPrice">The monthly price of one unit; null when the table has no price for it (then counted as 0).</param>
/// <param name="Idle">Monthly cost at idle (pools at their minimum).</param>
/// <param name="Max">Monthly cost at full scale (pools at their maximum).</param>
public sealed record CostItem(string Name, string Kind, string Unit, double Quantity, double? UnitPrice, double Idle, double Max);

/// <summary>
/// The estimated monthly cost of a plan at idle (every pool at its minimum; GPU pools usually 0) and at full scale
/// (every pool at its maximum), per pool and per managed service, from a <see cref="PriceTable"/>. Usage-based items
/// (storage, flow logs) use the table's assumed quantities; egress, requests and spot discounts are not counted.
/// </summary>
public sealed record CostEstimate(string Currency, double Idle, double Max, ImmutableArray<CostItem> Items, PriceTable Table)
{
    /// <summary>Estimates the plan's cost.</summary>
    public static CostEstimate Of(PlanResult plan, PriceTable table)
    {
        var items = new List<CostItem>();
        var cloud = plan.Cloud;
        void Add(string name, string kind, string unit, double min, double max)
        {
            var price = table.Prices.GetValueOrDefault(unit);
            double? monthly = price is null ? null : table.Monthly(price);
            items.Add(new CostItem(name, kind, unit, max, monthly, Round(min * (monthly ?? 0)), Round(max * (monthly ?? 0))));
        }

        foreach (var r in plan.Resources.Where(r => r.Custom))
        {
            var i = r.Inputs;
            switch (r.Type)
            {
                case "aws:eks/cluster:Cluster" or "gcp:container/cluster:Cluster":
                    Add(r.Name, "controlPlane", $"{cloud}:controlPlane", 1, 1);
                    break;
                case "azure-native:containerservice:ManagedCluster":
                    Add(r.Name, "controlPlane", $"azure:controlPlane:{Text(i["sku"]?["tier"]) ?? "Free"}", 1, 1);
                    foreach (var profile in (i["agentPoolProfiles"] as JsonArray ?? []).OfType<JsonObject>())
                    {
                        Add($"{r.Name}/{Text(profile["name"])}", "pool", $"azure:vm:{Text(profile["vmSize"])}",
                            Number(profile["minCount"]) ?? Number(profile["count"]) ?? 1, Number(profile["maxCount"]) ?? Number(profile["count"]) ?? 1);
                    }

                    break;
                case "aws:eks/nodeGroup:NodeGroup":
                    Add(r.Name, "pool", $"aws:instance:{Text((i["instanceTypes"] as JsonArray)?.FirstOrDefault())}",
                        Number(i["scalingConfig"]?["minSize"]) ?? 0, Number(i["scalingConfig"]?["maxSize"]) ?? 0);
                    break;
                case "azure-native:containerservice:AgentPool":
                    Add(r.Name, "pool", $"azure:vm:{Text(i["vmSize"])}",
                        Number(i["minCount"]) ?? Number(i["count"]) ?? 0, Number(i["maxCount"]) ?? Number(i["count"]) ?? 0);
                    break;
                case "gcp:container/nodePool:NodePool":
                    var min = Number(i["autoscaling"]?["totalMinNodeCount"]) ?? Number(i["autoscaling"]?["minNodeCount"]) ?? Number(i["nodeCount"]) ?? 0;
                    var max = Number(i["autoscaling"]?["totalMaxNodeCount"]) ?? Number(i["autoscaling"]?["maxNodeCount"]) ?? Number(i["nodeCount"]) ?? 0;
                    Add(r.Name, "pool", $"gcp:machine:{Text(i["nodeConfig"]?["machineType"])}", min, max);
                    foreach (var gpu in (i["nodeConfig"]?["guestAccelerators"] as JsonArray ?? []).OfType<JsonObject>())
                    {
                        var count = Number(gpu["count"]) ?? 1;
                        Add($"{r.Name} GPUs", "pool", $"gcp:accelerator:{Text(gpu["type"])}", min * count, max * count);
                    }

                    break;
                case "aws:ec2/natGateway:NatGateway" or "gcp:compute/routerNat:RouterNat" or "azure-native:network:NatGateway":
                    Add(r.Name, "natGateway", $"{cloud}:natGateway", 1, 1);
                    break;
                case "kubernetes:gateway.networking.k8s.io/v1:Gateway":
                    Add(r.Name, "loadBalancer", $"{cloud}:loadBalancer", 1, 1);
                    break;
                case "aws:rds/instance:Instance":
                    var copies = Bool(i["multiAz"]) ? 2 : 1;
                    Add(r.Name, "database", $"aws:database:{Text(i["instanceClass"])}", copies, copies);
                    Add($"{r.Name} storage", "databaseStorage", "aws:databaseStorage", copies * (Number(i["allocatedStorage"]) ?? 20), copies * (Number(i["allocatedStorage"]) ?? 20));
                    break;
                case "azure-native:dbforpostgresql:Server":
                    var replicas = Text(i["highAvailability"]?["mode"]) is null or "Disabled" ? 1 : 2;
                    Add(r.Name, "database", $"azure:database:{Text(i["sku"]?["name"])}", replicas, replicas);
                    var size = Number(i["storage"]?["storageSizeGB"]) ?? 32;
                    Add($"{r.Name} storage", "databaseStorage", "azure:databaseStorage", replicas * size, replicas * size);
                    break;
                case "gcp:sql/databaseInstance:DatabaseInstance":
                    var instances = Text(i["settings"]?["availabilityType"]) == "REGIONAL" ? 2 : 1;
                    Add(r.Name, "database", $"gcp:database:{Text(i["settings"]?["tier"])}", instances, instances);
                    var disk = Number(i["settings"]?["diskSize"]) ?? 10;
                    Add($"{r.Name} storage", "databaseStorage", "gcp:databaseStorage", instances * disk, instances * disk);
                    break;
                case "aws:s3/bucket:Bucket" or "aws:s3/bucketV2:BucketV2" or "azure-native:storage:BlobContainer" or "gcp:storage/bucket:Bucket":
                    var gb = table.Assumptions.GetValueOrDefault("storageGb", 100);
                    Add(r.Name, "storage", $"{cloud}:storage", gb, gb);
                    break;
                case "aws:ec2/flowLog:FlowLog" or "azure-native:network:FlowLog":
                    var logs = table.Assumptions.GetValueOrDefault("flowLogsGb", 50);
                    Add(r.Name, "flowLogs", $"{cloud}:flowLogs", logs, logs);
                    break;
                case "gcp:compute/subnetwork:Subnetwork" when i["logConfig"] is JsonObject:
                    var flows = table.Assumptions.GetValueOrDefault("flowLogsGb", 50);
                    Add($"{r.Name} flow logs", "flowLogs", "gcp:flowLogs", flows, flows);
                    break;
            }
        }

        // Pools that Karpenter provisions on AWS are not cloud resources of the plan: the stack reports them.
        if (cloud == "aws")
        {
            foreach (var pool in (plan.Outputs["nodePools"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var role = Text(pool["role"]) ?? "cpu";
                var unit = role == "gpu" ? $"aws:pool:gpu:{Text(pool["accelerator"])}" : $"aws:pool:{role}";
                Add(Text(pool["name"]) ?? "pool", "pool", unit, Number(pool["min"]) ?? 0, Number(pool["max"]) ?? 0);
            }
        }

        var ordered = items.OrderBy(i => i.Kind, StringComparer.Ordinal).ThenBy(i => i.Name, StringComparer.Ordinal).ToImmutableArray();
        return new CostEstimate(table.Currency, Round(ordered.Sum(i => i.Idle)), Round(ordered.Sum(i => i.Max)), ordered, table);
    }

    /// <summary>The <c>cost</c> object of the plan JSON.</summary>
    public JsonObject ToJson() => new()
    {
        ["currency"] = Currency,
        ["idle"] = Idle,
        ["max"] = Max,
        ["source"] = Table.Source,
        ["date"] = Table.Date,
        ["items"] = new JsonArray([.. Items.Select(i => (JsonNode)new JsonObject
        {
            ["name"] = i.Name,
            ["kind"] = i.Kind,
            ["unit"] = i.Unit,
            ["quantity"] = i.Quantity,
            ["unitPrice"] = i.UnitPrice is { } price ? Round(price) : null,
            ["idle"] = i.Idle,
            ["max"] = i.Max,
        })]),
    };

    /// <summary>The estimate as the plan summary prints it.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Estimated monthly cost ({Currency}, prices of {Table.Date}, costs/prices.json): idle {Idle:N0}, full scale {Max:N0}");
        foreach (var item in Items)
        {
            var price = item.UnitPrice is { } p ? p.ToString("N2", CultureInfo.InvariantCulture) : "no price in the table";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  {item.Kind,-15} {item.Name,-32} {item.Quantity,6:0.##} x {price,-10} {item.Unit,-34} idle {item.Idle,9:N0}  max {item.Max,9:N0}");
        }

        return text.ToString();
    }

    private static double Round(double value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static double? Number(JsonNode? node) => node is JsonValue value
        ? value.TryGetValue<long>(out var whole) ? whole : value.TryGetValue<double>(out var number) ? number : value.TryGetValue<int>(out var small) ? small : null
        : null;

    private static bool Bool(JsonNode? node) => node is JsonValue value && value.TryGetValue<bool>(out var flag) && flag;
}
