namespace MlPlatform.Components.Addons;

/// <summary>A pod toleration of a node taint, matched by key and effect whatever the taint's value.</summary>
/// <param name="Key">The taint key, e.g. <c>nvidia.com/gpu</c> or <c>kubernetes.azure.com/scalesetpriority</c>.</param>
/// <param name="Effect"><c>NoSchedule</c>, <c>PreferNoSchedule</c> or <c>NoExecute</c>.</param>
public sealed record PodToleration(string Key, string Effect)
{
    /// <summary>The toleration of the <c>nvidia.com/gpu</c> NoSchedule taint of GPU nodes.</summary>
    public static PodToleration Gpu { get; } = new(GpuPlacement.GpuResource, "NoSchedule");

    /// <summary>The toleration as a pod spec's <c>tolerations[]</c> item.</summary>
    public Dictionary<string, object> ToSpec() => new() { ["key"] = Key, ["operator"] = "Exists", ["effect"] = Effect };

    /// <summary>The <c>tolerations</c> list of some tolerations, each once, in a stable order.</summary>
    public static object[] List(IEnumerable<PodToleration> tolerations) =>
        [.. tolerations.Distinct().OrderBy(t => t.Key, StringComparer.Ordinal).ThenBy(t => t.Effect, StringComparer.Ordinal).Select(t => (object)t.ToSpec())];
}
