namespace MlPlatform.Components.Gcp;

/// <summary>Names of GCP resources derived from the cluster name, within their services' length limits.</summary>
public static class GcpNames
{
    /// <summary>The longest service account ID IAM accepts.</summary>
    public const int MaxServiceAccountIdLength = 30;

    /// <summary>
    /// The ID of a service account of a cluster: <c>&lt;cluster&gt;-&lt;purpose&gt;</c>, or, when that is longer than
    /// IAM's 30 characters, the cluster name shortened and made unique again by a hash of it.
    /// </summary>
    public static string ServiceAccountId(string clusterName, string purpose)
    {
        var id = $"{clusterName}-{purpose}";
        if (id.Length <= MaxServiceAccountIdLength)
        {
            return id;
        }

        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(clusterName)))[..4].ToLowerInvariant();
        var keep = Math.Max(1, MaxServiceAccountIdLength - purpose.Length - hash.Length - 2);
        return $"{clusterName[..Math.Min(keep, clusterName.Length)].TrimEnd('-')}-{hash}-{purpose}";
    }

    /// <summary>The email of a service account of a project.</summary>
    public static string ServiceAccountEmail(string accountId, string projectId) => $"{accountId}@{projectId}.iam.gserviceaccount.com";

    /// <summary>The workload identity member of a Kubernetes service account: <c>serviceAccount:&lt;project&gt;.svc.id.goog[&lt;namespace&gt;/&lt;name&gt;]</c>.</summary>
    public static string WorkloadIdentityMember(string projectId, string @namespace, string serviceAccount) =>
        $"serviceAccount:{projectId}.svc.id.goog[{@namespace}/{serviceAccount}]";
}
