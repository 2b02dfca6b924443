using System.Collections.Immutable;
using MlPlatform.Components.Addons;
using MlPlatform.Stacks.Configuration;

namespace MlPlatform.Stacks.Shared;

/// <summary>A Kubernetes service account that reads and writes the stack's bucket through its cloud identity.</summary>
/// <param name="Namespace">Its namespace.</param>
/// <param name="ServiceAccount">Its name.</param>
/// <param name="Purpose">What it keeps there (the cloud identity's description).</param>
public sealed record BucketAccount(string Namespace, string ServiceAccount, string Purpose)
{
    /// <summary>The <c>namespace/serviceAccount</c> key of <see cref="CloudIntegration.ServiceAccountAnnotations"/>.</summary>
    public string Key => $"{Namespace}/{ServiceAccount}";

    /// <summary>A short name for the cloud resources of its identity.</summary>
    public string Name => $"{Namespace}-{ServiceAccount}";
}

/// <summary>
/// Which service accounts of the shared layers use the stack's bucket (the MLflow artifact bucket each cloud
/// creates), so that every cloud stack gives each one an identity with access to it, through the same seam
/// (<see cref="CloudIntegration.ServiceAccountAnnotations"/> and <see cref="CloudIntegration.ServiceAccountPodLabels"/>):
/// the workflow accounts of namespaces whose GPU benchmarks checkpoint there, and the CloudNativePG clusters whose
/// backups go there (CloudNativePG names a cluster's service account after the cluster).
/// </summary>
public static class BucketAccess
{
    /// <summary>The accounts, in a stable order.</summary>
    public static ImmutableArray<BucketAccount> Accounts(PlatformConfig config) =>
    [
        .. config.WorkflowTemplates.Where(t => t.Kind == WorkflowTemplateKind.GpuBenchmark && t.CheckpointPath is null)
            .Select(t => t.Namespace).Distinct().Order(StringComparer.Ordinal)
            .Select(ns => new BucketAccount(ns, ArgoWorkflows.WorkflowServiceAccountName, $"Argo workflows of {ns}: benchmark checkpoints")),
        .. config.DataServices.Where(s => s.Kind == DataServiceKind.Postgres && s.Backups)
            .OrderBy(s => s.Namespace, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal)
            .Select(s => new BucketAccount(s.Namespace, s.Name, $"PostgreSQL {s.Namespace}/{s.Name}: CloudNativePG backups")),
    ];
}
