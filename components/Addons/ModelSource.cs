using System.Text.RegularExpressions;

namespace MlPlatform.Components.Addons;

/// <summary>Where a served model's artifacts come from.</summary>
public enum ModelSourceKind
{
    /// <summary>The platform's MLflow model registry: <c>models:/NAME@ALIAS</c> or <c>models:/NAME/VERSION</c>.</summary>
    MlflowRegistry,

    /// <summary>An object store path of the stack's bucket: <c>s3://</c>, <c>gs://</c> or <c>wasbs://</c>.</summary>
    Bucket,

    /// <summary>A Hugging Face model: <c>hf://owner/name</c>.</summary>
    HuggingFace,
}

/// <summary>
/// A model's source URI, parsed. Bucket and Hugging Face sources are downloaded by KServe's storage initializer;
/// registry sources are resolved inside the cluster when the pod starts (the alias is looked up then, not when the
/// program runs), by an init container that asks the platform's MLflow server.
/// </summary>
/// <param name="Kind">The kind of source.</param>
/// <param name="Uri">The URI as configured.</param>
public sealed partial record ModelSource(ModelSourceKind Kind, string Uri)
{
    /// <summary>True when KServe's storage initializer downloads the model (every kind but the MLflow registry).</summary>
    public bool UsesStorageInitializer => Kind != ModelSourceKind.MlflowRegistry;

    /// <summary>The registered model name of a registry source; null otherwise.</summary>
    public string? RegisteredModel => Kind == ModelSourceKind.MlflowRegistry ? RegistryUri().Match(Uri).Groups["name"].Value : null;

    /// <summary>The parsed source, or null when <paramref name="uri"/> is none of the accepted forms (<see cref="Problem"/> says why).</summary>
    public static ModelSource? Parse(string uri) => Problem(uri) is null ? new(KindOf(uri), uri) : null;

    /// <summary>Why <paramref name="uri"/> is not an accepted source, or null when it is.</summary>
    public static string? Problem(string uri)
    {
        if (uri.StartsWith("models:/", StringComparison.Ordinal))
        {
            return RegistryUri().IsMatch(uri) ? null : $"'{uri}' is not models:/NAME@ALIAS or models:/NAME/VERSION (a registered model of the platform's MLflow)";
        }

        if (uri.StartsWith("s3://", StringComparison.Ordinal) || uri.StartsWith("gs://", StringComparison.Ordinal))
        {
            return BucketUri().IsMatch(uri) ? null : $"'{uri}' is not s3://BUCKET/PATH or gs://BUCKET/PATH (a lower-case bucket name and a path without white space)";
        }

        if (uri.StartsWith("wasbs://", StringComparison.Ordinal))
        {
            return BlobUri().IsMatch(uri) ? null : $"'{uri}' is not wasbs://CONTAINER@ACCOUNT.blob.core.windows.net/PATH";
        }

        if (uri.StartsWith("hf://", StringComparison.Ordinal))
        {
            return HuggingFaceUri().IsMatch(uri) && uri[5..].Split('/').All(p => p.Length <= 96)
                ? null
                : $"'{uri}' is not hf://owner/name (KServe downloads a Hugging Face model id)";
        }

        return $"'{uri}' is not a model source: models:/NAME@ALIAS, models:/NAME/VERSION, s3://, gs://, wasbs:// or hf://owner/name";
    }

    private static ModelSourceKind KindOf(string uri) =>
        uri.StartsWith("models:/", StringComparison.Ordinal) ? ModelSourceKind.MlflowRegistry
        : uri.StartsWith("hf://", StringComparison.Ordinal) ? ModelSourceKind.HuggingFace
        : ModelSourceKind.Bucket;

    // MLflow accepts almost any name; the platform keeps to names that are safe on a command line and in a label.
    [GeneratedRegex(@"\Amodels:/(?<name>[A-Za-z0-9][A-Za-z0-9_.-]{0,127})(@[A-Za-z0-9_-]{1,63}|/[1-9][0-9]{0,8})\z")]
    private static partial Regex RegistryUri();

    [GeneratedRegex(@"\A(s3|gs)://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[\x21-\x7e]*)?\z")]
    private static partial Regex BucketUri();

    [GeneratedRegex(@"\Awasbs://[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]@[a-z0-9]{3,24}\.blob\.core\.windows\.net(/[\x21-\x7e]*)?\z")]
    private static partial Regex BlobUri();

    [GeneratedRegex(@"\Ahf://[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*\z")]
    private static partial Regex HuggingFaceUri();
}
