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

    /// <summary>
    /// Copies the first <paramref name="perCamera"/> usable frames of each camera of
    /// <c>../shared/data/traffic-cameras</c> (a skip without it) into <c>traffic-cameras</c> under
    /// <see cref="Folder"/>, with a <c>labels.csv</c> naming them; the folder and the rows kept.
    /// </summary>
    public (string Folder, List<string> Rows) CopyLabelledFrames(int perCamera)
    {
        var frames = Require("traffic-cameras");
        var data = Directory.CreateDirectory(Path.Combine(Folder, "traffic-cameras")).FullName;
        var lines = File.ReadAllLines(Path.Combine(frames, "labels.csv"));
        var kept = lines.Skip(1).Where(l => !l.Contains(",unusable,", StringComparison.Ordinal)).GroupBy(l => l.Split(',')[1]).SelectMany(g => g.Take(perCamera)).ToList();
        File.WriteAllLines(Path.Combine(data, "labels.csv"), [lines[0], .. kept]);
        foreach (var line in kept)
        {
            File.Copy(Path.Combine(frames, line.Split(',')[0]), Path.Combine(data, line.Split(',')[0]));
        }

        return (data, kept);
    }

    public void Dispose()
    {
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }
}
