using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;

namespace MlPlatform.Tests.Configuration;

/// <summary>A generated stack configuration: raw values by top-level name, as the Pulumi CLI passes them.</summary>
/// <param name="Values">Top-level name (without the namespace) → raw value (JSON for objects and lists, text for scalars).</param>
/// <param name="HasKubeconfigSecret">Whether the kubeconfig secret is set.</param>
/// <param name="Mutations">The mutations applied to a valid-shaped configuration, for the failure report.</param>
public sealed record GeneratedConfig(ImmutableSortedDictionary<string, string> Values, bool HasKubeconfigSecret, ImmutableArray<string> Mutations)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"mutations: [{string.Join("; ", Mutations)}]{Environment.NewLine}kubeconfig secret: {HasKubeconfigSecret}{Environment.NewLine}"
        + string.Join(Environment.NewLine, Values.Select(v => $"  mlplatform:{v.Key} = {Abbreviate(v.Value)}"));

    private static string Abbreviate(string value) => value.Length <= 400 ? JsonSerializer.Serialize(value) : $"{JsonSerializer.Serialize(value[..400])}... ({value.Length} characters)";
}

/// <summary>
/// Generators of stack configurations for the property tests of <c>ConfigReader</c>: configurations of the
/// documented shape (most of them valid), then mutated the way people and tools get them wrong: wrong types,
/// missing fields, out-of-range numbers, bad names (white space, line feeds, tabs, non-ASCII, limits), duplicated
/// entries and keys, unknown and misspelled keys, deep nesting, huge lists and text that is not JSON.
/// </summary>
public static class ConfigGenerators
{
    private const string Admin = "arn:aws:iam::123456789012:role/platform-admin";

    private static readonly JsonSerializerOptions Deep = new() { MaxDepth = 4096 };

    /// <summary>Strings that loose validation lets through.</summary>
    public static readonly string[] Nasty =
    [
        "", " ", "\n", "\t", "x\n", "x\r\n", " x", "x ", "a\tb", "é", "ｔｅａｍ", "team-é", "\u0000", "\u200b",
        new('a', 63), new('a', 64), new('b', 253), new('b', 254), "-", ".", "..", "a/b/c", "/", "*", "null", "true",
        "1e309", "-1", "0", "[]", "{}", "Team-A", "team_a", "10.0.0.1/16", "10.0.0.0/16\n", "arn:aws:iam::123456789012:role/ä",
        "https://exämple.com/r.git", "4\n", "500m ", "١٢", "main..x",
    ];

    private static readonly string[] Clouds = ["existing", "aws", "azure", "gcp"];
    private static readonly string[] Environments = ["development", "staging", "production"];
    private static readonly string[] Accelerators = ["t4", "l4", "a10g", "a100", "h100"];
    private static readonly string[] Quantities = ["0", "4", "16", "500m", "64Gi", "1Ti", "2.5", "1e3"];
    private static readonly string[] Addons = ["certManager", "gateway", "monitoring", "gpuOperator", "kserve", "mlflow", "argoWorkflows", "argoCd", "kyverno", "externalSecrets"];

    private static readonly Gen<string> Label =
        Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789"].Array[0, 10].Select(chars => "t" + new string(chars));

    private static Gen<JsonNode?> Optional(Gen<JsonNode?> gen, double absent = 0.5) =>
        Gen.Frequency(((int)(absent * 10), Gen.Const(() => (JsonNode?)null)), ((int)((1 - absent) * 10), gen));

    private static Gen<JsonNode?> Pool =>
        from name in Label
        from gpu in Gen.Bool
        from accelerator in Gen.OneOf(Accelerators)
        from min in Gen.Int[0, 3]
        from extra in Gen.Int[0, 8]
        from spot in Gen.Bool
        from fallback in Gen.Bool
        from gpusPerNode in Gen.OneOf(1, 4, 8)
        from withLabels in Gen.Bool
        select (JsonNode?)new JsonObject
        {
            ["name"] = name,
            ["role"] = gpu ? "gpu" : "cpu",
            ["accelerator"] = gpu ? accelerator : null,
            ["min"] = min,
            ["max"] = min + extra + 1,
            ["spot"] = spot,
            ["onDemandFallback"] = spot && fallback,
            ["gpusPerNode"] = gpu ? gpusPerNode : null,
            ["labels"] = withLabels ? new JsonObject { ["mlplatform.io/workload"] = gpu ? "inference" : "batch" } : null,
            ["taints"] = gpu ? new JsonArray(new JsonObject { ["key"] = "nvidia.com/gpu", ["value"] = "present", ["effect"] = "NoSchedule" }) : null,
        };

    private static Gen<JsonNode?> Team =>
        from name in Label
        from level in Gen.OneOf("baseline", "restricted")
        from gpus in Gen.OneOf(Quantities)
        from cpu in Gen.OneOf(Quantities)
        from withQuota in Gen.Bool
        select (JsonNode?)new JsonObject
        {
            ["name"] = "team-" + name,
            ["podSecurity"] = level,
            ["quota"] = withQuota ? new JsonObject { ["gpus"] = gpus, ["requestsCpu"] = cpu, ["limitsMemory"] = "64Gi" } : null,
        };

    private static Gen<JsonNode?> AddonSwitches =>
        Gen.Bool.Array[Addons.Length].Select(on => (JsonNode?)new JsonObject(Addons.Select((a, i) => KeyValuePair.Create(a, (JsonNode?)(on[i] || a == "certManager")))));

    private static Gen<JsonNode?> Aws(string environment) =>
        from cidr in Gen.OneOf("10.0.0.0/16", "10.40.0.0/16", "10.50.0.0/20", "10.60.0.0/24")
        from open in Gen.Bool
        from image in Gen.OneOf("al2023", "bottlerocket")
        from retention in Gen.OneOf(30, 90, 365, 400)
        from storage in Gen.Int[10, 200]
        select (JsonNode?)new JsonObject
        {
            ["vpcCidr"] = cidr,
            ["adminRoleArns"] = new JsonArray(Admin),
            ["publicAccessCidrs"] = open && environment != "production" ? new JsonArray("203.0.113.0/24") : null,
            ["nodeImage"] = image,
            ["logRetentionDays"] = retention,
            ["database"] = new JsonObject { ["allocatedStorage"] = storage, ["backupRetentionDays"] = 7 },
        };

    private static Gen<JsonNode?> SystemPool =>
        from min in Gen.Int[1, 3]
        from extra in Gen.Int[0, 3]
        from type in Gen.OneOf("m7i.large", "m7i.xlarge", "c7g.2xlarge")
        select (JsonNode?)new JsonObject { ["instanceType"] = type, ["min"] = min, ["max"] = min + extra, ["desired"] = min };

    private static Gen<JsonNode?> NamespaceOverrides =>
        from gpus in Gen.OneOf(Quantities)
        from level in Gen.OneOf("baseline", "restricted", "privileged")
        select (JsonNode?)new JsonObject
        {
            ["serving"] = new JsonObject { ["quota"] = new JsonObject { ["gpus"] = gpus }, ["limits"] = new JsonObject { ["maxCpu"] = "16" } },
            ["mlflow"] = new JsonObject { ["podSecurity"] = level },
        };

    private static Gen<JsonNode?> Policies =>
        from mode in Gen.OneOf("audit", "enforce")
        from registries in Gen.Bool
        select (JsonNode?)new JsonObject
        {
            ["mode"] = mode,
            ["allowedRegistries"] = registries ? new JsonArray("docker.io", "quay.io", "ghcr.io", "registry.k8s.io") : null,
            ["exemptNamespaces"] = new JsonArray("team-sandbox"),
        };

    private static Gen<JsonNode?> ArgoCd =>
        from prune in Gen.Bool
        from url in Gen.OneOf("https://github.com/example/workloads.git", "git@github.com:example/workloads.git", "ssh://git@example.com/w.git")
        select (JsonNode?)new JsonObject
        {
            ["application"] = new JsonObject
            {
                ["name"] = "workloads",
                ["repoUrl"] = url,
                ["path"] = "apps",
                ["targetRevision"] = "main",
                ["namespace"] = "serving",
                ["prune"] = prune,
                ["selfHeal"] = true,
            },
        };

    /// <summary>A configuration of the documented shape; most are valid.</summary>
    public static Gen<SortedDictionary<string, JsonNode?>> Shaped =>
        from cloud in Gen.Frequency((6, Gen.Const("existing")), (5, Gen.Const("aws")), (1, Gen.OneOf(Clouds)))
        from environment in Gen.OneOf(Environments)
        from pools in Pool.Array[0, 4]
        from teams in Team.Array[0, 3]
        from addons in Optional(AddonSwitches)
        from aws in Aws(environment)
        from model in Gen.Bool
        from monitoring in Optional(Gen.OneOf("2d", "15d", "720h").Select(r => (JsonNode?)new JsonObject { ["retention"] = r, ["storageSize"] = "20Gi" }))
        from network in Optional(Gen.Const(() => (JsonNode?)new JsonObject { ["externalEgressCidrs"] = new JsonArray("0.0.0.0/0"), ["nodeCidrs"] = new JsonArray("10.0.0.0/8") }))
        from gateway in Optional(Gen.Const(() => (JsonNode?)new JsonObject { ["hostname"] = "*.models.example.com" }))
        from kubeContext in Optional(Gen.Const(() => (JsonNode?)JsonValue.Create("kind-mlplatform")))
        from more in Gen.Select(Optional(SystemPool), Optional(NamespaceOverrides), Optional(Policies), Optional(ArgoCd, absent: 0.7),
            Optional(Gen.Int[1, 3].Select(r => (JsonNode?)new JsonObject { ["replicas"] = r })), Optional(Gen.OneOf("1.33", "1.34").Select(v => (JsonNode?)v)))
        select Configuration(cloud, environment, pools, teams, addons, aws, model, monitoring, network, gateway, kubeContext, more);

    private static SortedDictionary<string, JsonNode?> Configuration(
        string cloud, string environment, JsonNode?[] pools, JsonNode?[] teams, JsonNode? addons, JsonNode? aws, bool model,
        JsonNode? monitoring, JsonNode? network, JsonNode? gateway, JsonNode? kubeContext,
        (JsonNode? SystemPool, JsonNode? Namespaces, JsonNode? Policies, JsonNode? ArgoCd, JsonNode? Mlflow, JsonNode? Version) more)
    {
        var config = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["cloud"] = cloud,
            ["environment"] = environment,
            ["nodePools"] = new JsonArray([.. pools.Select(p => p?.DeepClone())]),
            ["teams"] = new JsonArray([.. teams.Select(t => t?.DeepClone())]),
            ["addons"] = addons,
            ["monitoring"] = monitoring,
            ["network"] = network,
            ["gateway"] = gateway,
            ["systemNodePool"] = more.SystemPool,
            ["namespaces"] = more.Namespaces,
            ["policies"] = more.Policies,
            ["argoCd"] = more.ArgoCd,
            ["mlflow"] = more.Mlflow,
            ["kubernetesVersion"] = more.Version,
        };
        if (cloud != "existing")
        {
            config["region"] = cloud switch { "aws" => "us-east-1", "azure" => "westeurope", _ => "europe-west4" };
        }
        else
        {
            config["kubeContext"] = kubeContext;
        }

        if (cloud == "aws")
        {
            config["aws"] = aws;
        }

        var gpuPool = pools.OfType<JsonObject>().FirstOrDefault(p => p["role"]?.GetValue<string>() == "gpu");
        if (model && gpuPool is not null)
        {
            config["kserve"] = new JsonObject
            {
                ["sampleModel"] = new JsonObject
                {
                    ["model"] = "Qwen/Qwen2.5-0.5B-Instruct",
                    ["nodePool"] = gpuPool["name"]!.GetValue<string>(),
                    ["gpus"] = 1,
                    ["canaryModel"] = pools.Length % 2 == 0 ? "Qwen/Qwen2.5-1.5B-Instruct" : null,
                    ["canaryTrafficPercent"] = pools.Length % 2 == 0 ? 10 : null,
                },
            };
        }

        foreach (var absent in config.Where(e => e.Value is null).Select(e => e.Key).ToList())
        {
            config.Remove(absent);
        }

        return config;
    }

    /// <summary>Shaped configurations with 0 to 6 mutations; about a third are left as they are.</summary>
    public static Gen<GeneratedConfig> Configurations =>
        from shaped in Shaped
        from mutations in Gen.Frequency((3, Gen.Const(Array.Empty<int>())), (7, Gen.Int.Array[1, 6]))
        from kubeconfig in Gen.Frequency((8, Gen.Const(false)), (2, Gen.Const(true)))
        select Mutate(shaped, mutations, kubeconfig);

    /// <summary>Applies the mutations (each seeded by one generated number) and serialises the values as the CLI does.</summary>
    public static GeneratedConfig Mutate(SortedDictionary<string, JsonNode?> shaped, int[] mutations, bool kubeconfig)
    {
        var config = new SortedDictionary<string, JsonNode?>(shaped.ToDictionary(e => e.Key, e => e.Value?.DeepClone()), StringComparer.Ordinal);
        var raw = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var applied = ImmutableArray.CreateBuilder<string>();
        foreach (var seed in mutations)
        {
            applied.Add(MutateOnce(config, raw, new Random(seed)));
        }

        var values = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in config)
        {
            if (value is not null)
            {
                values[key] = value is JsonValue scalar && scalar.TryGetValue<string>(out var text) ? text : value.ToJsonString(Deep);
            }
        }

        foreach (var (key, value) in raw)
        {
            values[key] = value;
        }

        return new GeneratedConfig(values.ToImmutable(), kubeconfig, applied.ToImmutable());
    }

    private static string MutateOnce(SortedDictionary<string, JsonNode?> config, SortedDictionary<string, string> raw, Random random)
    {
        var keys = config.Keys.ToList();
        if (keys.Count == 0)
        {
            config["cloud"] = "existing";
            return "restore cloud";
        }

        var top = keys[random.Next(keys.Count)];
        var (parent, slot, node) = PickNode(config[top], random);
        string Describe(string what) => $"{what} at {top}{(slot is null ? "" : $"/{slot}")}";

        void Replace(JsonNode? value)
        {
            switch (parent, slot)
            {
                case (null, _): config[top] = value; break;
                case (JsonObject map, string key): map[key] = value; break;
                case (JsonArray list, int index): list[index] = value; break;
            }
        }

        switch (random.Next(12))
        {
            case 0:
                var nasty = Nasty[random.Next(Nasty.Length)];
                Replace(nasty);
                return Describe($"nasty string {JsonSerializer.Serialize(nasty)}");
            case 1:
                JsonNode?[] numbers = [-1, 0, 1, int.MaxValue, (long)int.MaxValue + 1, -2147483649L, 1.5, 1e30, true, false, null];
                var number = numbers[random.Next(numbers.Length)];
                Replace(number?.DeepClone());
                return Describe($"scalar {number?.ToJsonString() ?? "null"}");
            case 2 when node is JsonObject map && map.Count > 0:
                var removed = map.ElementAt(random.Next(map.Count)).Key;
                map.Remove(removed);
                return Describe($"remove '{removed}'");
            case 3 when node is JsonObject map:
                var existing = map.Select(p => p.Key).ToList();
                var unknown = existing.Count > 0 && random.Next(2) == 0 ? Typo(existing[random.Next(existing.Count)], random) : $"extra{random.Next(100)}";
                if (!map.ContainsKey(unknown))
                {
                    map[unknown] = random.Next(2) == 0 ? "x" : new JsonObject();
                }

                return Describe($"unknown key '{unknown}'");
            case 4 when node is JsonArray list && list.Count > 0:
                list.Add(list[random.Next(list.Count)]?.DeepClone());
                return Describe("duplicate list item");
            case 5 when Size(config) < 200_000:
                var depth = random.Next(10, 120);
                JsonNode nested = new JsonArray();
                for (var i = 0; i < depth; i++)
                {
                    nested = random.Next(2) == 0 ? new JsonArray(nested) : new JsonObject { ["a"] = nested };
                }

                Replace(nested);
                return Describe($"nesting {depth} deep");
            case 6 when Size(config) < 200_000:
                // Huge, but bounded: about 100 kB of JSON whatever was repeated before.
                var item = node?.DeepClone() ?? JsonValue.Create("x");
                var count = Math.Min(random.Next(200, 2500), Math.Max(2, 100_000 / Math.Max(1, item.ToJsonString(Deep).Length)));
                Replace(new JsonArray([.. Enumerable.Range(0, count).Select(_ => item.DeepClone())]));
                return Describe($"list of {count}");
            case 7:
                var renamed = Typo(top, random);
                var value = config[top];
                config.Remove(top);
                config[renamed] = value;
                return $"rename {top} to {renamed}";
            case 8:
                string[] broken = ["{not json", "[1,", "", "{\"a\":}", "null", "42", "\"text\"", "[", "}"];
                var text = broken[random.Next(broken.Length)];
                config.Remove(top);
                raw[top] = text;
                return $"raw text {JsonSerializer.Serialize(text)} at {top}";
            case 9:
                Replace(node switch
                {
                    JsonObject map => new JsonArray([.. map.Select(p => p.Value?.DeepClone())]),
                    JsonArray list => new JsonObject(list.Select((v, i) => KeyValuePair.Create($"k{i}", v?.DeepClone()))),
                    _ => new JsonObject { ["value"] = node?.DeepClone() },
                });
                return Describe("change of shape");
            case 10 when node is JsonValue leaf && leaf.TryGetValue<string>(out var s):
                string[] edges = ["\n", " ", "\t", "é", "\r\n"];
                var edge = edges[random.Next(edges.Length)];
                Replace(random.Next(2) == 0 ? s + edge : edge + s);
                return Describe($"edge {JsonSerializer.Serialize(edge)} on '{s}'");
            case 11 when config[top] is JsonObject first && first.Count > 0:
                // A key given twice: only text can hold it.
                config.Remove(top);
                raw[top] = WithDuplicateKey(first);
                return $"duplicate key in {top}";
            default:
                var fallback = Nasty[random.Next(Nasty.Length)];
                Replace(fallback);
                return Describe($"nasty string {JsonSerializer.Serialize(fallback)}");
        }
    }

    private static int Size(SortedDictionary<string, JsonNode?> config) => config.Values.Sum(v => v?.ToJsonString(Deep).Length ?? 0);

    /// <summary>A random node of a value, with its container and slot (null container: the value itself).</summary>
    private static (JsonNode? Parent, object? Slot, JsonNode? Node) PickNode(JsonNode? root, Random random)
    {
        JsonNode? parent = null;
        object? slot = null;
        var node = root;
        while (random.Next(3) != 0)
        {
            switch (node)
            {
                case JsonObject map when map.Count > 0:
                    var key = map.ElementAt(random.Next(map.Count)).Key;
                    (parent, slot, node) = (map, key, map[key]);
                    continue;
                case JsonArray list when list.Count > 0:
                    var index = random.Next(list.Count);
                    (parent, slot, node) = (list, index, list[index]);
                    continue;
            }

            break;
        }

        return (parent, slot, node);
    }

    private static string Typo(string name, Random random)
    {
        if (name.Length == 0)
        {
            return "x";
        }

        var i = random.Next(name.Length);
        return random.Next(4) switch
        {
            0 => name.ToLowerInvariant() == name ? name.ToUpperInvariant() : name.ToLowerInvariant(),
            1 => name.Remove(i, 1) is { Length: > 0 } shorter ? shorter : name + "s",
            2 => name.Insert(i, "x"),
            _ => name + (name.EndsWith('s') ? "" : "s"),
        };
    }

    private static string WithDuplicateKey(JsonObject map)
    {
        var first = map.First();
        var text = new StringBuilder("{");
        text.Append(JsonSerializer.Serialize(first.Key)).Append(':').Append(first.Value?.ToJsonString(Deep) ?? "null");
        foreach (var (key, value) in map)
        {
            text.Append(',').Append(JsonSerializer.Serialize(key)).Append(':').Append(value?.ToJsonString(Deep) ?? "null");
        }

        return text.Append('}').ToString();
    }
}
