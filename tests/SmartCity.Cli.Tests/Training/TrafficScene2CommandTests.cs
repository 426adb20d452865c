namespace SmartCity.Cli.Tests.Training;

/// <summary>
/// <c>train-traffic-scene-2</c> and <c>calibrate-camera</c> end to end on a few frames of
/// <c>../shared/data</c> (skipped without it): the versions they write load and classify, and the
/// calibrated one says which camera and how many frames. The figures are in the committed TRAINING.md.
/// </summary>
public sealed class TrafficScene2CommandTests : IDisposable
{
    private readonly SharedData _data = new();

    public void Dispose() => _data.Dispose();

    [SkippableFact]
    public async Task Train_traffic_scene_2_then_calibrate_camera_write_versions_that_classify_with_a_vehicle_estimate()
    {
        var vehicles = SharedData.Require("vehicles");
        // Four usable frames of each camera, and ten crops of each vehicle class beside them.
        var (data, kept) = _data.CopyLabelledFrames(4);

        foreach (var label in Directory.GetDirectories(vehicles))
        {
            var target = Directory.CreateDirectory(Path.Combine(_data.Folder, "vehicles", Path.GetFileName(label))).FullName;
            foreach (var file in Directory.GetFiles(label, "*.jpg").Order(StringComparer.Ordinal).Take(10))
            {
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
            }
        }

        var models = Directory.CreateDirectory(Path.Combine(_data.Folder, "models")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(models, "resnet18-embedding"), Path.Combine(TestPaths.Models, "resnet18-embedding"));
        var version = Path.Combine(models, "traffic-scene", "2");
        var trained = await SmartCityRunner.RunAsync("train-traffic-scene-2", "--data", data, "--out", version, "--examples-per-label", "0");
        Assert.True(trained.ExitCode == 0, trained.ToString());
        Assert.True(File.Exists(Path.Combine(version, "calibration.bin")));
        Assert.Contains("| 2701 | 4 |", File.ReadAllText(Path.Combine(version, "TRAINING.md")), StringComparison.Ordinal);

        var camera = Path.Combine(models, "traffic-scene-4703", "1");
        var calibrated = await SmartCityRunner.RunAsync("calibrate-camera", "--model-dir", version, "--frames", data, "--camera", "4703", "--out", camera);
        Assert.True(calibrated.ExitCode == 0, calibrated.ToString());
        Assert.Contains("for camera 4703 from 4 frames", calibrated.Output, StringComparison.Ordinal);
        Assert.Contains("Camera 4703 only", File.ReadAllText(Path.Combine(camera, "card.json")), StringComparison.Ordinal);

        var frame = Path.Combine(data, kept[^1].Split(',')[0]);
        foreach (var (model, id) in new[] { ("traffic-scene", "traffic-scene/2"), ("traffic-scene-4703", "traffic-scene-4703/1") })
        {
            var result = await SmartCityRunner.RunAsync("classify", frame, "--model", model, "--models", models, "--json");
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains($"\"model\": \"{id}\"", result.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Calibrate_camera_of_a_version_without_calibration_data_is_a_usage_error()
    {
        var result = await SmartCityRunner.RunAsync("calibrate-camera", "--model-dir", Path.Combine(TestPaths.Models, "traffic-scene", "1"), "--frames", _data.Folder, "--camera", "4703", "--out", Path.Combine(_data.Folder, "out"));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("has no calibration.bin", result.ToString(), StringComparison.Ordinal);
    }
}
