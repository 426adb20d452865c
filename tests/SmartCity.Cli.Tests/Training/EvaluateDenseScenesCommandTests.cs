namespace SmartCity.Cli.Tests.Training;

/// <summary><c>evaluate-dense-scenes</c> on a few frames of <c>../shared/data</c> (skipped without it), and its size checks. The figures are in the committed models/traffic-scene/DENSE-FEATURES.md.</summary>
public sealed class EvaluateDenseScenesCommandTests : IDisposable
{
    private readonly SharedData _data = new();

    public void Dispose() => _data.Dispose();

    [SkippableFact]
    public async Task It_writes_a_row_per_layout_and_normalisation_with_every_camera_and_the_constant_answer()
    {
        // Twelve usable frames of each camera: ten to calibrate with, two to test on.
        var (data, _) = _data.CopyLabelledFrames(12);

        var report = Path.Combine(_data.Folder, "report", "DENSE.md");
        var result = await SmartCityRunner.RunAsync("evaluate-dense-scenes", "--data", data, "--sizes", "96x64", "--out", report);

        Assert.True(result.ExitCode == 0, result.ToString());
        var text = File.ReadAllText(report);
        Assert.Contains("| 2x2 tiles of 224x224 (version 2) | none (no camera state) | 1.00x |", text, StringComparison.Ordinal);
        Assert.Contains("| dense map of the whole frame at 96x64 (6 cells) | camera background subtracted, from 10 of its frames", text, StringComparison.Ordinal);
        Assert.Equal(8, text.Split('\n').Count(l => l.StartsWith("| 2x2 tiles", StringComparison.Ordinal) || l.StartsWith("| dense map", StringComparison.Ordinal)));
        Assert.Contains("| 2701 zero-shot | 2701 10 frames | 2702 zero-shot |", text, StringComparison.Ordinal);
        Assert.Matches(@"\| constant `free` \| \| \| [\d.]+ % \| [\d.]+ % \|", text);
        Assert.Contains("Singapore Open Data Licence", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("672")]
    [InlineData("672x380")]
    [InlineData("0x0")]
    [InlineData("4096x2048")]
    [InlineData("672x384,wide")]
    public async Task A_size_that_is_not_a_multiple_of_32_within_bounds_is_a_usage_error_naming_it(string sizes)
    {
        var result = await SmartCityRunner.RunAsync("evaluate-dense-scenes", "--data", _data.Folder, "--sizes", sizes, "--out", Path.Combine(_data.Folder, "r.md"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--sizes takes WIDTHxHEIGHT values", result.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_data.Folder, "r.md")));
    }
}
