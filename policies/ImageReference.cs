namespace MlPlatform.Policies;

/// <summary>A container image reference split as the container runtime and Kyverno read it.</summary>
/// <param name="Registry">The registry host (<c>docker.io</c> when the reference names none).</param>
/// <param name="Repository">The repository path.</param>
/// <param name="Tag">The tag, or null.</param>
/// <param name="Digest">The digest (<c>sha256:…</c>), or null.</param>
public sealed record ImageReference(string Registry, string Repository, string? Tag, string? Digest)
{
    /// <summary>Parses <c>[registry/]repository[:tag][@digest]</c>.</summary>
    public static ImageReference Parse(string image)
    {
        var rest = image;
        string? digest = null;
        if (rest.IndexOf('@') is var at and >= 0)
        {
            digest = rest[(at + 1)..];
            rest = rest[..at];
        }

        var slash = rest.IndexOf('/');
        var first = slash < 0 ? string.Empty : rest[..slash];
        var registry = slash >= 0 && (first.Contains('.') || first.Contains(':') || first == "localhost") ? first : "docker.io";
        var path = registry == "docker.io" && !rest.StartsWith("docker.io/", StringComparison.Ordinal) ? rest : rest[(slash + 1)..];
        string? tag = null;
        if (path.LastIndexOf(':') is var colon and >= 0 && path.IndexOf('/', colon) < 0)
        {
            tag = path[(colon + 1)..];
            path = path[..colon];
        }

        return new ImageReference(registry, path, tag, digest);
    }
}
