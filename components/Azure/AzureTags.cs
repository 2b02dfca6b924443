using System.Collections.Immutable;
using Pulumi;

namespace MlPlatform.Components.Azure;

/// <summary>Azure tags from the platform's tag set (Azure tag names cannot hold <c>/</c>, so keys are plain words).</summary>
public static class AzureTags
{
    /// <summary>The tags of a resource.</summary>
    public static InputMap<string> Of(ImmutableDictionary<string, string> tags)
    {
        var map = new InputMap<string>();
        foreach (var (key, value) in tags.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            map.Add(key, value);
        }

        return map;
    }
}
