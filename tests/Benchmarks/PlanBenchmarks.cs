using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using MlPlatform.Infra;
using MlPlatform.Infra.Plan;

namespace MlPlatform.Benchmarks;

/// <summary>
/// How long the whole program of a stack takes to evaluate under the mock engine (the offline plan, and the
/// program part of every <c>pulumi preview</c>). Run: <c>dotnet run -c Release --project tests/Benchmarks</c>.
/// </summary>
[MemoryDiagnoser]
public class PlanBenchmarks
{
    private StackConfigFile _config = null!;

    /// <summary>The stack to plan.</summary>
    [Params("staging", "production", "gcp-production")]
    public string Stack { get; set; } = "production";

    /// <summary>Loads the stack file once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var root = PlanCommand.FindProjectDirectory(Directory.GetCurrentDirectory())
            ?? throw new InvalidOperationException("Run from the repository: no Pulumi.yaml found.");
        _config = StackConfigFile.Load(root, Stack);
    }

    /// <summary>One full plan of the stack.</summary>
    [Benchmark]
    public Task<PlanResult> Plan() => PlanRunner.RunAsync(_config);

    /// <summary>Runs the benchmarks.</summary>
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(PlanBenchmarks).Assembly).Run(args);
}
