using System.Collections.Immutable;
using Pulumi;
using Pulumi.Kubernetes.Types.Inputs.Meta.V1;

namespace MlPlatform.Components.Addons;

/// <summary>Options and metadata shared by the add-on components.</summary>
internal static class AddonResources
{
    /// <summary>
    /// Options of a child of an add-on component: parented to it, and waiting for everything the component itself
    /// was told to wait for (children do not inherit <c>DependsOn</c> from their parent), plus <paramref name="extra"/>.
    /// </summary>
    public static CustomResourceOptions Child(ComponentResource parent, ComponentResourceOptions? options, params Resource?[] extra)
    {
        var child = new CustomResourceOptions { Parent = parent };
        if (options is not null)
        {
            child.DependsOn.AddRange(options.DependsOn);
        }

        foreach (var resource in extra)
        {
            if (resource is not null)
            {
                child.DependsOn.Add(resource);
            }
        }

        return child;
    }

    /// <summary>Metadata of an object the platform creates (not the chart).</summary>
    public static ObjectMetaArgs Metadata(
        string name,
        string? @namespace,
        ImmutableDictionary<string, string> labels,
        IReadOnlyDictionary<string, string>? extraLabels = null,
        IReadOnlyDictionary<string, string>? annotations = null)
    {
        var all = extraLabels is null ? labels : labels.SetItems(extraLabels);
        var metadata = new ObjectMetaArgs { Name = name, Labels = all };
        if (annotations is { Count: > 0 })
        {
            metadata.Annotations = annotations.ToDictionary(a => a.Key, a => a.Value);
        }

        if (@namespace is not null)
        {
            metadata.Namespace = @namespace;
        }

        return metadata;
    }

    /// <summary>
    /// The container half of the restricted Pod Security profile, for charts whose <c>containerSecurityContext</c>
    /// defaults list exactly these keys; <c>runAsNonRoot</c> and <c>seccompProfile</c> are set at pod level
    /// (<see cref="RestrictedPod"/>), which the profile accepts for every container.
    /// </summary>
    public static Dictionary<string, object> RestrictedContainer() => new()
    {
        ["allowPrivilegeEscalation"] = false,
        ["readOnlyRootFilesystem"] = true,
        ["capabilities"] = new Dictionary<string, object> { ["drop"] = new[] { "ALL" } },
    };

    /// <summary>The restricted-profile pod security context.</summary>
    public static Dictionary<string, object> RestrictedPod() => new()
    {
        ["runAsNonRoot"] = true,
        ["seccompProfile"] = new Dictionary<string, object> { ["type"] = "RuntimeDefault" },
    };
}
