using System.CommandLine;
using System.Globalization;
using SmartCity.Inference.Models;
using SmartCity.Training.Scenes;

namespace SmartCity.Cli.Training;

/// <summary>
/// <c>calibrate-camera</c>: adapts a traffic-scene version (with <c>calibration.bin</c>) to one
/// camera from its labelled frames (<c>labels.csv</c>, the traffic-cameras layout) with
/// <see cref="SceneCalibration"/>, and writes the camera's model version folder.
/// </summary>
internal static class CalibrateCameraCommand
{
    public static Command Create(CommandConsole console)
    {
        var modelDir = new Option<string>("--model-dir") { Description = "The base traffic-scene version folder (it must hold calibration.bin).", HelpName = "folder", DefaultValueFactory = _ => Path.Combine("models", "traffic-scene", "2") };
        var frames = new Option<string>("--frames") { Description = "A folder with the camera's frames and labels.csv (file,camera,congestion,lighting,sure|unsure); rows of other cameras and unusable rows are left out.", HelpName = "folder", Required = true };
        var camera = new Option<string>("--camera") { Description = "The camera id to calibrate (the labels.csv camera column).", HelpName = "id", Required = true };
        var output = new Option<string>("--out") { Description = "The camera's model version folder to write.", HelpName = "folder", Required = true };
        var engine = new EngineOptions();
        var command = new Command("calibrate-camera", "Calibrate traffic-scene to one camera from its labelled frames (about 10): retrain congestion on the base version's training features plus those frames (from 5 frames on, over each tile less the camera's background, the frames' mean); write the camera's model version.")
        {
            modelDir, frames, camera, output,
        };
        engine.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = engine.Bind(parse);
            return await RunAsync(parse.GetRequiredValue(modelDir), parse.GetRequiredValue(frames), parse.GetRequiredValue(camera), parse.GetRequiredValue(output), settings, console, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(string modelDir, string framesFolder, string camera, string output, EngineSettings settings, CommandConsole console, CancellationToken cancellationToken)
    {
        var versionDir = Path.GetFullPath(modelDir);
        var version = Path.GetFileName(Path.TrimEndingDirectorySeparator(versionDir));
        var name = Path.GetFileName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(versionDir)));
        var models = Path.GetDirectoryName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(versionDir)));
        if (!File.Exists(Path.Combine(versionDir, ModelRepository.ManifestFileName)) || name is null || models is null)
        {
            throw new UsageException($"--model-dir '{modelDir}' is not a model version folder (models/<name>/<version> with model.json).");
        }

        if (!File.Exists(Path.Combine(versionDir, CalibrationData.FileName)))
        {
            throw new UsageException($"--model-dir '{modelDir}' has no {CalibrationData.FileName}: only a traffic-scene version trained with it (train-traffic-scene-2) can be calibrated.");
        }

        var labels = Path.Combine(framesFolder, "labels.csv");
        if (!File.Exists(labels))
        {
            throw new UsageException($"--frames: '{labels}' does not exist.");
        }

        var rows = (await File.ReadAllLinesAsync(labels, cancellationToken)).Skip(1).Select(l => l.Split(',')).Where(r => r.Length >= 5 && r[1] == camera && r[2] != "unusable").ToList();
        if (rows.Count == 0)
        {
            throw new UsageException($"--frames: '{labels}' has no usable rows of camera '{camera}'.");
        }

        var calibrationFrames = new List<CalibrationFrame>(rows.Count);
        foreach (var row in rows)
        {
            var file = Path.Combine(framesFolder, row[0]);
            if (!File.Exists(file))
            {
                throw new UsageException($"--frames: '{file}' (row of labels.csv) does not exist.");
            }

            calibrationFrames.Add(new CalibrationFrame(row[0], await File.ReadAllBytesAsync(file, cancellationToken), row[2], row[3], row[4] != "unsure"));
        }

        await using var inference = (settings with { ModelsPath = models }).CreateEngine();
        var baseModel = inference.Repository.Get(name, version);
        SceneCalibrationResult result;
        try
        {
            result = await SceneCalibration.CalibrateAsync(inference, baseModel, camera, calibrationFrames, leaveOneOut: true, cancellationToken);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException(ex.Message);
        }

        Directory.CreateDirectory(output);
        foreach (var (file, content) in result.Files)
        {
            await File.WriteAllBytesAsync(Path.Combine(output, file), content, cancellationToken);
        }

        var loo = result.LeaveOneOutCongestion is { } a ? string.Create(CultureInfo.InvariantCulture, $"; leave-one-out congestion over them {a:P1}") : string.Empty;
        await console.Output.WriteLineAsync($"Calibrated {baseModel.Id} for camera {camera} from {calibrationFrames.Count} frames{loo}. Wrote {output}");
        return ExitCodes.Success;
    }
}
