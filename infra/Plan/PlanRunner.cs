using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlPlatform.Stacks;
using Pulumi;
using Pulumi.Testing;
using Pulumi.Utilities;
using DictionaryEntry = System.Collections.DictionaryEntry;
using IDictionary = System.Collections.IDictionary;
using IEnumerable = System.Collections.IEnumerable;

namespace MlPlatform.Infra.Plan;

/// <summary>
/// Runs the platform program in-process under Pulumi's mock engine, with a stack's configuration, and collects
/// every registered resource with its parent, provider and inputs. No CLI, no credentials, no cloud calls.
/// </summary>
public static class PlanRunner
{
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    /// <summary>Plans the stack whose configuration is given.</summary>
    /// <exception cref="RunException">When the program fails, e.g. on invalid configuration.</exception>
    public static Task<PlanResult> RunAsync(StackConfigFile config, PlanMocks? mocks = null) =>
        RunAsync(config.ProjectName, config.StackName, config.ToPulumiConfigJson(), config.ToSecretKeysJson(), mocks ?? MocksFor(config));

    /// <summary>Plans a stack from raw <c>PULUMI_CONFIG</c> JSON (what the tests use).</summary>
    public static Task<PlanResult> RunAsync(string project, string stack, string pulumiConfigJson, string secretKeysJson, PlanMocks mocks) =>
        RunAsync(project, stack, pulumiConfigJson, secretKeysJson, mocks, PlatformProgram.Run);

    /// <summary>Plans another program than the platform's (for tests of the plan itself).</summary>
    internal static async Task<PlanResult> RunAsync(
        string project, string stack, string pulumiConfigJson, string secretKeysJson, PlanMocks mocks, Func<IDictionary<string, object?>> program)
    {
        var secrets = new PlanSecrets(ConfigSecretValues(pulumiConfigJson, secretKeysJson));
        // The Pulumi SDK reads configuration from the process environment when a run starts: one run at a time.
        await OneAtATime.WaitAsync().ConfigureAwait(false);
        try
        {
            Environment.SetEnvironmentVariable("PULUMI_CONFIG", pulumiConfigJson);
            Environment.SetEnvironmentVariable("PULUMI_CONFIG_SECRET_KEYS", secretKeysJson);
            var recorder = new ParentRecorder();
            PlanStack.Recorder = recorder;
            PlanStack.Program = program;
            ImmutableArray<Resource> resources;
            try
            {
                resources = await Deployment.TestAsync<PlanStack>(
                    mocks,
                    new TestOptions { ProjectName = project, StackName = stack, IsPreview = false }).ConfigureAwait(false);
            }
            catch (Exception e) when ((e is RunException or AggregateException) && secrets.RedactText(Describe(e)) is var redacted && redacted != Describe(e))
            {
                // A failure's message may quote a value: never a secret of the stack's configuration.
                throw new RunException(redacted);
            }

            return await CollectAsync(project, stack, resources, recorder, mocks, secrets).ConfigureAwait(false);
        }
        finally
        {
            PlanStack.Recorder = null;
            PlanStack.Program = PlatformProgram.Run;
            Environment.SetEnvironmentVariable("PULUMI_CONFIG", null);
            Environment.SetEnvironmentVariable("PULUMI_CONFIG_SECRET_KEYS", null);
            OneAtATime.Release();
        }
    }

    /// <summary>Mocks whose fake cloud is in the stack's region.</summary>
    public static PlanMocks MocksFor(StackConfigFile config) =>
        new(config.Values.GetValueOrDefault($"{config.ProjectName}:region") is { Length: > 0 } region ? region : "us-east-1");

    /// <summary>The values of the secret keys of a configuration (<c>PULUMI_CONFIG</c>, <c>PULUMI_CONFIG_SECRET_KEYS</c>).</summary>
    internal static IEnumerable<string> ConfigSecretValues(string pulumiConfigJson, string secretKeysJson)
    {
        var values = JsonSerializer.Deserialize<Dictionary<string, string>>(pulumiConfigJson) ?? [];
        var keys = JsonSerializer.Deserialize<string[]>(secretKeysJson) ?? [];
        return keys.Select(k => values.GetValueOrDefault(k)).OfType<string>();
    }

    /// <summary>The message of a failed run: every inner message of an aggregate, one per line.</summary>
    internal static string Describe(Exception e) => e is AggregateException aggregate
        ? string.Join(Environment.NewLine, aggregate.Flatten().InnerExceptions.Select(i => i.Message))
        : e.Message;

    private static async Task<PlanResult> CollectAsync(
        string project, string stack, ImmutableArray<Resource> resources, ParentRecorder recorder, PlanMocks mocks, PlanSecrets secrets)
    {
        var urns = new Dictionary<Resource, string>(ReferenceEqualityComparer.Instance);
        foreach (var resource in resources)
        {
            urns[resource] = await OutputUtilities.GetValueAsync(resource.Urn).ConfigureAwait(false);
        }

        var registrations = mocks.Registrations
            .GroupBy(r => (r.Type, r.Name))
            .ToDictionary(g => g.Key, g => new Queue<Pulumi.Testing.MockResourceArgs>(g));

        var stackResource = resources.Single(r => r is Stack);
        var planned = ImmutableArray.CreateBuilder<PlannedResource>();
        planned.Add(new PlannedResource(urns[stackResource], stackResource.GetResourceType(), stackResource.GetResourceName(), false, null, null, []));
        foreach (var resource in resources.Where(r => r is not Stack))
        {
            var type = resource.GetResourceType();
            var name = resource.GetResourceName();
            var args = registrations.TryGetValue((type, name), out var queue) && queue.Count > 0 ? queue.Dequeue() : null;
            var parent = recorder.ParentOf(resource) ?? stackResource;
            var inputs = args is null ? [] : (JsonObject)ToJson(args.Inputs, urns)!;
            var secretOutputs = recorder.SecretOutputsOf(resource);
            PlanSecrets.RedactPaths(inputs, await secrets.InputsOfAsync(recorder.ArgsOf(resource), secretOutputs).ConfigureAwait(false));
            await secrets.OutputsOfAsync(resource, secretOutputs, inputs).ConfigureAwait(false);
            planned.Add(new PlannedResource(
                urns[resource],
                type,
                name,
                resource is CustomResource,
                urns.GetValueOrDefault(parent, urns[stackResource]),
                string.IsNullOrEmpty(args?.Provider) ? null : args.Provider,
                inputs,
                recorder.IsProtected(resource),
                await recorder.DependenciesOfAsync(resource, urns).ConfigureAwait(false)));
        }

        var outputs = new JsonObject();
        foreach (var (key, value) in PlanStack.LastOutputs.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            outputs[key] = await ResolveAsync(value, urns, secrets).ConfigureAwait(false);
        }

        // Last, once every secret value is known: wherever else a secret value appears, it is hidden too.
        foreach (var resource in planned)
        {
            secrets.RedactValues(resource.Inputs);
        }

        secrets.RedactValues(outputs);

        var cloud = outputs["cloud"]?.GetValue<string>() ?? "unknown";
        return new PlanResult(project, stack, cloud, InTreeOrder(planned), outputs);
    }

    /// <summary>
    /// The resources in an order that does not depend on registration (the real SDK registers concurrently): the
    /// stack, then depth first, every resource before its children, siblings by URN (ordinal). Resources whose
    /// parent is not in the plan come last, by URN.
    /// </summary>
    internal static ImmutableArray<PlannedResource> InTreeOrder(IReadOnlyList<PlannedResource> resources)
    {
        var stack = resources[0];
        var children = resources.Skip(1)
            .GroupBy(r => r.Parent ?? string.Empty, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(r => r.Urn, StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        var ordered = ImmutableArray.CreateBuilder<PlannedResource>(resources.Count);
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<PlannedResource>();
        pending.Push(stack);
        while (pending.TryPop(out var resource))
        {
            if (!visited.Add(resource.Urn))
            {
                continue;
            }

            ordered.Add(resource);
            for (var i = (children.GetValueOrDefault(resource.Urn)?.Count ?? 0) - 1; i >= 0; i--)
            {
                pending.Push(children[resource.Urn][i]);
            }
        }

        ordered.AddRange(resources.Skip(1).Where(r => !visited.Contains(r.Urn)).OrderBy(r => r.Urn, StringComparer.Ordinal));
        return ordered.ToImmutable();
    }

    /// <summary>The JSON form of a value as the mock engine received it.</summary>
    internal static JsonNode? ToJson(object? value, IReadOnlyDictionary<Resource, string> urns) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        double d when d == Math.Floor(d) && Math.Abs(d) < 1e15 => JsonValue.Create((long)d),
        double d => JsonValue.Create(d),
        int i => JsonValue.Create(i),
        Resource r => JsonValue.Create(urns.GetValueOrDefault(r, r.GetResourceName())),
        IDictionary<string, object> map => new JsonObject(map.OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => KeyValuePair.Create(e.Key, ToJson(e.Value, urns)))),
        IEnumerable list => new JsonArray([.. list.Cast<object?>().Select(v => ToJson(v, urns))]),
        _ => JsonValue.Create(value.ToString()),
    };

    private static async Task<JsonNode?> ResolveAsync(object? value, IReadOnlyDictionary<Resource, string> urns, PlanSecrets secrets)
    {
        if (value is null)
        {
            return null;
        }

        var type = value.GetType();
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Output<>))
        {
            var valueType = type.GetGenericArguments()[0];
            var inner = await InvokeGeneric<object?>(typeof(OutputUtilities), nameof(OutputUtilities.GetValueAsync), valueType, value).ConfigureAwait(false);
            if (await InvokeGeneric<bool>(typeof(Output), nameof(Output.IsSecretAsync), valueType, value).ConfigureAwait(false))
            {
                secrets.AddValue(inner);
                return JsonValue.Create(StackConfigFile.SecretPlaceholder);
            }

            return await ResolveAsync(inner, urns, secrets).ConfigureAwait(false);
        }

        if (value is IDictionary dictionary and not IDictionary<string, object>)
        {
            // Keys sorted, as everywhere in the plan: two runs give the same document byte for byte.
            var result = new JsonObject();
            foreach (var entry in dictionary.Cast<DictionaryEntry>().OrderBy(e => e.Key.ToString(), StringComparer.Ordinal))
            {
                result[entry.Key.ToString()!] = await ResolveAsync(entry.Value, urns, secrets).ConfigureAwait(false);
            }

            return result;
        }

        if (value is IEnumerable list and not string and not IDictionary)
        {
            var array = new JsonArray();
            foreach (var item in list)
            {
                array.Add(await ResolveAsync(item, urns, secrets).ConfigureAwait(false));
            }

            return array;
        }

        return ToJson(value, urns);
    }

    internal static async Task<T> InvokeGeneric<T>(Type owner, string method, Type typeArgument, object argument)
    {
        var generic = owner.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Single(m => m.Name == method && m.IsGenericMethodDefinition && m.GetParameters().Length == 1
                && m.GetParameters()[0].ParameterType.IsGenericType
                && m.GetParameters()[0].ParameterType.GetGenericTypeDefinition() == typeof(Output<>));
        var task = (Task)generic.MakeGenericMethod(typeArgument).Invoke(null, [argument])!;
        await task.ConfigureAwait(false);
        return (T)task.GetType().GetProperty("Result")!.GetValue(task)!;
    }

    /// <summary>
    /// Records each resource's parent, protection, dependencies, arguments and declared secret outputs as
    /// registrations pass through the stack's transformation (the mock engine does not hand resource options to the
    /// mocks, and hands them inputs with secrets unwrapped).
    /// </summary>
    internal sealed class ParentRecorder
    {
        private readonly ConcurrentDictionary<Resource, Resource> _parents = new(ReferenceEqualityComparer.Instance);
        private readonly ConcurrentDictionary<Resource, ResourceArgs> _args = new(ReferenceEqualityComparer.Instance);
        private readonly ConcurrentDictionary<Resource, ImmutableHashSet<string>> _secretOutputs = new(ReferenceEqualityComparer.Instance);
        private readonly ConcurrentDictionary<Resource, bool> _protected = new(ReferenceEqualityComparer.Instance);
        private readonly ConcurrentDictionary<Resource, InputList<Resource>> _dependsOn = new(ReferenceEqualityComparer.Instance);

        public ResourceTransformationResult? Record(ResourceTransformationArgs args)
        {
            if (args.Options.Parent is { } parent)
            {
                _parents[args.Resource] = parent;
            }

            if (args.Options.Protect == true)
            {
                _protected[args.Resource] = true;
            }

            _dependsOn[args.Resource] = args.Options.DependsOn;
            _args[args.Resource] = args.Args;
            if (args.Options is CustomResourceOptions { AdditionalSecretOutputs.Count: > 0 } custom)
            {
                _secretOutputs[args.Resource] = [.. custom.AdditionalSecretOutputs];
            }

            return null;
        }

        public ResourceArgs? ArgsOf(Resource resource) => _args.GetValueOrDefault(resource);

        public ImmutableHashSet<string> SecretOutputsOf(Resource resource) =>
            _secretOutputs.GetValueOrDefault(resource) ?? ImmutableHashSet<string>.Empty;

        public Resource? ParentOf(Resource resource) => _parents.GetValueOrDefault(resource);

        public bool IsProtected(Resource resource) => _protected.ContainsKey(resource);

        public async Task<ImmutableArray<string>> DependenciesOfAsync(Resource resource, IReadOnlyDictionary<Resource, string> urns)
        {
            if (!_dependsOn.TryGetValue(resource, out var dependsOn))
            {
                return [];
            }

            Output<ImmutableArray<Resource>> resolved = dependsOn;
            var resources = await OutputUtilities.GetValueAsync(resolved).ConfigureAwait(false);
            return [.. resources.Select(r => urns.GetValueOrDefault(r, r.GetResourceName()))];
        }
    }
}

/// <summary>The stack the plan runs: the platform program, with a transformation that records parents.</summary>
public sealed class PlanStack : Stack
{
    /// <summary>Runs the platform program.</summary>
    public PlanStack()
        : base(new StackOptions { ResourceTransformations = { args => Recorder?.Record(args) } })
    {
        LastOutputs = Program();
    }

    internal static PlanRunner.ParentRecorder? Recorder { get; set; }

    internal static Func<IDictionary<string, object?>> Program { get; set; } = PlatformProgram.Run;

    internal static IDictionary<string, object?> LastOutputs { get; private set; } = new Dictionary<string, object?>();
}
