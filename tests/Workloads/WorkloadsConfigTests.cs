using MlPlatform.Stacks.Configuration;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Workloads;

public class WorkloadsConfigTests
{
    private static Dictionary<string, object> Config(object workload, object[]? dataServices = null)
    {
        var config = Scenario.Existing();
        config["teams"] = new object[] { new { name = "apps", role = "application" } };
        config["workloads"] = new[] { workload };
        if (dataServices is not null)
        {
            config["dataServices"] = dataServices;
        }

        return config;
    }

    private static object Resources => new { requestsCpu = "500m", requestsMemory = "1Gi", limitsCpu = "1", limitsMemory = "2Gi" };

    private static IReadOnlyList<ConfigProblem> Problems(Dictionary<string, object> config)
    {
        var json = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(Scenario.ToPulumiConfig(config))!;
        var error = Assert.Throws<ConfigValidationException>(() => ConfigReader.Read(key => json.GetValueOrDefault($"mlplatform:{key}")));
        return error.Problems;
    }

    private static PlatformConfig Valid(Dictionary<string, object> config)
    {
        var json = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(Scenario.ToPulumiConfig(config))!;
        return ConfigReader.Read(key => json.GetValueOrDefault($"mlplatform:{key}"));
    }

    [Fact]
    public void A_valid_workload_is_read_with_its_settings()
    {
        var config = Valid(Config(new
        {
            name = "api",
            @namespace = "apps",
            image = "ghcr.io/acme/api",
            tag = "1.0.0",
            ports = new[] { new { name = "http", port = 8000 } },
            resources = Resources,
            autoscaling = new { min = 3, max = 20, cpuPercent = 70, memoryPercent = 80 },
            minAvailable = 2,
        }));

        var workload = Assert.Single(config.Workloads);
        Assert.Equal(("api", "apps", "1.0.0"), (workload.Name, workload.Namespace, workload.Tag));
        Assert.Equal(new ResourceAutoscalingConfig(3, 20, 70, 80), workload.Autoscaling);
        Assert.Equal(NamespaceRole.Application, config.FindNamespace("apps")!.Role);
    }

    [Fact]
    public void Every_problem_of_a_workload_is_reported_at_once_with_its_key()
    {
        var problems = Problems(Config(new
        {
            name = "api",
            @namespace = "nowhere",
            image = "ghcr.io/acme/api",
            tag = "latest",
            ports = new[] { new { name = "http", port = 70000 } },
            resources = new { requestsCpu = "2", requestsMemory = "1Gi", limitsCpu = "1", limitsMemory = "lots" },
            nodePool = "missing",
            replicas = 0,
            minAvailable = 2,
            priorityClass = "vip",
            settings = new { DB_PASSWORD = "hunter2" },
            dependencies = new[] { "ghost" },
            colour = "blue",
        }));

        var keys = problems.Select(p => p.Key).ToHashSet();
        foreach (var key in new[]
        {
            "namespace", "tag", "ports[0].port", "resources.limitsCpu", "resources.limitsMemory", "nodePool", "replicas",
            "minAvailable", "priorityClass", "settings.DB_PASSWORD", "dependencies", "colour",
        })
        {
            Assert.Contains($"mlplatform:workloads[0].{key}", keys);
        }
    }

    [Fact]
    public void A_budget_that_would_block_every_drain_is_refused()
    {
        var problems = Problems(Config(new
        {
            name = "api",
            @namespace = "apps",
            image = "ghcr.io/acme/api",
            tag = "1.0.0",
            replicas = 1,
            ports = new[] { new { name = "http", port = 8000 } },
            resources = Resources,
            minAvailable = 1,
        }));

        Assert.Contains(problems, p => p.Key == "mlplatform:workloads[0].minAvailable" && p.Message.Contains("blocks every drain", StringComparison.Ordinal));
    }

    [Fact]
    public void Data_services_are_validated_and_postgres_needs_the_operator()
    {
        var problems = Problems(Config(
            new { name = "api", @namespace = "apps", image = "ghcr.io/acme/api", tag = "1.0.0", ports = new[] { new { name = "http", port = 8000 } }, resources = Resources, dependencies = new[] { "db" } },
            [
                new { name = "db", kind = "postgres", @namespace = "apps", instances = 3, resources = Resources },
                new { name = "db", kind = "memcached", @namespace = "apps", instances = 12, resources = Resources },
            ]));

        var keys = problems.Select(p => p.Key).ToList();
        Assert.Contains("mlplatform:dataServices[0].storage.size", keys);
        Assert.Contains("mlplatform:dataServices[0].kind", keys);
        Assert.Contains("mlplatform:dataServices[1].name", keys);
        Assert.Contains("mlplatform:dataServices[1].kind", keys);
        Assert.Contains("mlplatform:dataServices[1].instances", keys);
        Assert.DoesNotContain("mlplatform:workloads[0].dependencies", keys);
    }
}
