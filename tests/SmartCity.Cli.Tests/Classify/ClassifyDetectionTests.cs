using System.Text.Json;
using SkiaSharp;

namespace SmartCity.Cli.Tests.Classify;

/// <summary><c>classify</c> with an object detector: the fixture <c>custom-vision-detector</c> of the engine tests, on a white image.</summary>
public sealed class ClassifyDetectionTests : IDisposable
{
    private static readonly string FixtureModels = Path.Combine(TestPaths.RepositoryRoot, "tests", "SmartCity.Inference.Tests", "Fixtures", "models");
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "smartcity-cli-detect-" + Guid.NewGuid().ToString("N")[..8]);

    public ClassifyDetectionTests()
    {
        Directory.CreateDirectory(_folder);
        using var bitmap = new SKBitmap(new SKImageInfo(8, 8, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        bitmap.Erase(SKColors.White);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(Path.Combine(_folder, "white.png"), data.ToArray());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Json_gives_each_box_with_its_label_and_probability()
    {
        var result = await SmartCityRunner.RunAsync("classify", _folder, "--models", FixtureModels, "--model", "custom-vision-detector", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        var image = Assert.Single(json.RootElement.GetProperty("images").EnumerateArray());
        var predictions = image.GetProperty("predictions").EnumerateArray().ToList();
        Assert.Equal(["car", "bus"], predictions.Select(p => p.GetProperty("label").GetString()));
        Assert.Equal(0.9, predictions[0].GetProperty("probability").GetDouble(), 4);
        var box = predictions[1].GetProperty("box");
        Assert.Equal([0.6, 0.5, 0.3, 0.5], new[] { "left", "top", "width", "height" }.Select(n => Math.Round(box.GetProperty(n).GetDouble(), 4)));
    }

    [Fact]
    public async Task The_table_shows_the_boxes()
    {
        var result = await SmartCityRunner.RunAsync("classify", _folder, "--models", FixtureModels, "--model", "custom-vision-detector");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("car 0.900 [0.10,0.10,0.40,0.40]", result.Output, StringComparison.Ordinal);
        Assert.Contains("bus 0.700 [0.60,0.50,0.30,0.50]", result.Output, StringComparison.Ordinal);
    }
}
