using System.Text.Json;
using MlPlatform.Infra.Plan;

namespace MlPlatform.Tests.Support;

/// <summary>Runs the whole platform program under the mock engine, as <c>plan</c> does.</summary>
public static class Scenario
{
    /// <summary>The project name.</summary>
    public const string Project = "mlplatform";

    /// <summary>Plans one of the repository's stack files (Pulumi.&lt;stack&gt;.yaml).</summary>
    public static Task<PlanResult> StackFileAsync(string stack, PlanMocks? mocks = null)
    {
        var config = StackConfigFile.Load(RepositoryPaths.Root, stack);
        return PlanRunner.RunAsync(config, mocks ?? PlanRunner.MocksFor(config));
    }

    /// <summary>
    /// Plans a stack from configuration given as <c>key → value</c> (keys without the <c>mlplatform:</c> prefix;
    /// values that are not strings are serialised to JSON, as the Pulumi CLI passes structured config).
    /// </summary>
    public static Task<PlanResult> RunAsync(IReadOnlyDictionary<string, object> config, PlanMocks? mocks = null, string stack = "test") =>
        PlanRunner.RunAsync(Project, stack, ToPulumiConfig(config), "[]", mocks ?? new PlanMocks());

    /// <summary>The <c>PULUMI_CONFIG</c> JSON of a configuration.</summary>
    public static string ToPulumiConfig(IReadOnlyDictionary<string, object> config) =>
        JsonSerializer.Serialize(config.ToDictionary(
            e => e.Key.Contains(':', StringComparison.Ordinal) ? e.Key : $"{Project}:{e.Key}",
            e => e.Value as string ?? JsonSerializer.Serialize(e.Value)));

    /// <summary>A minimal valid configuration of the <c>existing</c> target, to extend per test.</summary>
    public static Dictionary<string, object> Existing(string environment = "staging") => new()
    {
        ["cloud"] = "existing",
        ["environment"] = environment,
    };
}
