namespace SmartCity.Tests;

/// <summary>Where tests find models, fixtures, samples, the built function app and the shared data. Shared by the test projects.</summary>
internal static class TestPaths
{
    public static string Output => AppContext.BaseDirectory;

    public static string Models => Path.Combine(Output, "models");

    public static string FixtureModels => Path.Combine(Output, "Fixtures", "models");

    public static string Samples => Path.Combine(Output, "samples");

    public static string RepositoryRoot
    {
        get
        {
            var directory = new DirectoryInfo(Output);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "SmartCity.Serverless.sln")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new InvalidOperationException("Cannot find the repository root.");
        }
    }

    /// <summary>The <c>functions.metadata</c> the Worker SDK generated for the app (beside the tests that reference the app).</summary>
    public static string FunctionsMetadata => Path.Combine(Output, "functions.metadata");

    /// <summary><c>../shared/data</c> beside the repository, or null when this clone has none.</summary>
    public static string? SharedData
    {
        get
        {
            var path = Path.Combine(RepositoryRoot, "..", "shared", "data");
            return Directory.Exists(path) ? Path.GetFullPath(path) : null;
        }
    }
}
