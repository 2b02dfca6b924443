using System.Text.Json;
using MlPlatform.Infra;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Plan;

public sealed class PlanCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mlplatform-plan-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await PlanCommand.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Plans_a_stack_and_writes_the_json_document()
    {
        var json = Path.Combine(_directory, "plan.json");

        var (code, output, _) = await RunAsync("--stack", "local", "--dir", RepositoryPaths.Root, "--json", json);

        Assert.Equal(0, code);
        Assert.StartsWith("Plan of stack 'local' (project mlplatform, cloud existing)", output, StringComparison.Ordinal);
        Assert.Contains("└─ tenancy (mlplatform:kubernetes:Tenancy)", output, StringComparison.Ordinal);
        Assert.Contains("Namespaces (Pod Security level", output, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var root = document.RootElement;
        Assert.Equal(["project", "stack", "cloud", "resources", "outputs", "cost"], root.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("local", root.GetProperty("stack").GetString());
        var first = root.GetProperty("resources")[0];
        Assert.Equal(["urn", "type", "name", "custom", "parent", "provider", "dependsOn", "inputs"], first.EnumerateObject().Select(p => p.Name).ToArray());
    }

    [Fact]
    public async Task Invalid_configuration_exits_1_with_every_problem()
    {
        File.WriteAllText(Path.Combine(_directory, "Pulumi.yaml"), "name: mlplatform\nruntime: dotnet\n");
        File.WriteAllText(Path.Combine(_directory, "Pulumi.bad.yaml"), "config:\n  mlplatform:cloud: openstack\n  mlplatform:teams:\n    - name: Bad_Team\n");

        var (code, output, error) = await RunAsync("--stack", "bad", "--dir", _directory);

        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.Contains("mlplatform:cloud: 'openstack' is not one of", error, StringComparison.Ordinal);
        Assert.Contains("mlplatform:environment: required", error, StringComparison.Ordinal);
        Assert.Contains("mlplatform:teams[0].name", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_misspelled_top_level_key_fails_the_plan_with_the_key_it_meant()
    {
        // Without the check this stack planned with exit 0 and no node pools or teams.
        File.Copy(Path.Combine(RepositoryPaths.Root, "Pulumi.yaml"), Path.Combine(_directory, "Pulumi.yaml"));
        File.WriteAllText(Path.Combine(_directory, "Pulumi.typo.yaml"), """
            config:
              mlplatform:cloud: existing
              mlplatform:environment: staging
              mlplatform:nodepools:
                - name: cpu-batch
                  role: cpu
                  min: 0
                  max: 3
              mlplatform:team:
                - name: team-a
              kubernetes:context: kind-mlplatform
            """);

        var (code, output, error) = await RunAsync("--stack", "typo", "--dir", _directory);

        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.Contains("mlplatform:nodepools: unknown key: the program would ignore it; did you mean mlplatform:nodePools?", error, StringComparison.Ordinal);
        Assert.Contains("mlplatform:team: unknown key: the program would ignore it; did you mean mlplatform:teams?", error, StringComparison.Ordinal);
        Assert.DoesNotContain("kubernetes:context", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stack_file_with_a_key_given_twice_exits_1_naming_the_line()
    {
        File.WriteAllText(Path.Combine(_directory, "Pulumi.yaml"), "name: mlplatform\nruntime: dotnet\n");
        File.WriteAllText(Path.Combine(_directory, "Pulumi.dup.yaml"), "config:\n  mlplatform:cloud: existing\n  mlplatform:environment: staging\n  mlplatform:cloud: aws\n");

        var (code, output, error) = await RunAsync("--stack", "dup", "--dir", _directory);

        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.Contains("Pulumi.dup.yaml: line 4", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--stack", "nope")]
    [InlineData("--json", "x.json")]
    [InlineData("--stack", "local", "--verbose")]
    public async Task Bad_usage_exits_2(params string[] args)
    {
        var (code, _, error) = await RunAsync([.. args, "--dir", RepositoryPaths.Root]);

        Assert.Equal(2, code);
        Assert.NotEmpty(error);
    }
}
