using System.Collections.Concurrent;
using System.Collections.Immutable;
using Pulumi;
using Pulumi.Utilities;

namespace MlPlatform.Tests.Support;

/// <summary>
/// Records the explicit <c>DependsOn</c> of every resource registered below the options it is attached to, through a
/// (legacy) resource transformation, which the mock engine runs like the real one and which children inherit.
/// </summary>
public sealed class TransformationDependencyRecorder
{
    private readonly ConcurrentQueue<(Resource Resource, Output<ImmutableArray<Resource>> DependsOn)> _seen = new();
    private Dictionary<string, ImmutableArray<string>>? _resolved;

    /// <summary>The transformation to add to the options under test.</summary>
    public ResourceTransformation Transformation => args =>
    {
        _seen.Enqueue((args.Resource, args.Options.DependsOn.ToOutput()));
        return null;
    };

    /// <summary>Options carrying the recorder.</summary>
    public ComponentResourceOptions Options(ProviderResource? provider = null)
    {
        var options = new ComponentResourceOptions { ResourceTransformations = { Transformation } };
        if (provider is not null)
        {
            options.Provider = provider;
        }

        return options;
    }

    /// <summary>Resolves the recorded dependencies; call after the mock run.</summary>
    public async Task ResolveAsync()
    {
        var resolved = new Dictionary<string, ImmutableArray<string>>();
        foreach (var (resource, dependsOn) in _seen)
        {
            var resources = await OutputUtilities.GetValueAsync(dependsOn);
            resolved[Key(resource)] = [.. resources.Select(Key)];
        }

        _resolved = resolved;
    }

    /// <summary>The direct dependencies (<c>type::name</c>) of the resource <c>type::name</c>.</summary>
    public ImmutableArray<string> Of(string type, string name) =>
        (_resolved ?? throw new InvalidOperationException("Call ResolveAsync first.")).GetValueOrDefault($"{type}::{name}", []);

    /// <summary>True when the first resource depends on the second, directly or through other resources.</summary>
    public bool DependsOn(string dependentType, string dependentName, string dependencyType, string dependencyName)
    {
        var target = $"{dependencyType}::{dependencyName}";
        var visited = new HashSet<string>();
        var queue = new Queue<string>([$"{dependentType}::{dependentName}"]);
        while (queue.Count > 0)
        {
            var current = queue.Dequeue();
            foreach (var next in (_resolved ?? throw new InvalidOperationException("Call ResolveAsync first.")).GetValueOrDefault(current, []))
            {
                if (next == target)
                {
                    return true;
                }

                if (visited.Add(next))
                {
                    queue.Enqueue(next);
                }
            }
        }

        return false;
    }

    private static string Key(Resource resource) => $"{resource.GetResourceType()}::{resource.GetResourceName()}";
}
