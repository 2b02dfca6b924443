using Pulumi;

namespace MlPlatform.Stacks.Configuration;

/// <summary>
/// The stack's configuration is invalid. Thrown before any resource is registered, with every problem at once.
/// A <see cref="RunException"/>, so Pulumi prints the message alone, without a stack trace.
/// </summary>
public sealed class ConfigValidationException : RunException
{
    /// <summary>Creates the exception from the collected problems.</summary>
    public ConfigValidationException(IReadOnlyList<ConfigProblem> problems)
        : base(Format(problems))
    {
        Problems = problems;
    }

    /// <summary>Every problem found, in the order the keys were read.</summary>
    public IReadOnlyList<ConfigProblem> Problems { get; }

    private static string Format(IReadOnlyList<ConfigProblem> problems)
    {
        var noun = problems.Count == 1 ? "problem" : "problems";
        var lines = problems.Select(p => $"  - {p.Key}: {p.Message}");
        return $"Invalid stack configuration ({problems.Count} {noun}); fix these keys with `pulumi config set` "
            + $"or in Pulumi.<stack>.yaml:{Environment.NewLine}{string.Join(Environment.NewLine, lines)}";
    }
}

/// <summary>One configuration problem: the full key to fix (e.g. <c>mlplatform:nodePools[1].max</c>) and what is wrong.</summary>
public sealed record ConfigProblem(string Key, string Message);
