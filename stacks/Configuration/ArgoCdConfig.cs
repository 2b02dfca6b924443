namespace MlPlatform.Stacks.Configuration;

/// <summary>Argo CD settings (<c>mlplatform:argoCd</c>).</summary>
public sealed record ArgoCdConfig
{
    /// <summary>The Application that syncs the workloads repository; null for none (the default).</summary>
    public ArgoCdApplicationConfig? Application { get; init; }
}

/// <summary>An Argo CD Application (<c>mlplatform:argoCd.application</c>).</summary>
public sealed record ArgoCdApplicationConfig
{
    /// <summary>The Application's name (a DNS-1123 label). Defaults to <c>workloads</c>.</summary>
    public string Name { get; init; } = "workloads";

    /// <summary>The Git repository: an <c>https://</c>, <c>ssh://</c> or <c>git@host:path</c> URL.</summary>
    public required string RepoUrl { get; init; }

    /// <summary>The directory of the manifests in the repository. Defaults to the repository root.</summary>
    public string Path { get; init; } = ".";

    /// <summary>The branch, tag or commit to sync. Defaults to <c>HEAD</c>.</summary>
    public string TargetRevision { get; init; } = "HEAD";

    /// <summary>The namespace the manifests are applied to.</summary>
    public required string Namespace { get; init; }

    /// <summary>Delete resources that were removed from Git. Defaults to true.</summary>
    public bool Prune { get; init; } = true;

    /// <summary>Revert changes made in the cluster outside Git. Defaults to true.</summary>
    public bool SelfHeal { get; init; } = true;
}
