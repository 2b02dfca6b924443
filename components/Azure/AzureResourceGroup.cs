using System.Collections.Immutable;
using Pulumi;
using Pulumi.AzureNative.Resources;

namespace MlPlatform.Components.Azure;

/// <summary>Inputs of <see cref="AzureResourceGroup"/>.</summary>
public sealed class AzureResourceGroupArgs
{
    /// <summary>The resource group's name.</summary>
    public required string Name { get; init; }

    /// <summary>The Azure location.</summary>
    public required string Location { get; init; }

    /// <summary>Tags.</summary>
    public ImmutableDictionary<string, string> Tags { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// The resource group every Azure resource of the stack lives in. Protected: deleting a resource group deletes the
/// database, the vaults and the storage inside it at once.
/// </summary>
public sealed class AzureResourceGroup : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:azure:ResourceGroup";

    /// <summary>Creates the resource group.</summary>
    public AzureResourceGroup(string name, AzureResourceGroupArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var group = new ResourceGroup(name, new ResourceGroupArgs
        {
            ResourceGroupName = args.Name,
            Location = args.Location,
            Tags = AzureTags.Of(args.Tags),
        }, new CustomResourceOptions { Parent = this, Protect = true });
        ResourceGroupName = group.Name;
        Id = group.Id;
        Location = args.Location;

        RegisterOutputs(new Dictionary<string, object?> { ["name"] = ResourceGroupName, ["id"] = Id });
    }

    /// <summary>The resource group's name.</summary>
    public Output<string> ResourceGroupName { get; }

    /// <summary>The resource group's id.</summary>
    public Output<string> Id { get; }

    /// <summary>The location.</summary>
    public string Location { get; }
}
