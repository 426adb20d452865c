namespace SmartCity.Cli.Tests.Training;

/// <summary>
/// The training commands end to end on a few images of <c>../shared/data</c> (skipped without
/// it): the model version they write loads and classifies. The figures are not checked here;
/// the committed TRAINING.md files hold the full runs.
/// </summary>
public sealed class TrainingCommandTests : IDisposable
{
    private readonly SharedData _data = new();

    public void Dispose() => _data.Dispose();

    [SkippableFact]
    public async Task Train_traffic_scene_writes_a_model_version_that_classifies_a_frame()
    {
        var source = SharedData.Require("traffic-cameras");
        var data = Directory.CreateDirectory(Path.Combine(_data.Folder, "traffic-cameras")).FullName;
        var lines = File.ReadAllLines(Path.Combine(source, "labels.csv"));
        // The first six usable frames of each camera.
        var kept = lines.Skip(1).Where(l => !l.Contains(",unusable,", StringComparison.Ordinal)).GroupBy(l => l.Split(',')[1]).SelectMany(g => g.Take(6)).ToList();
        File.WriteAllLines(Path.Combine(data, "labels.csv"), [lines[0], .. kept]);
        foreach (var line in kept)
        {
            File.Copy(Path.Combine(source, line.Split(',')[0]), Path.Combine(data, line.Split(',')[0]));
        }

        var models = ModelsWithBackbone();
        var result = await SmartCityRunner.RunAsync("train-traffic-scene", "--data", data, "--out", Path.Combine(models, "traffic-scene", "1"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("18 usable frames of 18 (0 unusable left out) from cameras 2701, 2702, 4703", result.Output, StringComparison.Ordinal);
        Assert.Contains("Best: ", result.Output, StringComparison.Ordinal);
        var report = File.ReadAllText(Path.Combine(models, "traffic-scene", "1", "TRAINING.md"));
        Assert.Equal(1, report.Split('\n').Count(l => l.Contains("(kept) |", StringComparison.Ordinal)));
        await AssertClassifiesAsync(models, "traffic-scene", SmartCityRunner.Sample("traffic-cameras/camera_2701_2026-01-22_00-24-52.jpg"));
    }

    [SkippableFact]
    public async Task Train_vehicle_type_writes_a_model_version_that_classifies_a_crop()
    {
        var source = SharedData.Require("vehicles");
        var data = Path.Combine(_data.Folder, "vehicles");
        foreach (var label in Directory.GetDirectories(source))
        {
            var target = Directory.CreateDirectory(Path.Combine(data, Path.GetFileName(label))).FullName;
            foreach (var file in Directory.GetFiles(label, "*.jpg").Order(StringComparer.Ordinal).Take(10))
            {
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
            }
        }

        var models = ModelsWithBackbone();
        var result = await SmartCityRunner.RunAsync("train-vehicle-type", "--data", data, "--out", Path.Combine(models, "vehicle-type", "1"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Held-out split (12 images, 20% per class, seed 42), head trained on the other 48:", result.Output, StringComparison.Ordinal);
        var report = File.ReadAllText(Path.Combine(models, "vehicle-type", "1", "TRAINING.md"));
        Assert.Contains("## Held-out result\n\nAccuracy **", report, StringComparison.Ordinal);
        await AssertClassifiesAsync(models, "vehicle-type", SmartCityRunner.Sample("vehicles/car106.jpg"));
    }

    [SkippableFact]
    public async Task Evaluate_stale_scores_the_detector_on_the_frames()
    {
        var source = SharedData.Require("traffic-cameras");
        var data = Directory.CreateDirectory(Path.Combine(_data.Folder, "frames")).FullName;
        foreach (var frame in Directory.GetFiles(source, "camera_*.jpg").GroupBy(f => Path.GetFileName(f).Split('_')[1]).SelectMany(g => g.Order(StringComparer.Ordinal).Take(4)))
        {
            File.Copy(frame, Path.Combine(data, Path.GetFileName(frame)));
        }

        var result = await SmartCityRunner.RunAsync("evaluate-stale", "--data", data, "--threshold", "0.0037");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("12 frames; ", result.Output, StringComparison.Ordinal);
        Assert.Contains("Threshold: 0.00370", result.Output, StringComparison.Ordinal);
        Assert.Matches(@"As uploaded \(hash and distance\): precision [\d.]+ %, recall [\d.]+ %", result.Output);
        Assert.Matches(@"Repeats re-encoded \(distance only\): precision [\d.]+ %, recall [\d.]+ %", result.Output);
    }

    /// <summary>A models folder of this test's own holding (a link to) the bundled backbone, for a trained head to sit beside.</summary>
    private string ModelsWithBackbone()
    {
        var models = Directory.CreateDirectory(Path.Combine(_data.Folder, "models")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(models, "resnet18-embedding"), Path.Combine(TestPaths.Models, "resnet18-embedding"));
        return models;
    }

    private static async Task AssertClassifiesAsync(string models, string model, string image)
    {
        var result = await SmartCityRunner.RunAsync("classify", image, "--model", model, "--models", models, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"\"model\": \"{model}/1\"", result.Output, StringComparison.Ordinal);
        Assert.Contains("\"predictions\": [", result.Output, StringComparison.Ordinal);
    }
}
