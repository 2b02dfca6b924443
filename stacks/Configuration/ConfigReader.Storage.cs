using MlPlatform.Policies;

namespace MlPlatform.Stacks.Configuration;

/// <summary>Reading and validation of <c>mlplatform:storage</c>: the platform's StorageClasses.</summary>
public static partial class ConfigReader
{
    private static readonly string[] StorageClassKeys = ["default", "fast", "shared"];

    private static StorageConfig ReadStorage(JsonConfigNode? node, CloudKind? cloud, List<ConfigProblem> problems)
    {
        var defaults = StorageConfig.For(cloud ?? CloudKind.Existing);
        if (node is null)
        {
            return defaults;
        }

        var choices = new Dictionary<string, StorageClassChoice>(StringComparer.Ordinal);
        foreach (var key in StorageClassKeys)
        {
            var fallback = key switch
            {
                "default" => defaults.Default,
                "fast" => defaults.Fast,
                _ => defaults.Shared,
            };
            choices[key] = ReadStorageClass(node.Object(key), key, fallback, cloud);
        }

        node.RejectUnknownKeys();

        var created = choices.Where(c => c.Value.Enabled && c.Value.Name is not null).GroupBy(c => c.Value.Name!, StringComparer.Ordinal);
        foreach (var clash in created.Where(g => g.Count() > 1))
        {
            node.Problem(clash.Last().Key, $"'{clash.Key}' is already the name of the {clash.First().Key} class; each class the platform creates needs its own name");
        }

        return new StorageConfig { Default = choices["default"], Fast = choices["fast"], Shared = choices["shared"] };
    }

    private static StorageClassChoice ReadStorageClass(JsonConfigNode? node, string key, StorageClassChoice fallback, CloudKind? cloud)
    {
        if (node is null)
        {
            return fallback;
        }

        var enabled = node.Bool("enabled") ?? fallback.Enabled;
        var name = node.String("name");
        node.RejectUnknownKeys();

        if (name is not null && !KubernetesNames.IsDns1123Subdomain(name))
        {
            node.Problem("name", $"'{name}' is not a valid StorageClass name");
        }

        if (enabled && cloud == CloudKind.Existing)
        {
            node.Problem("enabled", $"the platform creates the {key} class only on a cloud it knows the CSI driver of; on an existing cluster set enabled: false and name the cluster's own class");
        }

        // Switched off without a name: claims take the cluster's default class.
        return new StorageClassChoice(enabled, name ?? (enabled ? fallback.Name ?? StorageConfig.DefaultClassName : null));
    }
}
