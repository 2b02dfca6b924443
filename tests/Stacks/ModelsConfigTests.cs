using System.Text.Json;
using System.Text.Json.Nodes;
using MlPlatform.Components.Addons;
using MlPlatform.Stacks.Configuration;
using MlPlatform.Stacks.Shared;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Stacks;

public class ModelsConfigTests
{
    private static readonly object Governance = new { owner = "team-a", version = "1.2.0" };

    private static readonly object ProductionGovernance = new
    {
        owner = "team-a",
        version = "2.0.1",
        stage = "production",
        runId = "3f2a9c",
        experiment = "churn",
        approval = new { approver = "jane", ticket = "CHG-42" },
    };

    [Fact]
    public void Every_source_kind_and_runtime_is_read()
    {
        var models = Read(
            new { name = "churn", source = "models:/churn@champion", runtime = "sklearn", governance = Governance },
            new { name = "fraud", @namespace = "team-a", source = "s3://bucket-a/models/fraud", runtime = "xgboost", governance = Governance, scaling = new { minReplicas = 2, maxReplicas = 2 } },
            new { name = "vision", source = "gs://bucket-b/vision", runtime = "onnx", gpus = 1, governance = Governance },
            new { name = "ranker", source = "wasbs://models@account1.blob.core.windows.net/ranker", runtime = "mlflow", governance = Governance },
            new { name = "chat", source = "hf://Qwen/Qwen2.5-0.5B-Instruct", runtime = "vllm", governance = ProductionGovernance },
            new { name = "pinned", source = "models:/churn/7", runtime = "pytorch", resources = new { cpu = "500m", cpuLimit = "1", memory = "2Gi" }, governance = Governance });

        Assert.Equal(["churn", "fraud", "vision", "ranker", "chat", "pinned"], models.Select(m => m.Name));
        Assert.Equal(ModelSourceKind.MlflowRegistry, models[0].Source.Kind);
        Assert.Equal("churn", models[0].Governance.ModelName);
        Assert.Equal("team-a", models[1].Namespace);
        Assert.Equal(new ModelScaling(2, 2), models[1].Scaling);
        Assert.Equal(ModelSourceKind.Bucket, models[2].Source.Kind);
        Assert.Equal("gpu-inference", models[2].NodePool!.Name);
        Assert.Null(models[0].NodePool);
        Assert.Equal(1, models[4].Gpus);
        Assert.Equal(ModelStage.Production, models[4].Governance.Stage);
        Assert.Equal("CHG-42", models[4].Governance.Ticket);
        Assert.Equal("500m", models[5].Cpu);
        Assert.Equal(ModelRuntime.PyTorch, models[5].Runtime);
    }

    [Fact]
    public void The_sample_model_is_the_first_entry_of_the_list()
    {
        var config = Config(new() { ["kserve"] = new { sampleModel = new { model = "Qwen/Qwen2.5-0.5B-Instruct", canaryModel = "Qwen/Qwen2.5-1.5B-Instruct", canaryTrafficPercent = 10 } } },
            new { name = "churn", source = "s3://bucket-a/churn", runtime = "sklearn", governance = Governance });

        Assert.Equal([ConfigReader.SampleModelEntryName, "churn"], config.Models.Select(m => m.Name));
        var sample = config.Models[0];
        Assert.Equal("hf://Qwen/Qwen2.5-0.5B-Instruct", sample.Source.Uri);
        Assert.Equal(ModelRuntime.Vllm, sample.Runtime);
        Assert.Equal("serving", sample.Namespace);
        Assert.Equal("hf://Qwen/Qwen2.5-1.5B-Instruct", sample.Canary!.Source.Uri);
        Assert.True(ConfigReader.IsSemanticVersion(sample.Governance.Version));
    }

    [Theory]
    [InlineData("""{"source":"s3://bucket-a/x","runtime":"sklearn","governance":{"owner":"a","version":"1.0.0"}}""", "mlplatform:models[0].name", "required")]
    [InlineData("""{"name":"Bad_Name","source":"s3://bucket-a/x","runtime":"sklearn","governance":{"owner":"a","version":"1.0.0"}}""", "mlplatform:models[0].name", "DNS-1123")]
    [InlineData("""{"name":"m","namespace":"mlflow","source":"s3://bucket-a/x","runtime":"sklearn","governance":{"owner":"a","version":"1.0.0"}}""", "mlplatform:models[0].namespace", "team namespace")]
    [InlineData("""{"name":"m","source":"ftp://x/y","runtime":"sklearn","governance":{"owner":"a","version":"1.0.0"}}""", "mlplatform:models[0].source", "not a model source")]
    [InlineData("""{"name":"m","source":"models:/churn","runtime":"sklearn","governance":{"owner":"a","version":"1.0.0"}}""", "mlplatform:models[0].source", "models:/NAME@ALIAS")]
    [InlineData("""{"name":"m","source":"hf://justaname","runtime":"vllm","governance":{"owner":"a","version":"1.0.0"}}""", "mlplatform:models[0].source", "hf://owner/name")]
    [InlineData("""{"name":"m","source":"s3://bucket-a/x","runtime":"tensorflow","governance":{"owner":"a","version":"1.0.0"}}""", "mlplatform:models[0].runtime", "not a runtime")]
    [InlineData("""{"name":"m","source":"hf://a/b","runtime":"vllm","gpus":0,"governance":{"owner":"a","version":"1.0.0"}}""", "mlplatform:models[0].gpus", "at least 1")]
    [InlineData("""{"name":"m","source":"hf://a/b","runtime":"vllm","gpus":4,"governance":{"owner":"a","version":"1.0.0"}}""", "mlplatform:models[0].gpus", "do not fit")]
    [InlineData("""{"name":"m","source":"s3://bucket-a/x","runtime":"sklearn","nodePool":"cpu-batch","governance":{"owner":"a","version":"1.0.0"}}""", "mlplatform:models[0].nodePool", "only GPU models")]
    [InlineData("""{"name":"m","source":"hf://a/b","runtime":"vllm","nodePool":"cpu-batch","governance":{"owner":"a","version":"1.0.0"}}""", "mlplatform:models[0].nodePool", "needs a gpu pool")]
    [InlineData("""{"name":"m","source":"s3://bucket-a/x","runtime":"sklearn","resources":{"memory":"lots"},"governance":{"owner":"a","version":"1.0.0"}}""", "mlplatform:models[0].resources.memory", "quantity")]
    [InlineData("""{"name":"m","source":"s3://bucket-a/x","runtime":"sklearn","scaling":{"minReplicas":1,"maxReplicas":3},"governance":{"owner":"a","version":"1.0.0"}}""", "mlplatform:models[0].scaling.maxReplicas", "KEDA")]
    [InlineData("""{"name":"m","source":"s3://bucket-a/x","runtime":"sklearn","scaling":{"minReplicas":0},"governance":{"owner":"a","version":"1.0.0"}}""", "mlplatform:models[0].scaling.minReplicas", "at least 1")]
    [InlineData("""{"name":"m","source":"models:/a@b","runtime":"sklearn","canary":{"source":"s3://bucket-a/y","trafficPercent":10},"governance":{"owner":"a","version":"1.0.0"}}""", "mlplatform:models[0].canary.source", "bucket or hf://")]
    [InlineData("""{"name":"m","source":"s3://bucket-a/x","runtime":"sklearn","canary":{"source":"s3://bucket-a/y","trafficPercent":120},"governance":{"owner":"a","version":"1.0.0"}}""", "mlplatform:models[0].canary.trafficPercent", "between 0 and 100")]
    [InlineData("""{"name":"m","source":"s3://bucket-a/x","runtime":"sklearn"}""", "mlplatform:models[0].governance", "required")]
    [InlineData("""{"name":"m","source":"s3://bucket-a/x","runtime":"sklearn","governance":{"owner":"a","version":"1.0"}}""", "mlplatform:models[0].governance.version", "semantic version")]
    [InlineData("""{"name":"m","source":"s3://bucket-a/x","runtime":"sklearn","governance":{"owner":"a","version":"v1.0.0"}}""", "mlplatform:models[0].governance.version", "semantic version")]
    [InlineData("""{"name":"m","source":"s3://bucket-a/x","runtime":"sklearn","governance":{"owner":"a b","version":"1.0.0"}}""", "mlplatform:models[0].governance.owner", "label value")]
    [InlineData("""{"name":"m","source":"s3://bucket-a/x","runtime":"sklearn","governance":{"owner":"a","version":"1.0.0","stage":"live"}}""", "mlplatform:models[0].governance.stage", "staging, production or archived")]
    [InlineData("""{"name":"m","source":"s3://bucket-a/x","runtime":"sklearn","governance":{"owner":"a","version":"1.0.0","stage":"production","approval":{"approver":"j","ticket":"T-1"}}}""", "mlplatform:models[0].governance.runId", "lineage")]
    [InlineData("""{"name":"m","source":"s3://bucket-a/x","runtime":"sklearn","governance":{"owner":"a","version":"1.0.0","stage":"production","runId":"r1"}}""", "mlplatform:models[0].governance.approval", "approver")]
    [InlineData("""{"name":"m","source":"s3://bucket-a/x","runtime":"sklearn","governance":{"owner":"a","version":"1.0.0","stage":"production","runId":"r1","approval":{"approver":"j"}}}""", "mlplatform:models[0].governance.approval.ticket", "approval.ticket")]
    [InlineData("""{"name":"m","source":"s3://bucket-a/x","runtime":"sklearn","replicas":2,"governance":{"owner":"a","version":"1.0.0"}}""", "mlplatform:models[0].replicas", "unknown key")]
    [InlineData("""{"name":"m","source":"s3://bucket-a/x","runtime":"sklearn","governance":{"owner":"a","version":"1.0.0","approval":{"approver":"j","by":"x"}}}""", "mlplatform:models[0].governance.approval.by", "unknown key")]
    public void Invalid_entries_fail_with_their_key(string entry, string key, string message)
    {
        var problems = Assert.Throws<ConfigValidationException>(() => Config([], JsonNode.Parse(entry)!)).Problems;

        Assert.Contains(problems, p => p.Key == key && p.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Names_are_unique_and_distinct_from_the_sample()
    {
        var entry = new { name = "sample-llm", source = "s3://bucket-a/x", runtime = "sklearn", governance = Governance };
        var problems = Assert.Throws<ConfigValidationException>(() => Config(
            new() { ["kserve"] = new { sampleModel = new { model = "a/b" } } }, entry, entry with { })).Problems;

        Assert.Equal(2, problems.Count(p => p.Key is "mlplatform:models[0].name" or "mlplatform:models[1].name"));
        Assert.Contains(problems, p => p.Message.Contains("sample model", StringComparison.Ordinal));
    }

    [Fact]
    public void Registry_sources_need_mlflow_and_models_need_kserve()
    {
        var entry = new { name = "m", source = "models:/churn@champion", runtime = "sklearn", governance = Governance };

        var withoutMlflow = Assert.Throws<ConfigValidationException>(() => Config(new() { ["addons"] = new { mlflow = false } }, entry)).Problems;
        var withoutKserve = Assert.Throws<ConfigValidationException>(() => Config(new() { ["addons"] = new { kserve = false } }, entry)).Problems;

        Assert.Contains(withoutMlflow, p => p.Key == "mlplatform:models[0].source" && p.Message.Contains("mlflow", StringComparison.Ordinal));
        Assert.Contains(withoutKserve, p => p.Key == "mlplatform:models");
    }

    [Fact]
    public async Task Configured_models_become_inference_services_in_their_namespaces()
    {
        var config = Scenario.Existing();
        config["teams"] = new[] { new { name = "team-a" } };
        config["nodePools"] = new[]
        {
            new { name = "gpu", role = "gpu", accelerator = "l4", min = 0, max = 2, taints = new[] { new { key = "nvidia.com/gpu", value = "present", effect = "NoSchedule" } } },
        };
        config["models"] = new object[]
        {
            new { name = "churn", @namespace = "team-a", source = "models:/churn@champion", runtime = "sklearn", governance = Governance },
            new { name = "chat", source = "hf://a/b", runtime = "vllm", governance = ProductionGovernance },
        };

        var plan = await Scenario.RunAsync(config);

        var services = plan.OfType("kubernetes:serving.kserve.io/v1beta1:InferenceService").ToDictionary(s => s.Name);
        Assert.Equal(["chat", "churn"], services.Keys.Order(StringComparer.Ordinal));
        var churn = services["churn"].Inputs;
        Assert.Equal("team-a", churn["metadata"]!["namespace"]!.GetValue<string>());
        Assert.Equal("inference", churn["spec"]!["predictor"]!["serviceAccountName"]!.GetValue<string>());
        Assert.Equal("sklearn", churn["spec"]!["predictor"]!["model"]!["modelFormat"]!["name"]!.GetValue<string>());
        Assert.Equal(Mlflow.TrackingUriIn("mlflow"), churn["spec"]!["predictor"]!["initContainers"]![0]!["env"]![0]!["value"]!.GetValue<string>());
        Assert.Contains(services["chat"].Inputs["spec"]!["predictor"]!["tolerations"]!.AsArray(), t => t!["key"]!.GetValue<string>() == "nvidia.com/gpu");
        Assert.Equal("jane", services["chat"].Inputs["metadata"]!["annotations"]![ModelGovernance.ApproverAnnotation]!.GetValue<string>());
        foreach (var service in services.Values)
        {
            Assert.Empty(CrdSchema.Problems("serving.kserve.io", "v1beta1", "InferenceService", service.Inputs));
        }
    }

    [Fact]
    public void Cloud_pod_labels_reach_the_predictor()
    {
        var config = Config([], new { name = "m", source = "wasbs://models@account1.blob.core.windows.net/m", runtime = "sklearn", governance = Governance });
        var cloud = new CloudIntegration
        {
            ServiceAccountPodLabels = System.Collections.Immutable.ImmutableDictionary<string, System.Collections.Immutable.ImmutableDictionary<string, string>>.Empty
                .Add("serving/inference", System.Collections.Immutable.ImmutableDictionary<string, string>.Empty.Add("azure.workload.identity/use", "true")),
        };

        var model = ServedModels.ToServedModel(config.Models[0], config, cloud);

        Assert.Equal("true", model.PodLabels["azure.workload.identity/use"]);
        var predictor = (Dictionary<string, object>)ModelInferenceService.Spec(model)["predictor"];
        Assert.Equal("true", ((Dictionary<string, object>)predictor["labels"])["azure.workload.identity/use"]);
    }

    private static IReadOnlyList<ModelConfig> Read(params object[] models) => Config([], models).Models;

    private static PlatformConfig Config(Dictionary<string, object> overrides, params object[] models)
    {
        var values = new Dictionary<string, object>
        {
            ["cloud"] = "existing",
            ["environment"] = "staging",
            ["nodePools"] = new object[]
            {
                new { name = "gpu-inference", role = "gpu", accelerator = "l4", min = 0, max = 2, gpusPerNode = 2, taints = new[] { new { key = "nvidia.com/gpu", value = "present", effect = "NoSchedule" } } },
                new { name = "cpu-batch", role = "cpu", min = 0, max = 4 },
            },
            ["teams"] = new[] { new { name = "team-a" } },
            ["models"] = models,
        };
        foreach (var (key, value) in overrides)
        {
            values[key] = value;
        }

        return ConfigReader.Read(key => values.TryGetValue(key, out var value) ? value as string ?? JsonSerializer.Serialize(value) : null);
    }
}
