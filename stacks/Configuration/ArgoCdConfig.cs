using MlPlatform.Components.Addons;

namespace MlPlatform.Stacks.Configuration;

/// <summary>Argo CD settings (<c>mlplatform:argoCd</c>).</summary>
public sealed record ArgoCdConfig
{
    /// <summary>The name an Application gets when the configuration names none.</summary>
    public const string DefaultApplicationName = "workloads";

    /// <summary>
    /// The Application that syncs the workloads repository (<c>mlplatform:argoCd.application</c>); null for none
    /// (the default).
    /// </summary>
    public GitOpsApplication? Application { get; init; }
}
