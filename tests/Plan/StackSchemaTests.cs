extern alias JsonSchemaNet;

using System.Text;
using System.Text.Json.Nodes;
using JsonSchemaNet::Json.Schema;
using MlPlatform.Components.Aws;
using MlPlatform.Components.Azure;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Infra.Plan;
using MlPlatform.Stacks.Configuration;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Plan;

/// <summary>
/// The editor schema of stack files (<c>schemas/stack.schema.json</c>) agrees with <c>ConfigReader</c> key for key, and
/// every stack file references it and validates against it.
/// </summary>
public sealed class StackSchemaTests
{
    private const string SchemaComment = "# yaml-language-server: $schema=./" + StackSchema.RelativePath;

    [Fact]
    public void Schema_and_reader_agree_on_every_key()
    {
        var schema = StackSchema.Load();
        var (keys, unknown) = ConfigKeySet.Observe(schema);
        if (Environment.GetEnvironmentVariable(StackSchema.UpdateVariable) == "1")
        {
            // Parents before children: a new object's own keys are read once the probe sets the object.
            while (StackSchema.AddMissing(schema, keys) > 0 | StackSchema.AddMissing(schema, (keys = ConfigKeySet.Observe(schema).Keys)) > 0)
            {
            }

            StackSchema.Save(schema);
            (keys, unknown) = ConfigKeySet.Observe(schema);
        }

        var problems = new StringBuilder();
        foreach (var (key, kind) in keys)
        {
            if (StackSchema.Resolve(schema, key, out var parent, out var missing) is null)
            {
                problems.AppendLine(missing == "[]"
                    ? $"- ConfigReader reads {key} ({kind}) but {StackSchema.RelativePath} has no \"items\" at {parent}: declare it as a list, "
                        + $"e.g. {StackSchema.Skeleton("object[]").ToJsonString()}."
                    : $"- ConfigReader reads {key} ({kind}) but {StackSchema.RelativePath} does not declare it: add "
                        + $"\"{missing}\": {StackSchema.Skeleton(kind).ToJsonString()} to the \"properties\" of {parent} "
                        + "(fill in the description, enum and range the reader checks).");
            }
        }

        var read = keys.Keys.ToHashSet(StringComparer.Ordinal);
        var freeForm = keys.Where(k => k.Value is "map" or "any").Select(k => k.Key).ToList();
        foreach (var key in StackSchema.Declared(schema))
        {
            if (!read.Contains(key) && !freeForm.Any(f => key.StartsWith(f + ".", StringComparison.Ordinal) || key.StartsWith(f + "[", StringComparison.Ordinal)))
            {
                problems.AppendLine($"- {StackSchema.RelativePath} declares {key} but ConfigReader never reads it (with every stack file and a probe "
                    + "configuration built from the schema's examples): remove it from the schema, or give its parent an \"examples\" "
                    + "value under which the reader reads it.");
            }
        }

        foreach (var problem in unknown.Distinct())
        {
            problems.AppendLine($"- ConfigReader refuses {problem.Key} of the schema's probe configuration: {problem.Message}");
        }

        Assert.True(problems.Length == 0,
            $"The stack-file schema and ConfigReader disagree (run `{StackSchema.UpdateVariable}=1 dotnet test --filter "
            + $"FullyQualifiedName~StackSchemaTests` to add skeleton entries, then complete them by hand):\n{problems}");
    }

    /// <summary>The keys the reader reads as an enum, with the enum: the schema lists exactly the values the reader accepts.</summary>
    public static TheoryData<string, Type> EnumKeys => new()
    {
        { "mlplatform:cloud", typeof(CloudKind) },
        { "mlplatform:environment", typeof(DeploymentEnvironment) },
        { "mlplatform:nodePools[].role", typeof(NodeRole) },
        { "mlplatform:nodePools[].accelerator", typeof(Accelerator) },
        { "mlplatform:teams[].podSecurity", typeof(PodSecurityLevel) },
        { "mlplatform:namespaces.argo.podSecurity", typeof(PodSecurityLevel) },
        { "mlplatform:policies.mode", typeof(PolicyMode) },
        { "mlplatform:aws.nodeImage", typeof(NodeImageFamily) },
        { "mlplatform:aws.identity", typeof(WorkloadIdentityMode) },
        { "mlplatform:aws.loadBalancer.scheme", typeof(LoadBalancerScheme) },
        { "mlplatform:azure.nodeOs", typeof(AzureNodeOs) },
        { "mlplatform:azure.kubeloginMode", typeof(KubeloginMode) },
        { "mlplatform:gcp.releaseChannel", typeof(GkeReleaseChannel) },
    };

    [Theory]
    [MemberData(nameof(EnumKeys))]
    public void Enumerated_keys_list_exactly_the_values_the_reader_accepts(string key, Type type)
    {
        var schema = StackSchema.Resolve(StackSchema.Load(), key, out _, out _);
        Assert.NotNull(schema);
        var lower = typeof(ConfigReader).GetMethod(nameof(ConfigReader.Lower))!.MakeGenericMethod(type);
        var values = Enum.GetValues(type).Cast<object>().Select(v => (Lower: (string)lower.Invoke(null, [v])!, Name: v.ToString()!)).ToList();
        var listed = (schema["enum"] as JsonArray ?? []).Select(v => v!.GetValue<string>()).ToList();
        // Every value in the reader's spelling first; other spellings the reader accepts (it ignores case) may follow.
        Assert.Equal(values.Select(v => v.Lower), listed.Take(values.Count));
        Assert.All(listed, text => Assert.Contains(values, v => string.Equals(v.Lower, text, StringComparison.OrdinalIgnoreCase)
            || string.Equals(v.Name, text, StringComparison.OrdinalIgnoreCase)));
    }

    [Theory]
    [MemberData(nameof(StackFiles.Names), MemberType = typeof(StackFiles))]
    public void Every_stack_file_references_the_schema_and_validates_against_it(string stack)
    {
        var path = Path.Combine(RepositoryPaths.Root, $"Pulumi.{stack}.yaml");
        Assert.Contains(SchemaComment, File.ReadLines(path).Take(3));

        var results = Validate(StackConfigFile.ReadDocument(path));
        Assert.True(results.IsValid, $"Pulumi.{stack}.yaml does not validate against {StackSchema.RelativePath}:\n{Describe(results)}");
    }

    [Fact]
    public void The_schema_refuses_what_the_reader_refuses()
    {
        var document = StackConfigFile.ReadDocument(Path.Combine(RepositoryPaths.Root, "Pulumi.staging.yaml"));
        var config = (JsonObject)document["config"]!;
        config["mlplatform:nodepools"] = new JsonArray();
        Assert.False(Validate(document).IsValid);

        config.Remove("mlplatform:nodepools");
        config["mlplatform:cloud"] = "openstack";
        Assert.False(Validate(document).IsValid);

        config["mlplatform:cloud"] = "aws";
        config["aws:region"] = "us-east-1";
        Assert.True(Validate(document).IsValid, Describe(Validate(document)));
    }

    // Built once: the library registers a schema by its $id and refuses a second registration.
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromFile(StackSchema.FullPath));

    private static EvaluationResults Validate(JsonNode document) =>
        Schema.Value.Evaluate(System.Text.Json.JsonSerializer.SerializeToElement(document), new EvaluationOptions { OutputFormat = OutputFormat.List });

    private static string Describe(EvaluationResults results) => string.Join(
        "\n",
        (results.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"  {d.InstanceLocation}: {e.Value}")));
}
