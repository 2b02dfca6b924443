namespace MlPlatform.Stacks.Configuration;

/// <summary>The on-demand node pool that runs the platform's controllers (<c>mlplatform:systemNodePool</c>).</summary>
/// <param name="InstanceType">The machine type; null takes the cloud's default.</param>
/// <param name="Min">Fewest nodes (at least 1).</param>
/// <param name="Max">Most nodes.</param>
/// <param name="Desired">Nodes at creation, between <paramref name="Min"/> and <paramref name="Max"/>.</param>
public sealed record SystemNodePoolConfig(string? InstanceType, int Min, int Max, int Desired);
