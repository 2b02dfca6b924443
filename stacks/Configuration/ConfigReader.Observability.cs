using System.Text.RegularExpressions;
using MlPlatform.Policies;

namespace MlPlatform.Stacks.Configuration;

/// <summary>Reading and validation of the logs and traces settings (<c>mlplatform:observability</c>).</summary>
public static partial class ConfigReader
{
    /// <summary>
    /// The add-on defaults of the logs and traces pipeline: on outside production. Production stacks turn them on
    /// explicitly once the charts have their reviewed availability entries (policies/ChartAvailability.cs).
    /// </summary>
    private static AddonsConfig ObservabilityDefaults(AddonsConfig defaults, DeploymentEnvironment? environment)
    {
        var on = environment != DeploymentEnvironment.Production;

        // Chaos experiments run where they are meant to be found out: staging. Production only when set explicitly.
        return defaults with { Logging = on, Tracing = on, Chaos = environment == DeploymentEnvironment.Staging };
    }

    private static ObservabilityConfig ReadObservability(JsonConfigNode? node, DeploymentEnvironment? environment, AddonsConfig addons, List<ConfigProblem> problems)
    {
        var defaults = ObservabilityConfig.For(environment ?? DeploymentEnvironment.Development);
        if (node is null)
        {
            return defaults;
        }

        if (!addons.Logging && !addons.Tracing)
        {
            problems.Add(new(node.Key, "set, but the logging and tracing add-ons are disabled on this stack; remove it or enable addons.logging or addons.tracing"));
        }

        var logRetention = node.String("logRetention") ?? defaults.LogRetention;
        var traceRetention = node.String("traceRetention") ?? defaults.TraceRetention;
        var storageSize = node.String("storageSize") ?? defaults.StorageSize;
        node.RejectUnknownKeys();

        if (!Hours().IsMatch(logRetention) || int.Parse(logRetention[..^1], System.Globalization.CultureInfo.InvariantCulture) % 24 != 0)
        {
            node.Problem("logRetention", $"'{logRetention}' is not a whole number of days in hours such as 168h (Loki deletes whole 24h index periods)");
        }

        if (!Hours().IsMatch(traceRetention))
        {
            node.Problem("traceRetention", $"'{traceRetention}' is not a number of hours such as 72h (Tempo takes Go durations, without days)");
        }

        if (!KubernetesNames.IsNonNegativeQuantity(storageSize) || !storageSize.TrimStart('+').TakeWhile(c => char.IsAsciiDigit(c) || c == '.').Any(c => c is >= '1' and <= '9'))
        {
            node.Problem("storageSize", $"'{storageSize}' is not a positive Kubernetes quantity such as 20Gi");
        }

        return new ObservabilityConfig { LogRetention = logRetention, TraceRetention = traceRetention, StorageSize = storageSize };
    }

    [GeneratedRegex("^[1-9][0-9]{0,5}h$")]
    private static partial Regex Hours();
}
