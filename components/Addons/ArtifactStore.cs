namespace MlPlatform.Components.Addons;

/// <summary>The object storage services MLflow can keep artifacts in.</summary>
public enum ArtifactStoreKind
{
    /// <summary>Amazon S3 (<c>s3://bucket/path</c>).</summary>
    S3,

    /// <summary>Google Cloud Storage (<c>gs://bucket/path</c>).</summary>
    Gcs,

    /// <summary>Azure Blob Storage (<c>wasbs://container@account.blob.core.windows.net/path</c>).</summary>
    AzureBlob,
}

/// <summary>An artifact store location, parsed from the URI a cloud stack hands over.</summary>
/// <param name="Kind">The storage service.</param>
/// <param name="Bucket">The bucket (S3, GCS) or container (Azure).</param>
/// <param name="Path">The prefix inside it, without leading or trailing '/'; empty for the root.</param>
/// <param name="Account">The Azure storage account; null elsewhere.</param>
public sealed record ArtifactStore(ArtifactStoreKind Kind, string Bucket, string Path, string? Account = null)
{
    private const string AzureBlobHostSuffix = ".blob.core.windows.net";

    /// <summary>Parses <c>s3://</c>, <c>gs://</c> and <c>wasbs://</c> URIs.</summary>
    /// <exception cref="ArgumentException">For any other URI.</exception>
    public static ArtifactStore Parse(string uri)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Host.Length == 0 && parsed.UserInfo.Length == 0)
        {
            throw new ArgumentException($"'{uri}' is not an artifact store URI (s3://, gs:// or wasbs://).", nameof(uri));
        }

        var path = parsed.AbsolutePath.Trim('/');
        switch (parsed.Scheme)
        {
            case "s3":
                return new ArtifactStore(ArtifactStoreKind.S3, parsed.Host, path);
            case "gs":
                return new ArtifactStore(ArtifactStoreKind.Gcs, parsed.Host, path);
            case "wasbs" when parsed.UserInfo.Length > 0 && parsed.Host.EndsWith(AzureBlobHostSuffix, StringComparison.Ordinal):
                return new ArtifactStore(ArtifactStoreKind.AzureBlob, parsed.UserInfo, path, parsed.Host[..^AzureBlobHostSuffix.Length]);
            default:
                throw new ArgumentException(
                    $"'{uri}' is not an artifact store URI: use s3://bucket, gs://bucket or wasbs://container@account{AzureBlobHostSuffix}.", nameof(uri));
        }
    }
}
