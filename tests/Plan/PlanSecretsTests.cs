using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlPlatform.Infra;
using MlPlatform.Infra.Plan;
using MlPlatform.Tests.Support;
using Pulumi;
using Pulumi.Kubernetes.Types.Inputs.Core.V1;
using Pulumi.Kubernetes.Types.Inputs.Meta.V1;
using Pulumi.Testing;
using Xunit;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Tests.Plan;

/// <summary>
/// The plan honours Pulumi's secret flag: a marker planted in each kind of secret appears nowhere in the plan's
/// output, errors or JSON, and secret inputs read <c>[secret]</c> at their place.
/// </summary>
public sealed class PlanSecretsTests : IDisposable
{
    private const string ConfigMarker = "MARKER-CONFIG-SECRET-7f3a";
    private const string RandomMarker = "MARKER-RANDOM-PASSWORD-91c2";
    private const string BcryptMarker = "MARKER-BCRYPT-HASH-55d0";

    private static readonly string Kubeconfig = $"apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    token: {ConfigMarker}\n";

    private readonly string _directory = Directory.CreateTempSubdirectory("mlplatform-secrets-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Mocks whose generated passwords carry a marker, as a provider would generate them.</summary>
    private sealed class MarkerMocks(string region = "us-east-1", Func<MockResourceArgs, Exception?>? fail = null) : PlanMocks(region)
    {
        public override async Task<(string? id, object state)> NewResourceAsync(MockResourceArgs args)
        {
            if (fail?.Invoke(args) is { } error)
            {
                throw error;
            }

            var (id, state) = await base.NewResourceAsync(args);
            if (args.Type != "random:index/randomPassword:RandomPassword")
            {
                return (id, state);
            }

            Interlocked.Increment(ref _planted);
            return (id, ((ImmutableDictionary<string, object>)state).SetItem("result", $"{RandomMarker}-{args.Name}").SetItem("bcryptHash", BcryptMarker));
        }

        private int _planted;

        /// <summary>How many generated passwords carry the marker.</summary>
        public int Planted => _planted;
    }

    private static StackConfigFile WithKubeconfigSecret(StackConfigFile config) => config with
    {
        Values = config.Values.SetItem("mlplatform:kubeconfig", Kubeconfig),
        SecretKeys = config.SecretKeys.Add("mlplatform:kubeconfig"),
    };

    private static StackConfigFile Existing() => WithKubeconfigSecret(new StackConfigFile("mlplatform", "secrets",
        ImmutableDictionary<string, string>.Empty.Add("mlplatform:cloud", "existing").Add("mlplatform:environment", "development"),
        ImmutableHashSet<string>.Empty));

    private async Task<(int Code, string Output, string Error, string Json)> PlanAsync(StackConfigFile config, PlanMocks mocks)
    {
        var json = Path.Combine(_directory, $"{config.StackName}.json");
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await PlanCommand.RunAsync(config, json, output, error, mocks);
        return (code, output.ToString(), error.ToString(), File.Exists(json) ? await File.ReadAllTextAsync(json) : "");
    }

    private static void AssertNoMarker(params string[] texts)
    {
        foreach (var text in texts)
        {
            foreach (var marker in new[] { ConfigMarker, RandomMarker, BcryptMarker, "MARKER" })
            {
                Assert.DoesNotContain(marker, text, StringComparison.Ordinal);
            }
        }
    }

    private static JsonNode Inputs(string json, string type, string name) =>
        JsonNode.Parse(json)!["resources"]!.AsArray().Single(r => r!["type"]!.GetValue<string>() == type && r["name"]!.GetValue<string>() == name)!["inputs"]!;

    [Fact]
    public async Task A_kubeconfig_secret_and_generated_passwords_never_reach_the_plan_of_an_existing_cluster()
    {
        var (code, output, error, json) = await PlanAsync(Existing(), new MarkerMocks());

        Assert.Equal(0, code);
        AssertNoMarker(output, error, json);
        Assert.Equal("[secret]", Inputs(json, "pulumi:providers:kubernetes", "existing-cluster")["kubeconfig"]!.GetValue<string>());
        Assert.Equal("[secret]", Inputs(json, "kubernetes:core/v1:Secret", "monitoring-grafana-admin")["stringData"]!.GetValue<string>());
        Assert.Contains("Policy gate:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Database_passwords_and_their_copies_never_reach_the_plan_of_an_aws_stack()
    {
        var config = WithKubeconfigSecret(StackConfigFile.Load(RepositoryPaths.Root, "staging")) with
        {
            // A kubeconfig is refused on aws, so the marker rides on another secret key here.
            Values = StackConfigFile.Load(RepositoryPaths.Root, "staging").Values.SetItem("aws:secretKey", ConfigMarker),
            SecretKeys = ["aws:secretKey"],
        };

        var (code, output, error, json) = await PlanAsync(config, new MarkerMocks());

        Assert.Equal(0, code);
        AssertNoMarker(output, error, json);
        Assert.Equal("[secret]", Inputs(json, "aws:rds/instance:Instance", "mlflow-db")["password"]!.GetValue<string>());
        Assert.Equal("[secret]", Inputs(json, "aws:secretsmanager/secretVersion:SecretVersion", "mlflow-db-credentials")["secretString"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(StackFiles.Names), MemberType = typeof(StackFiles))]
    public async Task No_stack_file_of_the_repository_prints_a_planted_secret(string stack)
    {
        var file = StackConfigFile.Load(RepositoryPaths.Root, stack);
        // A secret key of another namespace carries the config marker: every stack accepts it.
        var config = file with { Values = file.Values.SetItem("pulumi:markerSecret", ConfigMarker), SecretKeys = file.SecretKeys.Add("pulumi:markerSecret") };
        var region = file.Values.GetValueOrDefault("mlplatform:region") is { Length: > 0 } r ? r : "us-east-1";

        var mocks = new MarkerMocks(region);
        var (code, output, error, json) = await PlanAsync(config, mocks);

        Assert.Equal(0, code);
        Assert.True(mocks.Planted > 0, "no generated password carried the marker");
        AssertNoMarker(output, error, json);
    }

    [Fact]
    public async Task A_failure_that_quotes_a_secret_does_not_print_it()
    {
        var mocks = new MarkerMocks(fail: args => args.Type == "pulumi:providers:kubernetes"
            ? new InvalidOperationException($"cannot reach the cluster of kubeconfig {args.Inputs.GetValueOrDefault("kubeconfig")}")
            : null);

        var (code, output, error, json) = await PlanAsync(Existing(), mocks);

        Assert.Equal(1, code);
        Assert.Contains("cannot reach the cluster", error, StringComparison.Ordinal);
        Assert.Contains("[secret]", error, StringComparison.Ordinal);
        AssertNoMarker(output, error, json);
    }

    private static Task<PlanResult> RunProgramAsync(Func<IDictionary<string, object?>> program, PlanMocks? mocks = null, IReadOnlyDictionary<string, string>? secretConfig = null)
    {
        var config = new Dictionary<string, string>(secretConfig ?? new Dictionary<string, string>());
        return PlanRunner.RunAsync("mlplatform", "secrets", JsonSerializer.Serialize(config), JsonSerializer.Serialize(config.Keys), mocks ?? new PlanMocks(), program);
    }

    private static ObjectMetaArgs Meta(string name) => new() { Name = name, Namespace = "default" };

    [Fact]
    public async Task Each_kind_of_secret_reads_secret_at_its_place_and_nowhere_else()
    {
        var mocks = new GeneratingMocks();
        var plan = await RunProgramAsync(() =>
        {
            // Output.CreateSecret, as an input and nested in a map of plain values (Helm values).
            var created = Output.CreateSecret("MARKER-CREATE-SECRET-0001");
            _ = new K8s.Core.V1.ConfigMap("created", new ConfigMapArgs { Metadata = Meta("created"), Data = { ["token"] = created, ["plain"] = "visible" } });
            _ = new K8s.Helm.V3.Release("release", new K8s.Types.Inputs.Helm.V3.ReleaseArgs
            {
                Chart = "chart",
                Version = "1.0.0",
                Values = new InputMap<object>
                {
                    ["grafana"] = new Dictionary<string, object> { ["adminPassword"] = created, ["replicas"] = 2 },
                    ["image"] = "registry.example.com/app:1.0",
                },
            });

            // Config.GetSecret.
            var token = new Pulumi.Config("mlplatform").RequireSecret("token");
            _ = new K8s.Core.V1.ConfigMap("configured", new ConfigMapArgs { Metadata = Meta("configured"), Data = { ["token"] = token } });

            // A provider-declared secret output (AdditionalSecretOutputs) whose value the engine generated, then used
            // where the mock engine does not flag it: redacted by value.
            var generator = new K8s.Core.V1.ConfigMap("generator", new ConfigMapArgs { Metadata = Meta("generator") },
                new CustomResourceOptions { AdditionalSecretOutputs = { "data" } });
            _ = new K8s.Core.V1.ConfigMap("consumer", new ConfigMapArgs
            {
                Metadata = Meta("consumer"),
                Data = { ["url"] = generator.Data.Apply(d => $"https://user:{d["generated"]}@db.example.com/app") },
            });

            // A secret whose flag was dropped on the way (Unsecret stands for an Apply the mock engine did not mark).
            _ = new K8s.Core.V1.ConfigMap("unflagged", new ConfigMapArgs { Metadata = Meta("unflagged"), Data = { ["copy"] = Output.Unsecret(created) } });

            // A provider's own secret input: its generated setter wraps the value with Output.CreateSecret.
            _ = new Pulumi.Aws.Rds.Instance("db", new Pulumi.Aws.Rds.InstanceArgs
            {
                InstanceClass = "db.t4g.medium",
                Engine = "postgres",
                AllocatedStorage = 20,
                Password = "MARKER-PROVIDER-SECRET-0002",
            });

            return new Dictionary<string, object?> { ["token"] = token, ["created"] = created, ["cloud"] = "test" };
        }, mocks, new Dictionary<string, string> { ["mlplatform:token"] = "MARKER-CONFIG-TOKEN-0003" });

        var document = plan.ToJson();
        Assert.DoesNotContain("MARKER", document, StringComparison.Ordinal);
        Assert.DoesNotContain("MARKER", PlanReport.Render(plan), StringComparison.Ordinal);
        Assert.DoesNotContain(GeneratingMocks.Generated, document, StringComparison.Ordinal);

        var created = plan.Get("kubernetes:core/v1:ConfigMap", "created").Inputs;
        Assert.Equal("[secret]", created["data"]!.GetValue<string>());
        var values = plan.Get("kubernetes:helm.sh/v3:Release", "release").Inputs["values"]!;
        Assert.Equal("[secret]", values["grafana"]!["adminPassword"]!.GetValue<string>());
        Assert.Equal(2, values["grafana"]!["replicas"]!.GetValue<long>());
        Assert.Equal("registry.example.com/app:1.0", values["image"]!.GetValue<string>());
        Assert.Equal("[secret]", plan.Get("kubernetes:core/v1:ConfigMap", "configured").Inputs["data"]!.GetValue<string>());
        Assert.Equal("[secret]", plan.Get("kubernetes:core/v1:ConfigMap", "consumer").Inputs["data"]!["url"]!.GetValue<string>());
        Assert.Equal("[secret]", plan.Get("kubernetes:core/v1:ConfigMap", "unflagged").Inputs["data"]!["copy"]!.GetValue<string>());
        var db = plan.Get("aws:rds/instance:Instance", "db").Inputs;
        Assert.Equal("[secret]", db["password"]!.GetValue<string>());
        Assert.Equal("postgres", db["engine"]!.GetValue<string>());
        Assert.Equal("[secret]", plan.Outputs["token"]!.GetValue<string>());
        Assert.Equal("[secret]", plan.Outputs["created"]!.GetValue<string>());
        Assert.Equal("test", plan.Outputs["cloud"]!.GetValue<string>());
    }

    [Fact]
    public void Short_secrets_are_hidden_at_their_place_only()
    {
        var secrets = new PlanSecrets(["abc", "long-enough-secret"]);
        var json = new JsonObject { ["a"] = "abc", ["b"] = "x long-enough-secret y", ["c"] = "abcdef" };

        secrets.RedactValues(json);

        Assert.Equal("""{"a":"abc","b":"[secret]","c":"abcdef"}""", json.ToJsonString());
        Assert.Equal("failed: [secret]", secrets.RedactText("failed: long-enough-secret"));
    }

    /// <summary>Mocks that generate a value for the <c>data</c> output of the "generator" ConfigMap.</summary>
    private sealed class GeneratingMocks : PlanMocks
    {
        public const string Generated = "MARKER-GENERATED-0004";

        public override async Task<(string? id, object state)> NewResourceAsync(MockResourceArgs args)
        {
            var (id, state) = await base.NewResourceAsync(args);
            return args.Name == "generator"
                ? (id, ((ImmutableDictionary<string, object>)state).SetItem("data", ImmutableDictionary<string, object>.Empty.Add("generated", Generated)))
                : (id, state);
        }
    }
}
