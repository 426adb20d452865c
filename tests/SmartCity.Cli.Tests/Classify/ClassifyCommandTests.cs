using System.Text.Json;
using System.Text.RegularExpressions;

namespace SmartCity.Cli.Tests.Classify;

public partial class ClassifyCommandTests
{
    private static readonly string Vehicles = SmartCityRunner.Sample("vehicles");

    [Fact]
    public async Task Json_has_the_documented_shape_and_labels_each_vehicle_sample_as_its_file_name_says()
    {
        var result = await SmartCityRunner.RunAsync("classify", Vehicles, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        var root = json.RootElement;
        Assert.Equal(["model", "images", "imagesPerSecond", "peakWorkingSetMb"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("vehicle-type/2", root.GetProperty("model").GetString()); // the default version, over the 8-bit backbone
        Assert.True(root.GetProperty("imagesPerSecond").GetDouble() > 0);
        Assert.True(root.GetProperty("peakWorkingSetMb").GetDouble() > 0);
        var images = root.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(6, images.Count);
        foreach (var image in images)
        {
            Assert.Equal(["file", "width", "height", "predictions", "ms"], image.EnumerateObject().Select(p => p.Name));
            var file = image.GetProperty("file").GetString()!;
            Assert.Equal(100, image.GetProperty("width").GetInt32());
            Assert.Equal(100, image.GetProperty("height").GetInt32());
            var predictions = Labels(image.GetProperty("predictions"));
            Assert.Equal(3, predictions.Count);
            Assert.Equal(LabelInName().Match(Path.GetFileName(file)).Value, predictions[0].Label);
            Assert.Equal(predictions.OrderByDescending(p => p.Probability).ToList(), predictions);
            Assert.All(predictions, p => Assert.InRange(p.Probability, 0, 1));
            Assert.True(image.GetProperty("ms").GetDouble() > 0);
        }

        Assert.Equal(Directory.GetFiles(Vehicles).Order(StringComparer.Ordinal), images.Select(i => i.GetProperty("file").GetString()));
    }

    [Fact]
    public async Task Json_of_a_two_head_model_names_the_second_head()
    {
        var result = await SmartCityRunner.RunAsync("classify", SmartCityRunner.Sample("traffic-cameras"), "--model", "traffic-scene", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        Assert.Equal("traffic-scene/2", json.RootElement.GetProperty("model").GetString());
        foreach (var image in json.RootElement.GetProperty("images").EnumerateArray())
        {
            // vehicles: the estimate head, one number (an occupancy from 0 to 1).
            Assert.Equal(["file", "width", "height", "predictions", "lighting", "vehicles", "ms"], image.EnumerateObject().Select(p => p.Name));
            Assert.InRange(image.GetProperty("vehicles").GetDouble(), 0, 1);
            Assert.Equal(["free", "heavy", "moderate"], Labels(image.GetProperty("predictions")).Select(l => l.Label).Order(StringComparer.Ordinal));
            Assert.Equal(["day", "night", "twilight"], Labels(image.GetProperty("lighting")).Select(l => l.Label).Order(StringComparer.Ordinal));
        }
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("2", 2)]
    [InlineData("100", 6)]
    public async Task Top_bounds_the_labels_per_image_by_the_model_labels(string top, int expected)
    {
        var result = await SmartCityRunner.RunAsync("classify", SmartCityRunner.Sample("vehicles/car106.jpg"), "--top", top, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        var image = json.RootElement.GetProperty("images")[0];
        Assert.Equal(expected, image.GetProperty("predictions").GetArrayLength());
    }

    [Fact]
    public async Task Top_0_gives_no_labels()
    {
        var result = await SmartCityRunner.RunAsync("classify", SmartCityRunner.Sample("vehicles/car106.jpg"), "--top", "0", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        Assert.False(json.RootElement.GetProperty("images")[0].TryGetProperty("predictions", out _));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("2.5")]
    [InlineData("three")]
    public async Task Top_below_0_or_not_a_whole_number_is_a_usage_error(string top)
    {
        var result = await SmartCityRunner.RunAsync("classify", SmartCityRunner.Sample("vehicles/car106.jpg"), "--top", top);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"error: --top must be a whole number, not '{top}'.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_table_has_a_row_per_image_with_its_top_label_then_the_summary()
    {
        var result = await SmartCityRunner.RunAsync("classify", Vehicles);

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Output.Split('\n');
        foreach (var file in Directory.GetFiles(Vehicles))
        {
            var row = Assert.Single(lines, l => l.Contains(file, StringComparison.Ordinal));
            Assert.Matches($@"│ {Regex.Escape(file)} +│ {LabelInName().Match(Path.GetFileName(file)).Value} [01]\.\d{{3}}  ", row);
        }

        Assert.Matches(@"^6 images \(0 failed\) with vehicle-type/2 in \d+\.\d\d s: \d+\.\d images/s, peak working set \d+ MB$", lines.Last(l => l.Length > 0));
        Assert.Equal(string.Empty, result.Error);
    }

    [Fact]
    public async Task A_file_that_is_not_an_image_exits_2_with_its_error_and_the_others_classified()
    {
        var result = await SmartCityRunner.RunAsync("classify", SmartCityRunner.Sample("CREDITS.md"), SmartCityRunner.Sample("vehicles/car106.jpg"), "--json");

        Assert.True(result.ExitCode == 2, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        var images = json.RootElement.GetProperty("images");
        Assert.Equal(["file", "error", "ms"], images[0].EnumerateObject().Select(p => p.Name));
        Assert.Contains("not a JPEG", images[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("car", images[1].GetProperty("predictions")[0].GetProperty("label").GetString());
    }

    private static List<(string Label, double Probability)> Labels(JsonElement predictions) =>
        [.. predictions.EnumerateArray().Select(p => (p.GetProperty("label").GetString()!, p.GetProperty("probability").GetDouble()))];

    /// <summary>The label a sample's file name starts with: <c>juggernaut106.jpg</c> → <c>juggernaut</c>.</summary>
    [GeneratedRegex("^[a-z]+")]
    private static partial Regex LabelInName();
}
