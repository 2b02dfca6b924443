using System.Text.Json;
using System.Text.Json.Nodes;
using MlPlatform.Infra.Plan;
using Pulumi;
using Pulumi.Testing;
using Pulumi.Utilities;

namespace MlPlatform.Tests.Support;

/// <summary>
/// Runs resource constructors under the mock engine like <see cref="ComponentTest"/>, and also records each
/// resource's explicit <c>dependsOn</c> (which the mock engine's registrations do not carry) through a stack
/// transformation, so that tests can assert installation order.
/// </summary>
public static class DependencyRecorder
{
    /// <summary>Runs <paramref name="create"/> and returns the registrations and the dependency graph.</summary>
    public static async Task<(PlanMocks Mocks, DependencyGraph Graph)> RunAsync(Action create, PlanMocks? mocks = null)
    {
        mocks ??= new PlanMocks();
        var records = new List<(Resource Resource, InputList<Resource> DependsOn, bool Protect)>();
        RecordingStack.Body = create;
        RecordingStack.Records = records;
        try
        {
            await Deployment.TestAsync<RecordingStack>(mocks, new TestOptions { IsPreview = false });
        }
        finally
        {
            RecordingStack.Body = null;
            RecordingStack.Records = null;
        }

        var edges = new Dictionary<string, IReadOnlyList<string>>();
        var protectedResources = new HashSet<string>();
        foreach (var (resource, dependsOn, protect) in records)
        {
            var dependencies = await OutputUtilities.GetValueAsync(dependsOn.ToOutput());
            edges[Key(resource)] = [.. dependencies.Select(Key)];
            if (protect)
            {
                protectedResources.Add(Key(resource));
            }
        }

        return (mocks, new DependencyGraph(edges, protectedResources));
    }

    /// <summary>A registration's inputs as JSON.</summary>
    public static JsonObject Json(MockResourceArgs registration) =>
        JsonSerializer.SerializeToNode(registration.Inputs)!.AsObject();

    /// <summary>A values map (as built by the components) as JSON.</summary>
    public static JsonObject Json(IReadOnlyDictionary<string, object> values) =>
        JsonSerializer.SerializeToNode(values)!.AsObject();

    private static string Key(Resource resource) => $"{resource.GetResourceType()}::{resource.GetResourceName()}";

    /// <summary>The stack the recorder runs in.</summary>
    public sealed class RecordingStack : Stack
    {
        /// <summary>Runs the body with a transformation that records dependencies.</summary>
        public RecordingStack()
            : base(new StackOptions { ResourceTransformations = { Record } })
        {
            Body?.Invoke();
        }

        internal static Action? Body { get; set; }

        internal static List<(Resource Resource, InputList<Resource> DependsOn, bool Protect)>? Records { get; set; }

        private static ResourceTransformationResult? Record(ResourceTransformationArgs args)
        {
            Records?.Add((args.Resource, args.Options.DependsOn, args.Options.Protect == true));
            return null;
        }
    }
}

/// <summary>Explicit dependencies by resource, keyed <c>type::name</c>, and which resources are protected.</summary>
public sealed class DependencyGraph(IReadOnlyDictionary<string, IReadOnlyList<string>> edges, IReadOnlySet<string> protectedResources)
{
    /// <summary>True when the resource was registered with <c>protect: true</c>.</summary>
    public bool IsProtected(string type, string name) => protectedResources.Contains($"{type}::{name}");

    /// <summary>The direct explicit dependencies of a resource.</summary>
    public IReadOnlyList<string> Of(string type, string name) =>
        edges.TryGetValue($"{type}::{name}", out var found) ? found : throw new KeyNotFoundException($"{type}::{name} was not registered");

    /// <summary>True when the resource depends directly on the other.</summary>
    public bool DependsOn(string type, string name, string otherType, string otherName) =>
        Of(type, name).Contains($"{otherType}::{otherName}");
}
