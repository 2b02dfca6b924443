using System.Text.Json;
using MlPlatform.Stacks.Configuration;
using Xunit;

namespace MlPlatform.Tests.Stacks;

public class MlWorkloadsConfigTests
{
    private static readonly object[] Pools =
    [
        new { name = "gpu-inference", role = "gpu", accelerator = "l4", min = 0, max = 2, gpusPerNode = 2, labels = new Dictionary<string, string> { ["mlplatform.io/workload"] = "inference" }, taints = new[] { new { key = "nvidia.com/gpu", value = "present", effect = "NoSchedule" } } },
        new { name = "cpu-batch", role = "cpu", min = 0, max = 4 },
    ];

    [Fact]
    public void Sample_model_defaults_to_the_first_gpu_pool()
    {
        var config = Read(new() { ["kserve"] = new { sampleModel = new { model = "Qwen/Qwen2.5-0.5B-Instruct" } } });

        var sample = Assert.IsType<SampleModelConfig>(config.Kserve.SampleModel);
        Assert.Equal("gpu-inference", sample.NodePool.Name);
        Assert.Equal(1, sample.Gpus);
        Assert.Null(sample.CanaryModel);
    }

    [Fact]
    public void Sample_model_switched_off_is_absent()
    {
        var config = Read(new() { ["kserve"] = new { sampleModel = new { enabled = false, model = "m" } } });

        Assert.Null(config.Kserve.SampleModel);
    }

    [Theory]
    [InlineData("gpt2")]
    [InlineData("hf://Qwen/Qwen2.5-0.5B-Instruct")]
    [InlineData("Qwen/Qwen2.5/extra")]
    public void Model_that_is_not_owner_slash_name_is_rejected(string model) =>
        AssertProblem(new() { ["kserve"] = new { sampleModel = new { model } } }, "mlplatform:kserve.sampleModel.model", "owner/name");

    [Fact]
    public void Canary_model_that_is_not_owner_slash_name_is_rejected() =>
        AssertProblem(new() { ["kserve"] = new { sampleModel = new { model = "a/b", canaryModel = "c", canaryTrafficPercent = 5 } } },
            "mlplatform:kserve.sampleModel.canaryModel", "owner/name");

    [Fact]
    public void Canary_is_read_with_its_share()
    {
        var config = Read(new() { ["kserve"] = new { sampleModel = new { model = "a/b", canaryModel = "a/c", canaryTrafficPercent = 25, gpus = 2 } } });

        Assert.Equal("a/c", config.Kserve.SampleModel!.CanaryModel);
        Assert.Equal(25, config.Kserve.SampleModel.CanaryTrafficPercent);
        Assert.Equal(2, config.Kserve.SampleModel.Gpus);
    }

    [Fact]
    public void Sample_model_replicas_are_read_and_default_to_one()
    {
        Assert.Equal(1, Read(new() { ["kserve"] = new { sampleModel = new { model = "a/b" } } }).Kserve.SampleModel!.Replicas);
        Assert.Equal(2, Read(new() { ["kserve"] = new { sampleModel = new { model = "a/b", replicas = 2 } } }).Kserve.SampleModel!.Replicas);
    }

    [Fact]
    public void Sample_model_replicas_must_be_positive() =>
        AssertProblem(new() { ["kserve"] = new { sampleModel = new { model = "a/b", replicas = 0 } } }, "mlplatform:kserve.sampleModel.replicas", "at least 1");

    [Fact]
    public void Sample_model_replicas_must_fit_the_pool_s_gpu_limit() =>
        AssertProblem(new() { ["kserve"] = new { sampleModel = new { model = "a/b", replicas = 3, gpus = 2 } } },
            "mlplatform:kserve.sampleModel.replicas", "exceed the 4 GPUs pool 'gpu-inference' may provision");

    [Theory]
    [InlineData(101)]
    [InlineData(-1)]
    public void Canary_percent_outside_0_to_100_is_rejected(int percent) =>
        AssertProblem(new() { ["kserve"] = new { sampleModel = new { model = "a/b", canaryModel = "a/c", canaryTrafficPercent = percent } } },
            "mlplatform:kserve.sampleModel.canaryTrafficPercent", "between 0 and 100");

    [Fact]
    public void Canary_percent_without_a_canary_model_is_rejected() =>
        AssertProblem(new() { ["kserve"] = new { sampleModel = new { model = "a/b", canaryTrafficPercent = 10 } } },
            "mlplatform:kserve.sampleModel.canaryTrafficPercent", "canaryModel");

    [Fact]
    public void Canary_model_without_a_percent_is_rejected() =>
        AssertProblem(new() { ["kserve"] = new { sampleModel = new { model = "a/b", canaryModel = "a/c" } } },
            "mlplatform:kserve.sampleModel.canaryModel", "canaryTrafficPercent");

    [Fact]
    public void Sample_model_on_a_cpu_pool_is_rejected() =>
        AssertProblem(new() { ["kserve"] = new { sampleModel = new { model = "a/b", nodePool = "cpu-batch" } } },
            "mlplatform:kserve.sampleModel.nodePool", "needs a gpu pool");

    [Fact]
    public void Sample_model_on_an_unknown_pool_is_rejected() =>
        AssertProblem(new() { ["kserve"] = new { sampleModel = new { model = "a/b", nodePool = "gpu-typo" } } },
            "mlplatform:kserve.sampleModel.nodePool", "'gpu-typo' is not a pool");

    [Fact]
    public void Sample_model_without_any_gpu_pool_is_rejected() =>
        AssertProblem(new() { ["nodePools"] = Array.Empty<object>(), ["kserve"] = new { sampleModel = new { model = "a/b" } } },
            "mlplatform:kserve.sampleModel.nodePool", "no gpu pool");

    [Fact]
    public void Sample_model_needs_a_model() =>
        AssertProblem(new() { ["kserve"] = new { sampleModel = new { gpus = 1 } } }, "mlplatform:kserve.sampleModel.model", "required");

    [Theory]
    [InlineData(0, "at least 1")]
    [InlineData(3, "do not fit on one node")]
    public void Sample_model_gpus_must_fit_a_node(int gpus, string message) =>
        AssertProblem(new() { ["kserve"] = new { sampleModel = new { model = "a/b", gpus } } }, "mlplatform:kserve.sampleModel.gpus", message);

    [Fact]
    public void Sample_model_needs_kserve() =>
        AssertProblem(new() { ["addons"] = new { kserve = false }, ["kserve"] = new { sampleModel = new { model = "a/b" } } },
            "mlplatform:kserve.sampleModel.enabled", "needs KServe");

    [Fact]
    public void Unknown_kserve_keys_are_rejected()
    {
        var problems = Problems(new() { ["kserve"] = new { sampleModle = new { }, sampleModel = new { model = "a/b", canaryPercent = 5 } } });

        Assert.Contains(problems, p => p.Key == "mlplatform:kserve.sampleModle");
        Assert.Contains(problems, p => p.Key == "mlplatform:kserve.sampleModel.canaryPercent");
    }

    [Fact]
    public void Mlflow_replicas_are_read()
    {
        var config = Read(new()
        {
            ["cloud"] = "aws",
            ["region"] = "eu-west-1",
            ["mlflow"] = new { replicas = 3 },
            ["aws"] = new { adminRoleArns = new[] { "arn:aws:iam::123456789012:role/platform-admin" } },
            // AWS has no 2-GPU L4 instance (g6 sizes carry 1, 4 or 8): the AWS variant of the pool asks for 4.
            ["nodePools"] = new object[] { new { name = "gpu-inference", role = "gpu", accelerator = "l4", min = 0, max = 2, gpusPerNode = 4, taints = new[] { new { key = "nvidia.com/gpu", value = "present", effect = "NoSchedule" } } } },
        });

        Assert.Equal(3, config.Mlflow.Replicas);
    }

    [Fact]
    public void Mlflow_replicas_must_be_positive() =>
        AssertProblem(new() { ["mlflow"] = new { replicas = 0 } }, "mlplatform:mlflow.replicas", "at least 1");

    [Fact]
    public void Mlflow_on_an_existing_cluster_runs_one_replica() =>
        AssertProblem(new() { ["mlflow"] = new { replicas = 2 } }, "mlplatform:mlflow.replicas", "only 1 replica");

    [Fact]
    public void Unknown_mlflow_keys_are_rejected() =>
        AssertProblem(new() { ["mlflow"] = new { replica = 1 } }, "mlplatform:mlflow.replica", "unknown key");

    [Fact]
    public void Argo_cd_application_is_read_with_defaults()
    {
        var config = Read(new() { ["argoCd"] = new { application = new { repoUrl = "git@github.com:example/workloads.git", @namespace = "team-a" } } });

        var app = Assert.IsType<MlPlatform.Components.Addons.GitOpsApplication>(config.ArgoCd.Application);
        Assert.Equal("workloads", app.Name);
        Assert.Equal(".", app.Path);
        Assert.Equal("HEAD", app.TargetRevision);
        Assert.True(app.Prune);
        Assert.True(app.SelfHeal);
    }

    [Theory]
    [InlineData("https://github.com/example/workloads.git")]
    [InlineData("ssh://git@gitlab.example.com:2222/ml/workloads.git")]
    [InlineData("git@github.com:example/workloads.git")]
    public void Https_and_ssh_repositories_are_accepted(string url) => Assert.True(ConfigReader.IsGitUrl(url));

    [Theory]
    [InlineData("http://github.com/example/workloads.git")]
    [InlineData("ftp://example.com/repo")]
    [InlineData("github.com/example/workloads")]
    public void Other_repository_urls_are_rejected(string url) =>
        AssertProblem(new() { ["argoCd"] = new { application = new { repoUrl = url, @namespace = "team-a" } } },
            "mlplatform:argoCd.application.repoUrl", "not an https://");

    [Fact]
    public void Application_needs_a_repository_and_a_namespace()
    {
        var problems = Problems(new() { ["argoCd"] = new { application = new { path = "apps" } } });

        Assert.Contains(problems, p => p.Key == "mlplatform:argoCd.application.repoUrl" && p.Message.Contains("required", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Key == "mlplatform:argoCd.application.namespace" && p.Message.Contains("required", StringComparison.Ordinal));
    }

    [Fact]
    public void Application_namespace_and_name_must_be_labels()
    {
        var problems = Problems(new() { ["argoCd"] = new { application = new { repoUrl = "https://example.com/r.git", @namespace = "Team_A", name = "My App" } } });

        Assert.Contains(problems, p => p.Key == "mlplatform:argoCd.application.namespace");
        Assert.Contains(problems, p => p.Key == "mlplatform:argoCd.application.name");
    }

    [Fact]
    public void Application_namespace_must_be_created_by_the_platform() =>
        AssertProblem(new() { ["argoCd"] = new { application = new { repoUrl = "https://example.com/r.git", @namespace = "team-b" } } },
            "mlplatform:argoCd.application.namespace", "not a namespace of the platform");

    [Theory]
    [InlineData("/apps")]
    [InlineData("apps/../secrets")]
    public void Application_path_stays_in_the_repository(string path) =>
        AssertProblem(new() { ["argoCd"] = new { application = new { repoUrl = "https://example.com/r.git", @namespace = "team-a", path } } },
            "mlplatform:argoCd.application.path", "relative");

    [Fact]
    public void Application_needs_argo_cd() =>
        AssertProblem(new() { ["addons"] = new { argoCd = false }, ["argoCd"] = new { application = new { repoUrl = "https://example.com/r.git", @namespace = "team-a" } } },
            "mlplatform:argoCd.application.repoUrl", "needs Argo CD");

    [Fact]
    public void Unknown_argo_cd_keys_are_rejected()
    {
        var problems = Problems(new() { ["argoCd"] = new { app = new { }, application = new { repoUrl = "https://example.com/r.git", @namespace = "team-a", autoSync = true } } });

        Assert.Contains(problems, p => p.Key == "mlplatform:argoCd.app");
        Assert.Contains(problems, p => p.Key == "mlplatform:argoCd.application.autoSync");
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var problems = Problems(new()
        {
            ["kserve"] = new { sampleModel = new { model = "a/b", canaryModel = "a/c", canaryTrafficPercent = 150 } },
            ["mlflow"] = new { replicas = 0 },
            ["argoCd"] = new { application = new { repoUrl = "http://example.com/r.git", @namespace = "team-a" } },
        });

        Assert.Equal(
            ["mlplatform:argoCd.application.repoUrl", "mlplatform:kserve.sampleModel.canaryTrafficPercent", "mlplatform:mlflow.replicas"],
            problems.Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    private static PlatformConfig Read(Dictionary<string, object> overrides) => ConfigReader.Read(Get(overrides));

    private static IReadOnlyList<ConfigProblem> Problems(Dictionary<string, object> overrides) =>
        Assert.Throws<ConfigValidationException>(() => ConfigReader.Read(Get(overrides))).Problems;

    private static void AssertProblem(Dictionary<string, object> overrides, string key, string message)
    {
        var problems = Problems(overrides);
        Assert.Contains(problems, p => p.Key == key && p.Message.Contains(message, StringComparison.Ordinal));
    }

    private static Func<string, string?> Get(Dictionary<string, object> overrides)
    {
        var values = new Dictionary<string, object>
        {
            ["cloud"] = "existing",
            ["environment"] = "staging",
            ["nodePools"] = Pools,
            ["teams"] = new[] { new { name = "team-a" } },
        };
        foreach (var (key, value) in overrides)
        {
            values[key] = value;
        }

        return key => values.TryGetValue(key, out var value) ? value as string ?? JsonSerializer.Serialize(value) : null;
    }
}
