using System.Text.Json;
using MlPlatform.Infra.Plan;
using MlPlatform.Stacks.Configuration;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Plan;

public sealed class StackConfigFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mlplatform-plan-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private void Write(string file, string text) => File.WriteAllText(Path.Combine(_directory, file), text);

    [Fact]
    public void Structured_values_become_json_and_secure_values_secret_placeholders()
    {
        Write("Pulumi.yaml", "name: mlplatform\nruntime: dotnet\nconfig:\n  kubernetesVersion:\n    type: string\n    default: \"1.33\"\n  cloud: existing\n");
        Write("Pulumi.dev.yaml", """
            config:
              mlplatform:environment: development
              mlplatform:kubeconfig:
                secure: AAABAKx8dGVzdA==
              mlplatform:nodePools:
                - name: gpu
                  min: 0
                  spot: true
                  accelerator: "l4"
              aws:region: eu-west-1
            """);

        var config = StackConfigFile.Load(_directory, "dev");

        Assert.Equal("mlplatform", config.ProjectName);
        Assert.Equal("1.33", config.Values["mlplatform:kubernetesVersion"]);
        Assert.Equal("existing", config.Values["mlplatform:cloud"]);
        Assert.Equal("development", config.Values["mlplatform:environment"]);
        Assert.Equal("eu-west-1", config.Values["aws:region"]);
        Assert.Equal(StackConfigFile.SecretPlaceholder, config.Values["mlplatform:kubeconfig"]);
        Assert.Equal(["mlplatform:kubeconfig"], config.SecretKeys.ToArray());
        using var pools = JsonDocument.Parse(config.Values["mlplatform:nodePools"]);
        var pool = pools.RootElement[0];
        Assert.Equal(0, pool.GetProperty("min").GetInt32());
        Assert.True(pool.GetProperty("spot").GetBoolean());
        Assert.Equal("l4", pool.GetProperty("accelerator").GetString());
    }

    [Fact]
    public void Stack_values_override_project_defaults()
    {
        Write("Pulumi.yaml", "name: mlplatform\nruntime: dotnet\nconfig:\n  kubernetesVersion:\n    type: string\n    default: \"1.33\"\n");
        Write("Pulumi.dev.yaml", "config:\n  mlplatform:kubernetesVersion: \"1.34\"\n");

        Assert.Equal("1.34", StackConfigFile.Load(_directory, "dev").Values["mlplatform:kubernetesVersion"]);
    }

    [Fact]
    public void Missing_stack_file_names_the_stacks_that_exist()
    {
        Write("Pulumi.yaml", "name: mlplatform\nruntime: dotnet\n");
        Write("Pulumi.alpha.yaml", "config: {}\n");

        var error = Assert.Throws<FileNotFoundException>(() => StackConfigFile.Load(_directory, "beta"));
        Assert.Contains("stacks here: alpha", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Project_file_declares_the_scalar_keys_with_the_program_defaults()
    {
        var project = StackConfigFile.Load(RepositoryPaths.Root, "staging");
        var text = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "Pulumi.yaml"));

        Assert.Equal("mlplatform", project.ProjectName);
        Assert.Contains("main: infra/", text, StringComparison.Ordinal);
        Assert.Contains("runtime: dotnet", text, StringComparison.Ordinal);
        foreach (var key in new[] { "cloud:", "environment:", "kubernetesVersion:" })
        {
            Assert.Contains($"\n  {key}\n    type: string", text, StringComparison.Ordinal);
        }

        Assert.Contains($"default: \"{ConfigReader.DefaultKubernetesVersion}\"", text, StringComparison.Ordinal);
    }
}
