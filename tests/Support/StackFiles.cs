using Xunit;

namespace MlPlatform.Tests.Support;

/// <summary>
/// The stacks of the repository: every <c>Pulumi.&lt;stack&gt;.yaml</c> next to <c>Pulumi.yaml</c>, so that a new stack
/// file is checked by every stack-invariant test without being listed anywhere.
/// </summary>
public static class StackFiles
{
    /// <summary>The stack names, in ordinal order.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        .. Directory.GetFiles(RepositoryPaths.Root, "Pulumi.*.yaml")
            .Select(Path.GetFileName)
            .Select(file => file!["Pulumi.".Length..^".yaml".Length])
            .Order(StringComparer.Ordinal),
    ];

    /// <summary>The stack names as theory data.</summary>
    public static TheoryData<string> Names
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var stack in All)
            {
                data.Add(stack);
            }

            return data;
        }
    }
}
