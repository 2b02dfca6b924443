namespace MlPlatform.Stacks.Configuration;

/// <summary>
/// Observes every configuration key the reader asks for, nested ones included (<c>mlplatform:aws.database.instanceClass</c>,
/// <c>mlplatform:nodePools[0].taints[1].key</c>), with the kind of value asked. The stack-file schema test derives
/// the reader's key set from it, so the schema cannot drift from what the reader accepts. Observing is scoped to the
/// current async flow; with no observer a read costs one null check.
/// </summary>
public static class ConfigKeyTrace
{
    private static readonly AsyncLocal<Action<string, string>?> Observer = new();

    /// <summary>
    /// Calls <paramref name="observer"/> with (full key, kind) for every key read until the result is disposed. Kinds:
    /// <c>value</c> (a top-level raw value), <c>string</c>, <c>integer</c>, <c>boolean</c>, <c>string[]</c>,
    /// <c>map</c> (of strings), <c>object</c>, <c>object[]</c>, and <c>any</c> (a key known to the reader but read
    /// elsewhere).
    /// </summary>
    public static IDisposable Observe(Action<string, string> observer)
    {
        var previous = Observer.Value;
        Observer.Value = observer;
        return new Scope(() => Observer.Value = previous);
    }

    internal static void Record(string key, string kind) => Observer.Value?.Invoke(key, kind);

    private sealed class Scope(Action end) : IDisposable
    {
        public void Dispose() => end();
    }
}
