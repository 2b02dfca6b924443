namespace MlPlatform.Components.Addons;

/// <summary>A pinned container image.</summary>
/// <param name="Repository">Registry and repository, e.g. <c>docker.io/vllm/vllm-openai</c>.</param>
/// <param name="Tag">The exact tag (never <c>latest</c>).</param>
public sealed record ContainerImage(string Repository, string Tag)
{
    /// <summary>The image reference, <c>repository:tag</c>.</summary>
    public string Reference => $"{Repository}:{Tag}";

    /// <inheritdoc />
    public override string ToString() => Reference;
}
