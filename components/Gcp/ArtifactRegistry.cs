using System.Collections.Immutable;
using Pulumi;
using Pulumi.Gcp.ArtifactRegistry;
using Pulumi.Gcp.ArtifactRegistry.Inputs;

namespace MlPlatform.Components.Gcp;

/// <summary>Inputs of <see cref="ArtifactRegistry"/>.</summary>
public sealed class ArtifactRegistryArgs
{
    /// <summary>The repository ID.</summary>
    public required string RepositoryId { get; init; }

    /// <summary>The project.</summary>
    public required string ProjectId { get; init; }

    /// <summary>The region of the repository (the cluster's: pulls stay in the region).</summary>
    public required string Location { get; init; }

    /// <summary>Tags cannot be moved once pushed (production): an image reference always means the same image.</summary>
    public bool ImmutableTags { get; init; }

    /// <summary>The members that may pull (<c>roles/artifactregistry.reader</c> on this repository only): the nodes.</summary>
    public ImmutableArray<Input<string>> Readers { get; init; } = [];
}

/// <summary>
/// A Docker repository in Artifact Registry for the platform's images (models, pipeline steps), protected from
/// deletion, readable by the nodes only.
/// </summary>
public sealed class ArtifactRegistry : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:gcp:ArtifactRegistry";

    /// <summary>The role of the readers.</summary>
    public const string ReaderRole = "roles/artifactregistry.reader";

    /// <summary>Creates the repository.</summary>
    public ArtifactRegistry(string name, ArtifactRegistryArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var repository = new Repository(name, new RepositoryArgs
        {
            RepositoryId = args.RepositoryId,
            Project = args.ProjectId,
            Location = args.Location,
            Format = "DOCKER",
            Description = "Images of the ML platform: models, serving runtimes and pipeline steps",
            DockerConfig = new RepositoryDockerConfigArgs { ImmutableTags = args.ImmutableTags },
        }, new CustomResourceOptions { Parent = this, Protect = true });
        RepositoryUrl = $"{args.Location}-docker.pkg.dev/{args.ProjectId}/{args.RepositoryId}";
        Host = $"{args.Location}-docker.pkg.dev";

        Grants = [.. args.Readers.Select((member, i) => (Resource)new RepositoryIamMember($"{name}-reader-{i}", new RepositoryIamMemberArgs
        {
            Project = args.ProjectId,
            Location = args.Location,
            Repository = repository.RepositoryId,
            Role = ReaderRole,
            Member = member,
        }, new CustomResourceOptions { Parent = this }))];

        RegisterOutputs(new Dictionary<string, object?> { ["url"] = RepositoryUrl });
    }

    /// <summary>The repository's image prefix, <c>&lt;region&gt;-docker.pkg.dev/&lt;project&gt;/&lt;repository&gt;</c>.</summary>
    public string RepositoryUrl { get; }

    /// <summary>The registry host (what an admission policy allows).</summary>
    public string Host { get; }

    /// <summary>The reader grants.</summary>
    public ImmutableArray<Resource> Grants { get; }
}
