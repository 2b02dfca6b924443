namespace MlPlatform.Tests.Support;

/// <summary>Where the repository and its test fixtures are, found from the test binaries.</summary>
public static class RepositoryPaths
{
    /// <summary>The repository root (the directory holding Pulumi.yaml).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The committed copies of real chart values and CRD schemas the tests check against.</summary>
    public static string Schemas => Path.Combine(Root, "tests", "Fixtures", "schemas");

    /// <summary>A chart's default values.yaml in the fixtures.</summary>
    public static string ChartValues(string chart, string version) => Path.Combine(Schemas, "charts", chart, version, "values.yaml");

    /// <summary>A CRD version's openAPIV3Schema in the fixtures.</summary>
    public static string Crd(string group, string version, string kind) => Path.Combine(Schemas, "crds", group, version, $"{kind}.json");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Pulumi.yaml")) && File.Exists(Path.Combine(directory.FullName, "Infra.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Pulumi.yaml + Infra.sln) was not found above the test binaries.");
    }
}
