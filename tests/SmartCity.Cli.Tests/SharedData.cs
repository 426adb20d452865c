namespace SmartCity.Cli.Tests;

/// <summary>Small copies of the sets in <c>../shared/data</c> for the commands that read them; the tests skip without it.</summary>
internal sealed class SharedData : IDisposable
{
    public SharedData()
    {
        Directory.CreateDirectory(Folder);
    }

    /// <summary>A temporary folder of this test's own, deleted on dispose.</summary>
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "smartcity-cli-test-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary><c>../shared/data/&lt;set&gt;</c>, or a skip when this clone has none.</summary>
    public static string Require(string set)
    {
        var path = TestPaths.SharedData is { } data ? Path.Combine(data, set) : null;
        Skip.If(path is null || !Directory.Exists(path), $"../shared/data/{set} is not here: the tests that read it skip.");
        return path!;
    }

    public void Dispose()
    {
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }
}
