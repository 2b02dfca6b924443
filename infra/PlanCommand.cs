using MlPlatform.Infra.Plan;
using MlPlatform.Policies;
using Pulumi;

namespace MlPlatform.Infra;

/// <summary>
/// <c>plan --stack NAME [--json FILE] [--manifests FILE] [--dir PROJECT_DIR]</c>: the offline plan of a stack. Prints the
/// component tree and a summary, optionally writes the plan as JSON and its Kubernetes objects as YAML, then runs the policy gate (<see cref="PlanRules"/>).
/// Exits 1 on invalid configuration, program failure or a broken policy, 2 on bad usage.
/// </summary>
public static class PlanCommand
{
    /// <summary>The usage line.</summary>
    public const string Usage = "usage: dotnet run --project infra -- plan --stack <name> [--json <file>] [--manifests <file>] [--dir <project dir>]";

    /// <summary>Runs the command.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        string? stack = null, json = null, manifests = null, dir = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--stack" or "-s" when i + 1 < args.Length: stack = args[++i]; break;
                case "--json" when i + 1 < args.Length: json = args[++i]; break;
                case "--manifests" when i + 1 < args.Length: manifests = args[++i]; break;
                case "--dir" when i + 1 < args.Length: dir = args[++i]; break;
                default:
                    await error.WriteLineAsync($"unknown argument '{args[i]}'\n{Usage}").ConfigureAwait(false);
                    return 2;
            }
        }

        if (stack is null)
        {
            await error.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }

        var projectDirectory = dir ?? FindProjectDirectory(Directory.GetCurrentDirectory());
        if (projectDirectory is null)
        {
            await error.WriteLineAsync("No Pulumi.yaml in this directory or above; run from the repository or pass --dir.").ConfigureAwait(false);
            return 2;
        }

        StackConfigFile config;
        try
        {
            config = StackConfigFile.Load(projectDirectory, stack);
        }
        catch (FileNotFoundException e)
        {
            await error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return 2;
        }
        catch (InvalidDataException e)
        {
            await error.WriteLineAsync($"plan of stack '{stack}' failed:\n{e.Message}").ConfigureAwait(false);
            return 1;
        }

        return await RunAsync(config, json, output, error, manifests: manifests, projectDirectory: projectDirectory).ConfigureAwait(false);
    }

    /// <summary>Plans a loaded stack configuration, reports it and runs the gate (the command without its arguments).</summary>
    internal static async Task<int> RunAsync(
        StackConfigFile config, string? json, TextWriter output, TextWriter error, PlanMocks? mocks = null, string? manifests = null,
        string? projectDirectory = null)
    {
        var stack = config.StackName;
        PlanResult plan;
        try
        {
            plan = await PlanRunner.RunAsync(config, mocks).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RunException or AggregateException)
        {
            await error.WriteLineAsync($"plan of stack '{stack}' failed:\n{PlanRunner.Describe(e)}").ConfigureAwait(false);
            return 1;
        }

        await output.WriteAsync(PlanReport.Render(plan)).ConfigureAwait(false);
        PriceTable? prices;
        try
        {
            prices = (projectDirectory ?? FindProjectDirectory(Directory.GetCurrentDirectory())) is { } directory ? PriceTable.Load(directory, stack) : null;
        }
        catch (InvalidDataException e)
        {
            await error.WriteLineAsync($"plan of stack '{stack}' failed: {e.Message}").ConfigureAwait(false);
            return 1;
        }

        if (prices is not null)
        {
            var cost = CostEstimate.Of(plan, prices);
            plan = plan with { Cost = cost.ToJson() };
            await output.WriteLineAsync().ConfigureAwait(false);
            await output.WriteAsync(cost.Render()).ConfigureAwait(false);
        }

        if (json is not null)
        {
            await File.WriteAllTextAsync(json, plan.ToJson()).ConfigureAwait(false);
            await output.WriteLineAsync($"plan written to {json}").ConfigureAwait(false);
        }

        if (manifests is not null)
        {
            await File.WriteAllTextAsync(manifests, PlanManifests.Render(plan)).ConfigureAwait(false);
            await output.WriteLineAsync($"Kubernetes objects written to {manifests}").ConfigureAwait(false);
        }

        var report = PlanRules.Evaluate(plan.ToPolicyItems());
        foreach (var warning in report.Warnings)
        {
            await output.WriteLineAsync($"warning: {warning}").ConfigureAwait(false);
        }

        foreach (var unevaluated in report.NotEvaluated)
        {
            await output.WriteLineAsync($"not evaluated: {unevaluated}").ConfigureAwait(false);
        }

        var violations = report.Errors.ToList();
        await output.WriteLineAsync(
            $"Policy gate: {PlanRules.All.Length} rules, {violations.Count} violations"
            + (report.Warnings.Any() || report.NotEvaluated.Length > 0 || report.Waived.Length > 0
                ? $" ({report.Warnings.Count()} warnings, {report.NotEvaluated.Length} not evaluated, {report.Waived.Length} waived by policies/exceptions.json)"
                : string.Empty)).ConfigureAwait(false);
        if (violations.Count > 0)
        {
            await error.WriteLineAsync($"plan of stack '{stack}' breaks the platform's policies:").ConfigureAwait(false);
            foreach (var violation in violations)
            {
                await error.WriteLineAsync($"  - {violation}").ConfigureAwait(false);
            }

            return 1;
        }

        return 0;
    }

    /// <summary>The directory holding Pulumi.yaml: <paramref name="start"/> or its nearest ancestor.</summary>
    public static string? FindProjectDirectory(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Pulumi.yaml")))
            {
                return directory.FullName;
            }
        }

        return null;
    }
}
