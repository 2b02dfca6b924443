namespace MlPlatform.Components.Workloads;

/// <summary>
/// Bucket prefixes as object-store clients (barman-cloud, the cloud SDKs) address them: <c>s3://bucket/path</c>,
/// <c>gs://bucket/path</c>, and for Azure Blob the container's HTTPS URL (<c>https://account.blob.core.windows.net/container/path</c>)
/// rather than the Hadoop-style <c>wasbs://container@account.blob.core.windows.net</c> the stacks hand over.
/// </summary>
public static class BucketPaths
{
    /// <summary>The prefix <paramref name="path"/> under the bucket <paramref name="bucketUri"/>.</summary>
    public static string Under(string bucketUri, string path)
    {
        var root = bucketUri.TrimEnd('/');
        if (root.StartsWith("wasbs://", StringComparison.Ordinal) || root.StartsWith("abfss://", StringComparison.Ordinal))
        {
            var rest = root[(root.IndexOf("://", StringComparison.Ordinal) + 3)..];
            var at = rest.IndexOf('@', StringComparison.Ordinal);
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            var host = slash < 0 ? rest[(at + 1)..] : rest[(at + 1)..slash];
            var container = rest[..at];
            var inner = slash < 0 ? "" : rest[slash..];
            root = $"https://{host.Replace(".dfs.", ".blob.", StringComparison.Ordinal)}/{container}{inner}";
        }

        return $"{root}/{path.Trim('/')}";
    }
}
