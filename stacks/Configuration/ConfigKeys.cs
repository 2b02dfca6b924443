namespace MlPlatform.Stacks.Configuration;

/// <summary>
/// Records every top-level name the reader asks for, so that any key of the <c>mlplatform</c> namespace that it
/// did not ask for can be reported: almost always a typo (<c>mlplatform:nodepools</c>), which Pulumi would
/// otherwise ignore silently and deploy a platform without that setting. Because the known names are exactly the
/// names read, a new key read through <c>get</c> (such as a cloud's <c>mlplatform:&lt;cloud&gt;</c> object) is known
/// without being listed anywhere; every read must therefore be unconditional.
/// </summary>
public sealed class ConfigKeys
{
    private readonly Func<string, string?> _get;
    private readonly HashSet<string> _asked = new(StringComparer.Ordinal);

    /// <summary>Wraps the raw reader of the namespace.</summary>
    public ConfigKeys(Func<string, string?> get)
    {
        _get = get;
    }

    /// <summary>The names read so far, without the namespace.</summary>
    public IReadOnlyCollection<string> Asked => _asked;

    /// <summary>Reads a name and records it as known.</summary>
    public string? Get(string name)
    {
        _asked.Add(name);
        ConfigKeyTrace.Record(ConfigReader.Key(name), "value");
        return _get(name);
    }

    /// <summary>Records a name as known that the program reads another way (e.g. a secret read by the caller).</summary>
    public void Known(string name)
    {
        _asked.Add(name);
        ConfigKeyTrace.Record(ConfigReader.Key(name), "any");
    }

    /// <summary>
    /// One problem per key of <paramref name="allKeys"/> (full keys <c>namespace:name</c>) in the project's namespace
    /// that was never asked for, with the nearest known name as a suggestion. Keys of other namespaces
    /// (<c>aws:</c>, <c>kubernetes:</c>, <c>pulumi:</c>) belong to providers and the engine and are left alone,
    /// except a namespace that differs from the project's only by case, which is a typo too.
    /// </summary>
    public IEnumerable<ConfigProblem> UnknownKeys(IEnumerable<string> allKeys)
    {
        var known = _asked.Order(StringComparer.Ordinal).ToList();
        foreach (var key in allKeys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var colon = key.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            var (ns, name) = (key[..colon], key[(colon + 1)..]);
            if (ns == ConfigReader.Namespace)
            {
                if (!_asked.Contains(name))
                {
                    var suggestion = Suggest(name, known);
                    yield return new ConfigProblem(key, suggestion is null
                        ? $"unknown key: the program would ignore it; keys of this namespace are {string.Join(", ", known)}"
                        : $"unknown key: the program would ignore it; did you mean {ConfigReader.Key(suggestion)}?");
                }
            }
            else if (string.Equals(ns, ConfigReader.Namespace, StringComparison.OrdinalIgnoreCase))
            {
                var suggestion = _asked.Contains(name) ? name : Suggest(name, known);
                yield return new ConfigProblem(key, suggestion is null
                    ? $"unknown namespace '{ns}': the project's configuration namespace is {ConfigReader.Namespace}"
                    : $"unknown namespace '{ns}': the program would ignore it; did you mean {ConfigReader.Key(suggestion)}?");
            }
        }
    }

    /// <summary>
    /// The known name a mistyped one most likely meant: the same name in another case first, then the nearest by
    /// edit distance (insertions, deletions, substitutions and swaps of neighbours, ignoring case) when it is close
    /// enough to be a typo; null when none is.
    /// </summary>
    public static string? Suggest(string name, IEnumerable<string> known)
    {
        var candidates = known.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (candidates.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase)) is { } sameButCase)
        {
            return sameButCase;
        }

        // Names this long are not typos of the reader's short camel-case names (and would make the distance costly).
        if (name.Length > 64)
        {
            return null;
        }

        var threshold = Math.Max(1, Math.Min(3, name.Length / 3));
        return candidates
            .Select(k => (Name: k, Distance: EditDistance(name.ToLowerInvariant(), k.ToLowerInvariant())))
            .Where(c => c.Distance <= threshold)
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => c.Name)
            .FirstOrDefault();
    }

    /// <summary>The optimal string alignment distance (Damerau-Levenshtein without repeated edits of a substring).</summary>
    public static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
