namespace MlPlatform.Stacks.Configuration;

/// <summary>One platform StorageClass as configured (<c>mlplatform:storage.&lt;class&gt;</c>).</summary>
/// <param name="Enabled">The platform creates the class (from the cloud's spec).</param>
/// <param name="Name">
/// The class name claims use: the created class's name, or, when not created, a class the cluster already has;
/// null when not created and none is named (claims then take the cluster's default).
/// </param>
public sealed record StorageClassChoice(bool Enabled, string? Name);

/// <summary>The platform's StorageClasses (<c>mlplatform:storage</c>).</summary>
public sealed record StorageConfig
{
    /// <summary>The name of the encrypted SSD class that is the cluster default.</summary>
    public const string DefaultClassName = "platform-ssd";

    /// <summary>The name of the high-IOPS class for model-serving caches.</summary>
    public const string FastClassName = "platform-fast";

    /// <summary>The name of the ReadWriteMany class of shared datasets and workspaces.</summary>
    public const string SharedClassName = "platform-shared";

    /// <summary>The encrypted SSD class, the cluster default: every platform volume without a more specific need.</summary>
    public required StorageClassChoice Default { get; init; }

    /// <summary>The high-IOPS class (model-serving caches).</summary>
    public required StorageClassChoice Fast { get; init; }

    /// <summary>The ReadWriteMany class (shared datasets, the training pipeline's shared workspace).</summary>
    public required StorageClassChoice Shared { get; init; }

    /// <summary>The defaults: every class created on the clouds; none on an existing cluster, whose provisioners are unknown.</summary>
    public static StorageConfig For(CloudKind cloud)
    {
        var create = cloud != CloudKind.Existing;
        return new StorageConfig
        {
            Default = new(create, create ? DefaultClassName : null),
            Fast = new(create, create ? FastClassName : null),
            Shared = new(create, create ? SharedClassName : null),
        };
    }
}
