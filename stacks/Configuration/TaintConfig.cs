namespace MlPlatform.Stacks.Configuration;

/// <summary>A node taint.</summary>
/// <param name="Key">Taint key, e.g. <c>nvidia.com/gpu</c>.</param>
/// <param name="Value">Optional value.</param>
/// <param name="Effect"><c>NoSchedule</c>, <c>PreferNoSchedule</c> or <c>NoExecute</c>.</param>
public sealed record TaintConfig(string Key, string? Value, string Effect)
{
    /// <summary>The taint every GPU node carries so that only pods asking for GPUs land there.</summary>
    public static TaintConfig Gpu { get; } = new("nvidia.com/gpu", "present", "NoSchedule");
}
