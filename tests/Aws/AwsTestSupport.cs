using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json.Nodes;
using MlPlatform.Infra.Plan;
using Pulumi;
using Pulumi.Testing;

namespace MlPlatform.Tests.Aws;

/// <summary>Helpers of the AWS tests: registrations as JSON, and the options each resource was created with.</summary>
internal static class AwsTestSupport
{
    /// <summary>The inputs of a registration as JSON.</summary>
    public static JsonObject Json(this MockResourceArgs registration) =>
        (JsonObject)PlanRunner.ToJson(registration.Inputs, new Dictionary<Resource, string>())!;

    /// <summary>The inputs of the single registration of a type and name, as JSON.</summary>
    public static JsonObject Inputs(this PlanMocks mocks, string type, string name) => mocks.Single(type, name).Json();

    /// <summary>A whole number of a JSON value, whatever its backing type (the mock engine's numbers are doubles).</summary>
    public static int AsInt(this JsonNode node) =>
        node is JsonValue value && value.TryGetValue<long>(out var number) ? (int)number : node.GetValue<int>();

    /// <summary>Parses a JSON string input (IAM policies, kubeconfigs).</summary>
    public static JsonNode ParseString(JsonNode? node) => JsonNode.Parse(node!.GetValue<string>())!;
}

/// <summary>
/// Records the options every resource of a component is created with, through a (legacy) resource
/// transformation on the component: those run under the mock engine, and they see Protect and DependsOn, which the
/// mock registrations do not carry.
/// </summary>
internal sealed class OptionsRecorder
{
    private readonly ConcurrentQueue<(Resource Resource, ResourceOptions Options)> _seen = new();

    /// <summary>Options for the component under test with the recording transformation.</summary>
    public ComponentResourceOptions Options(ComponentResourceOptions? options = null)
    {
        options ??= new ComponentResourceOptions();
        options.ResourceTransformations.Add(args =>
        {
            _seen.Enqueue((args.Resource, args.Options));
            return null;
        });
        return options;
    }

    /// <summary>The options of the resource of a type and name.</summary>
    public ResourceOptions Of(string type, string name) =>
        _seen.Single(s => s.Resource.GetResourceType() == type && s.Resource.GetResourceName() == name).Options;

    /// <summary>True when the resource was created protected.</summary>
    public bool IsProtected(string type, string name) => Of(type, name).Protect == true;

    /// <summary>The resources a resource explicitly depends on.</summary>
    public async Task<ImmutableArray<Resource>> DependenciesOf(string type, string name)
    {
        var result = ImmutableArray.CreateBuilder<Resource>();
        await foreach (var input in Of(type, name).DependsOn)
        {
            result.Add(await input.ToOutput().GetValueAsync());
        }

        return result.ToImmutable();
    }

    /// <summary>Every recorded resource of a type.</summary>
    public IEnumerable<Resource> OfType(string type) => _seen.Where(s => s.Resource.GetResourceType() == type).Select(s => s.Resource);
}

/// <summary>Reads an output's value in a test.</summary>
internal static class OutputTestExtensions
{
    public static Task<T> GetValueAsync<T>(this Output<T> output) => Pulumi.Utilities.OutputUtilities.GetValueAsync(output);
}
