using System.Collections.Immutable;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Stacks.Configuration;

namespace MlPlatform.Stacks.Shared;

/// <summary>The kinds of volume the platform asks for.</summary>
public enum StorageTier
{
    /// <summary>The encrypted SSD default.</summary>
    Default,

    /// <summary>High IOPS (model-serving caches).</summary>
    Fast,

    /// <summary>ReadWriteMany (shared datasets and workspaces).</summary>
    Shared,
}

/// <summary>
/// Which StorageClasses a stack creates and which class each platform volume names: the configured name of a
/// class the cloud offers, or the configured name of a class the cluster already has.
/// </summary>
public static class StoragePlan
{
    /// <summary>The classes the platform creates on this stack.</summary>
    public static ImmutableArray<PlatformStorageClass> Classes(PlatformConfig config, CloudIntegration cloud) =>
    [
        .. Tiers()
            .Select(tier => (Choice: Choice(config.Storage, tier), Spec: Spec(cloud.StorageClasses, tier), Tier: tier))
            .Where(c => c.Choice.Enabled && c.Choice.Name is not null && c.Spec is not null)
            .Select(c => new PlatformStorageClass(c.Choice.Name!, c.Tier == StorageTier.Default, c.Spec!)),
    ];

    /// <summary>
    /// The class a volume of a tier names: the tier's class when the platform creates it or names an existing one.
    /// Otherwise the fast tier falls back to the default class, and the shared tier to null (the caller keeps a
    /// single-node volume on the default class); the default tier's null leaves claims to the cluster's default.
    /// </summary>
    public static string? ClassFor(PlatformConfig config, CloudIntegration cloud, StorageTier tier)
    {
        var choice = Choice(config.Storage, tier);
        var offered = choice.Enabled ? Spec(cloud.StorageClasses, tier) is not null : choice.Name is not null;
        if (offered)
        {
            return choice.Name;
        }

        return tier switch
        {
            StorageTier.Default => null,
            StorageTier.Fast => ClassFor(config, cloud, StorageTier.Default),
            _ => null,
        };
    }

    /// <summary>True when shared volumes of the stack can be mounted by many nodes at once.</summary>
    public static bool SharedIsReadWriteMany(PlatformConfig config, CloudIntegration cloud) => ClassFor(config, cloud, StorageTier.Shared) is not null;

    private static IEnumerable<StorageTier> Tiers() => [StorageTier.Default, StorageTier.Fast, StorageTier.Shared];

    private static StorageClassChoice Choice(StorageConfig storage, StorageTier tier) => tier switch
    {
        StorageTier.Default => storage.Default,
        StorageTier.Fast => storage.Fast,
        _ => storage.Shared,
    };

    private static StorageClassSpec? Spec(CloudStorageClasses classes, StorageTier tier) => tier switch
    {
        StorageTier.Default => classes.Default,
        StorageTier.Fast => classes.Fast,
        _ => classes.Shared,
    };
}
