using System.Text.Json;
using MlPlatform.Stacks.Configuration;

namespace MlPlatform.Tests.Configuration;

/// <summary>Builds raw configuration for <see cref="ConfigReader"/> the way the Pulumi CLI passes it (structured values as JSON).</summary>
internal sealed class ConfigFixture
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public static ConfigFixture Valid(string cloud = "existing", string environment = "staging") =>
        new ConfigFixture().Set("cloud", cloud).Set("environment", environment);

    public ConfigFixture Set(string key, object? value)
    {
        if (value is null)
        {
            _values.Remove(key);
        }
        else
        {
            _values[key] = value as string ?? JsonSerializer.Serialize(value);
        }

        return this;
    }

    public ConfigFixture Raw(string key, string json)
    {
        _values[key] = json;
        return this;
    }

    /// <summary>Reads the configuration with its keys, as the program does (so unknown top-level keys are problems).</summary>
    public PlatformConfig Read(bool hasKubeconfigSecret = false) =>
        ConfigReader.Read(Get, [.. _values.Keys.Select(ConfigReader.Key)], hasKubeconfigSecret);

    public IReadOnlyList<ConfigProblem> Problems(bool hasKubeconfigSecret = false)
    {
        var error = Xunit.Assert.Throws<ConfigValidationException>(() => Read(hasKubeconfigSecret));
        return error.Problems;
    }

    public static Dictionary<string, object?> GpuPool(string name = "gpu-inference", string accelerator = "l4", int min = 0, int max = 4) => new()
    {
        ["name"] = name,
        ["role"] = "gpu",
        ["accelerator"] = accelerator,
        ["min"] = min,
        ["max"] = max,
        ["taints"] = new[] { new Dictionary<string, object> { ["key"] = "nvidia.com/gpu", ["value"] = "present", ["effect"] = "NoSchedule" } },
    };

    private string? Get(string key) => _values.GetValueOrDefault(key);
}
