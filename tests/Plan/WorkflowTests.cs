using System.Diagnostics;
using System.Text.RegularExpressions;
using MlPlatform.Tests.Support;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace MlPlatform.Tests.Plan;

/// <summary>
/// The GitHub workflows do what the README promises: a preview of every stack file on pull requests with OIDC
/// credentials only, CI with every check, deployments through reviewed environments, and every action pinned.
/// (.ci/run lints them with actionlint as well; these checks hold without it.)
/// </summary>
public sealed partial class WorkflowTests
{
    private static readonly string Workflows = Path.Combine(RepositoryPaths.Root, ".github", "workflows");

    private static YamlMappingNode Load(string file)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Workflows, file));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static YamlNode? At(YamlNode? node, params string[] path)
    {
        foreach (var key in path)
        {
            node = node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;
        }

        return node;
    }

    private static string? Text(YamlNode? node, params string[] path) => (At(node, path) as YamlScalarNode)?.Value;

    private static IReadOnlyList<YamlMappingNode> Steps(YamlMappingNode workflow, string job) =>
        [.. ((YamlSequenceNode)At(workflow, "jobs", job, "steps")!).Children.Cast<YamlMappingNode>()];

    private static YamlMappingNode Uses(IEnumerable<YamlMappingNode> steps, string action) =>
        steps.Single(s => Text(s, "uses") is { } uses && uses.StartsWith(action + "@", StringComparison.Ordinal));

    private static Dictionary<string, string> Permissions(YamlNode? node) =>
        ((YamlMappingNode)node!).Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => ((YamlScalarNode)e.Value).Value!);

    private static string[] FileNames => [.. Directory.GetFiles(Workflows, "*.yml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    public static TheoryData<string> Files => [.. FileNames];

    [Fact]
    public void The_three_workflows_exist() => Assert.Equal(["ci.yml", "preview.yml", "up.yml"], FileNames);

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_action_is_pinned_to_a_version_or_commit(string file)
    {
        var uses = Regex.Matches(File.ReadAllText(Path.Combine(Workflows, file)), @"uses:\s*(\S+)").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(uses);
        Assert.All(uses, action => Assert.True(PinnedAction().IsMatch(action), $"{file}: '{action}' is not pinned to a version tag or commit SHA"));
        Assert.All(uses, action => Assert.DoesNotContain("@main", action, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Default_permissions_are_read_only_and_no_static_cloud_key_is_used(string file)
    {
        var workflow = Load(file);
        Assert.Equal(new Dictionary<string, string> { ["contents"] = "read" }, Permissions(At(workflow, "permissions")));
        var text = File.ReadAllText(Path.Combine(Workflows, file));
        string[] staticCredentials = ["aws-access-key-id", "aws-secret-access-key", "AWS_SECRET_ACCESS_KEY", "creds:", "credentials_json", "ARM_CLIENT_SECRET", "client-secret"];
        Assert.All(staticCredentials, key => Assert.DoesNotContain(key, text, StringComparison.Ordinal));
    }

    [Fact]
    public void Preview_runs_on_pull_requests_for_every_stack_file_with_minimal_permissions()
    {
        var workflow = Load("preview.yml");
        Assert.NotNull(At(workflow, "on", "pull_request"));
        var job = At(workflow, "jobs", "preview")!;
        Assert.Equal("${{ fromJSON(needs.stacks.outputs.stacks) }}", Text(job, "strategy", "matrix", "include"));
        Assert.Equal(
            new Dictionary<string, string> { ["contents"] = "read", ["id-token"] = "write", ["pull-requests"] = "write" },
            Permissions(At(job, "permissions")));
        Assert.Contains("${{ matrix.stack }}", Text(job, "concurrency", "group"), StringComparison.Ordinal);

        var steps = Steps(workflow, "preview");
        Assert.Equal("global.json", Text(Uses(steps, "actions/setup-dotnet"), "with", "global-json-file"));
        var preview = Uses(steps, "pulumi/actions");
        Assert.Equal("preview", Text(preview, "with", "command"));
        Assert.Equal("${{ matrix.stack }}", Text(preview, "with", "stack-name"));
        Assert.Equal("true", Text(preview, "with", "comment-on-pr"));
        Assert.Equal("true", Text(preview, "with", "comment-on-summary"));
        Assert.Equal("true", Text(preview, "with", "diff"));

        // The offline plan is the job summary, before anything that needs credentials.
        var plan = steps.Single(s => Text(s, "run")?.Contains(".ci/plan-summary", StringComparison.Ordinal) == true);
        Assert.True(IndexOf(steps, plan) < steps.Select((s, i) => (s, i)).Where(p => Text(p.s, "uses")?.Contains("credentials", StringComparison.Ordinal) == true
            || Text(p.s, "uses")?.StartsWith("azure/login", StringComparison.Ordinal) == true
            || Text(p.s, "uses")?.StartsWith("google-github-actions/auth", StringComparison.Ordinal) == true).Min(p => p.i));
        AssertOidcPerCloud(steps);
    }

    [Fact]
    public void Up_deploys_a_chosen_stack_or_every_stack_through_its_environment()
    {
        var workflow = Load("up.yml");
        Assert.Equal("true", Text(workflow, "on", "workflow_dispatch", "inputs", "stack", "required"));
        Assert.Equal("main", ((YamlSequenceNode)At(workflow, "on", "push", "branches")!).Children.Cast<YamlScalarNode>().Single().Value);
        var job = At(workflow, "jobs", "up")!;
        Assert.Equal("${{ matrix.stack }}", Text(job, "environment"));
        Assert.Equal("false", Text(job, "concurrency", "cancel-in-progress"));
        Assert.Equal(new Dictionary<string, string> { ["contents"] = "read", ["id-token"] = "write" }, Permissions(At(job, "permissions")));
        var steps = Steps(workflow, "up");
        Assert.Equal("up", Text(Uses(steps, "pulumi/actions"), "with", "command"));
        Assert.Contains(steps, s => Text(s, "run")?.Contains(".ci/plan-summary", StringComparison.Ordinal) == true);
        AssertOidcPerCloud(steps);
    }

    [Fact]
    public void Ci_builds_formats_tests_plans_validates_and_scans()
    {
        var workflow = Load("ci.yml");
        Assert.NotNull(At(workflow, "on", "push"));
        Assert.NotNull(At(workflow, "on", "pull_request"));
        var steps = Steps(workflow, "build");
        var commands = string.Join("\n", steps.Select(s => Text(s, "run")).OfType<string>());
        string[] required =
        [
            "dotnet build Infra.sln --no-restore -warnaserror", "--verify-no-changes", "dotnet test Infra.sln", ".ci/plan-summary",
            "kubeconform", "--vulnerable", ".ci/actionlint",
        ];
        Assert.All(required, command => Assert.Contains(command, commands, StringComparison.Ordinal));
        Assert.Equal("config", Text(Uses(steps, "aquasecurity/trivy-action"), "with", "scan-type"));
    }

    [Fact]
    public void The_matrix_script_lists_every_stack_file_with_its_cloud()
    {
        var output = RunBash(".ci/stacks-json");
        foreach (var stack in StackFiles.All)
        {
            Assert.Contains($"{{\"stack\":\"{stack}\",\"cloud\":\"", output, StringComparison.Ordinal);
        }

        Assert.Contains("{\"stack\":\"staging\",\"cloud\":\"aws\",\"region\":\"us-east-1\"}", output, StringComparison.Ordinal);
        Assert.Equal(StackFiles.All.Count, Regex.Matches(output, "\"stack\":").Count);
    }

    private static void AssertOidcPerCloud(IReadOnlyList<YamlMappingNode> steps)
    {
        var aws = Uses(steps, "aws-actions/configure-aws-credentials");
        Assert.Equal("${{ vars.AWS_ROLE_ARN }}", Text(aws, "with", "role-to-assume"));
        Assert.StartsWith("matrix.cloud == 'aws'", Text(aws, "if"), StringComparison.Ordinal);
        var azure = Uses(steps, "azure/login");
        Assert.Equal("${{ vars.AZURE_CLIENT_ID }}", Text(azure, "with", "client-id"));
        Assert.StartsWith("matrix.cloud == 'azure'", Text(azure, "if"), StringComparison.Ordinal);
        var gcp = Uses(steps, "google-github-actions/auth");
        Assert.Equal("${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER }}", Text(gcp, "with", "workload_identity_provider"));
        Assert.StartsWith("matrix.cloud == 'gcp'", Text(gcp, "if"), StringComparison.Ordinal);
    }

    private static int IndexOf(IReadOnlyList<YamlMappingNode> steps, YamlMappingNode step) => steps.Select((s, i) => (s, i)).Single(p => ReferenceEquals(p.s, step)).i;

    private static string RunBash(string script)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", script)
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
        })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output;
    }

    [GeneratedRegex(@"^([A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@(v\d+(\.\d+){0,2}|\d+\.\d+\.\d+|[0-9a-f]{40})|docker://\S+:[^:@\s]+)$")]
    private static partial Regex PinnedAction();
}
