using System.Text.Json;
using SmartCity.Inference.Models;

namespace SmartCity.Cli.Tests.Quantize;

/// <summary><c>quantize</c>: its arguments, and one end-to-end run on the committed samples.</summary>
public sealed class QuantizeCommandTests : IDisposable
{
    private readonly SharedData _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string Samples(string set) => SmartCityRunner.Sample(set);

    [Fact]
    public async Task A_calibration_folder_that_does_not_exist_is_a_usage_error()
    {
        var missing = Path.Combine(_temp.Folder, "no-such-folder");

        var result = await SmartCityRunner.RunAsync("quantize", "--calibration", missing, "--out", Path.Combine(_temp.Folder, "out"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"error: The calibration folder '{missing}' does not exist.", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_temp.Folder, "out")));
    }

    [Fact]
    public async Task A_calibration_folder_without_images_is_a_usage_error()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_temp.Folder, "empty")).FullName;
        File.WriteAllText(Path.Combine(empty, "notes.txt"), "no images here");

        var result = await SmartCityRunner.RunAsync("quantize", "--calibration", empty, "--out", Path.Combine(_temp.Folder, "out"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error: The calibration folders hold no images", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("5001")]
    [InlineData("many")]
    public async Task An_image_count_out_of_range_is_refused_by_the_parser(string images)
    {
        var result = await SmartCityRunner.RunAsync("quantize", "--calibration", Samples("vehicles"), "--images", images);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"--images must be a whole number from 2 to 5000, not '{images}'.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_that_is_not_an_embedding_backbone_is_refused()
    {
        var result = await SmartCityRunner.RunAsync("quantize", "--model", "vehicle-type", "--calibration", Samples("vehicles"), "--out", Path.Combine(_temp.Folder, "out"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is not an image-embedding model that reads images itself", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_that_does_not_exist_is_refused()
    {
        var result = await SmartCityRunner.RunAsync("quantize", "--model", "no-such-model", "--calibration", Samples("vehicles"), "--out", Path.Combine(_temp.Folder, "out"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error: ", result.Error, StringComparison.Ordinal);
        Assert.Contains("no-such-model", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Quantizing_resnet18_on_the_samples_writes_a_version_the_repository_serves_close_to_float()
    {
        var models = Directory.CreateDirectory(Path.Combine(_temp.Folder, "models", "resnet18-embedding")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(models, "1"), Path.Combine(TestPaths.Models, "resnet18-embedding", "1"));
        var output = Path.Combine(models, "2");

        var result = await SmartCityRunner.RunAsync(
            "quantize", "--models", Path.Combine(_temp.Folder, "models"), "--version", "1",
            "--calibration", Samples("traffic-cameras"), "--calibration", Samples("vehicles"), "--images", "4", "--out", output);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("22 BatchNormalization folded into Conv", result.Output, StringComparison.Ordinal);
        Assert.Contains("4 images (2 from traffic-cameras, 2 from vehicles)", result.Output, StringComparison.Ordinal);
        Assert.Contains("QLinearConv 22", result.Output, StringComparison.Ordinal);
        var version = new ModelRepository(Path.Combine(_temp.Folder, "models")).Get("resnet18-embedding", "2");
        Assert.Equal(ModelTask.ImageEmbedding, version.Task);
        Assert.Equal(Path.Combine(output, "model.onnx"), version.OnnxPath);
        Assert.InRange(new FileInfo(version.OnnxPath).Length, 10_000_000, 20_000_000);
        using var quantization = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "quantization.json")));
        var verification = quantization.RootElement.GetProperty("verification");
        // The image after each calibration image of a folder, where there is one: 1 of the 3 frames, 2 of the 6 crops.
        Assert.Equal(3, verification.GetProperty("images").GetInt32());
        Assert.InRange(verification.GetProperty("cosineMin").GetDouble(), 0.97, 1.0);
        Assert.True(File.Exists(Path.Combine(output, "QUANTIZATION.md")));
    }
}
