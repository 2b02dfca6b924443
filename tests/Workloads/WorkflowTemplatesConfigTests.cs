using MlPlatform.Stacks.Configuration;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Workloads;

public class WorkflowTemplatesConfigTests
{
    private static Dictionary<string, object> Config(params object[] templates)
    {
        var config = Scenario.Existing();
        config["teams"] = new object[] { new { name = "kai-ml", role = "application" } };
        config["nodePools"] = new object[]
        {
            new { name = "cpu", role = "cpu", min = 0, max = 4 },
            new { name = "t4", role = "gpu", accelerator = "t4", min = 0, max = 4, labels = new Dictionary<string, string> { ["gpu"] = "t4" }, taints = new[] { new { key = "nvidia.com/gpu", value = "present", effect = "NoSchedule" } } },
            new { name = "t4b", role = "gpu", accelerator = "t4", min = 0, max = 4, labels = new Dictionary<string, string> { ["gpu"] = "t4" }, taints = new[] { new { key = "nvidia.com/gpu", value = "present", effect = "NoSchedule" } } },
        };
        config["workflowTemplates"] = templates;
        return config;
    }

    private static IReadOnlyList<ConfigProblem> Problems(Dictionary<string, object> config)
    {
        var json = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(Scenario.ToPulumiConfig(config))!;
        return Assert.Throws<ConfigValidationException>(() => ConfigReader.Read(key => json.GetValueOrDefault($"mlplatform:{key}"))).Problems;
    }

    private static PlatformConfig Valid(Dictionary<string, object> config)
    {
        var json = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(Scenario.ToPulumiConfig(config))!;
        return ConfigReader.Read(key => json.GetValueOrDefault($"mlplatform:{key}"));
    }

    [Fact]
    public void A_reconstruction_template_is_read_with_its_pools()
    {
        var config = Valid(Config(new { name = "recon", kind = "reconstruction3d", @namespace = "kai-ml", image = "ghcr.io/kai/recon", tag = "1.0.0", cpuPool = "cpu", gpuPool = "t4" }));

        var template = Assert.Single(config.WorkflowTemplates);
        Assert.Equal((WorkflowTemplateKind.Reconstruction3d, "cpu", "t4", "t4"), (template.Kind, template.CpuPool, template.GpuPool, template.HighQualityPool));
    }

    [Fact]
    public void Every_problem_of_a_template_is_reported_at_once_with_its_key()
    {
        var problems = Problems(Config(
            new { name = "recon", kind = "reconstruction3d", @namespace = "argo", image = "ghcr.io/kai/recon", tag = "latest", cpuPool = "t4", gpuPool = "cpu", parallelism = 0, retries = 2 },
            new { name = "bench", kind = "gpuBenchmark", @namespace = "kai-ml", image = "ghcr.io/kai/bench", tag = "1.0", gpuPools = new[] { "cpu", "ghost", "t4", "t4b" }, retries = 0, colour = "blue" },
            new { name = "x", kind = "cron", @namespace = "kai-ml", image = "ghcr.io/kai/x", tag = "1" }));

        var keys = problems.Select(p => p.Key).ToHashSet();
        foreach (var key in new[]
        {
            "mlplatform:workflowTemplates[0].namespace",
            "mlplatform:workflowTemplates[0].tag",
            "mlplatform:workflowTemplates[0].cpuPool",
            "mlplatform:workflowTemplates[0].gpuPool",
            "mlplatform:workflowTemplates[0].parallelism",
            "mlplatform:workflowTemplates[0].retries",
            "mlplatform:workflowTemplates[1].gpuPools[0]",
            "mlplatform:workflowTemplates[1].gpuPools[1]",
            "mlplatform:workflowTemplates[1].gpuPools[3]",
            "mlplatform:workflowTemplates[1].retries",
            "mlplatform:workflowTemplates[1].checkpointPath",
            "mlplatform:workflowTemplates[1].colour",
            "mlplatform:workflowTemplates[2].kind",
        })
        {
            Assert.Contains(key, keys);
        }
    }

    [Fact]
    public void Templates_need_argo_workflows()
    {
        var config = Config(new { name = "recon", kind = "reconstruction3d", @namespace = "kai-ml", image = "ghcr.io/kai/recon", tag = "1.0.0", gpuPool = "t4" });
        config["addons"] = new { argoWorkflows = false };

        Assert.Contains(Problems(config), p => p.Key == "mlplatform:workflowTemplates[0].kind" && p.Message.Contains("argoWorkflows", StringComparison.Ordinal));
    }
}
