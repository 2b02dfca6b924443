using System.Collections.Immutable;
using Pulumi;
using Pulumi.Gcp.Kms;

namespace MlPlatform.Components.Gcp;

/// <summary>One key of a <see cref="KeyRing"/>.</summary>
/// <param name="Name">The key's name in the ring, e.g. <c>gke-secrets</c>.</param>
/// <param name="Encrypters">The members (<c>serviceAccount:...</c>) that encrypt and decrypt with it: the Google service agents that use it.</param>
public sealed record KeySpec(string Name, ImmutableArray<Input<string>> Encrypters);

/// <summary>Inputs of <see cref="KeyRing"/>.</summary>
public sealed class KeyRingArgs
{
    /// <summary>The key ring's name (key rings can never be deleted: a new stack needs a new name).</summary>
    public required string Name { get; init; }

    /// <summary>The project.</summary>
    public required string ProjectId { get; init; }

    /// <summary>The location, the region of the resources the keys protect.</summary>
    public required string Location { get; init; }

    /// <summary>The keys.</summary>
    public required ImmutableArray<KeySpec> Keys { get; init; }

    /// <summary>How often a new key version becomes primary.</summary>
    public string RotationPeriod { get; init; } = "7776000s";
}

/// <summary>
/// A Cloud KMS key ring with symmetric keys that rotate every 90 days, each usable only by the service agents it
/// names (<c>roles/cloudkms.cryptoKeyEncrypterDecrypter</c> on the key, not on the project). The keys are protected:
/// destroying one makes what it encrypted unreadable.
/// </summary>
public sealed class KeyRing : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:gcp:KeyRing";

    /// <summary>The role of a key's users.</summary>
    public const string EncrypterRole = "roles/cloudkms.cryptoKeyEncrypterDecrypter";

    /// <summary>Creates the ring and its keys.</summary>
    public KeyRing(string name, KeyRingArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var ring = new Pulumi.Gcp.Kms.KeyRing(name, new Pulumi.Gcp.Kms.KeyRingArgs
        {
            Name = args.Name,
            Project = args.ProjectId,
            Location = args.Location,
        }, new CustomResourceOptions { Parent = this });
        KeyRingId = ring.Id;

        var keys = ImmutableDictionary.CreateBuilder<string, Output<string>>();
        var grants = new List<Resource>();
        foreach (var spec in args.Keys)
        {
            var key = new CryptoKey($"{name}-{spec.Name}", new CryptoKeyArgs
            {
                Name = spec.Name,
                KeyRing = ring.Id,
                Purpose = "ENCRYPT_DECRYPT",
                RotationPeriod = args.RotationPeriod,
                // The longest wait before a destroyed version is gone: time to notice and restore it.
                DestroyScheduledDuration = "2592000s",
            }, new CustomResourceOptions { Parent = this, Protect = true });
            keys[spec.Name] = key.Id;

            for (var i = 0; i < spec.Encrypters.Length; i++)
            {
                grants.Add(new CryptoKeyIAMMember($"{name}-{spec.Name}-{i}", new CryptoKeyIAMMemberArgs
                {
                    CryptoKeyId = key.Id,
                    Role = EncrypterRole,
                    Member = spec.Encrypters[i],
                }, new CustomResourceOptions { Parent = this }));
            }
        }

        KeyIds = keys.ToImmutable();
        Grants = [.. grants];
        RegisterOutputs(new Dictionary<string, object?>
        {
            ["keyRing"] = KeyRingId,
            ["keys"] = Output.All(KeyIds.Values),
        });
    }

    /// <summary>The key ring's ID.</summary>
    public Output<string> KeyRingId { get; }

    /// <summary>The keys' IDs (<c>projects/.../keyRings/.../cryptoKeys/&lt;name&gt;</c>), by name.</summary>
    public ImmutableDictionary<string, Output<string>> KeyIds { get; }

    /// <summary>The grants to the service agents: what uses a key must wait for them.</summary>
    public ImmutableArray<Resource> Grants { get; }

    /// <summary>The ID of the key of a name.</summary>
    public Output<string> Key(string keyName) => KeyIds[keyName];
}
