using System.Diagnostics;
using System.Drawing;
using System.Globalization;
using System.Text;
using Microsoft.ML.OnnxRuntime;
using SmartCity.Inference.Imaging;
using SmartCity.Inference.Models;
using SmartCity.Inference.Onnx;
using SmartCity.Inference.Runtime;
using SmartCity.Training;
using SmartCity.Training.Scenes;

namespace SmartCity.Cli.Training;

/// <summary>
/// <c>evaluate-dense-scenes</c>: measures, leave-one-camera-out, congestion heads over the
/// backbone's dense feature map (<see cref="FeatureMapModel"/>: one 512-value vector per 32x32
/// pixels of the whole frame at a larger input) against version 2's 2x2 tiles, with and without
/// a per-camera background (the mean normalised cell over the camera's unlabelled frames,
/// subtracted from every cell before pooling). Writes a markdown report; trains no model.
/// </summary>
internal static class DenseSceneEvaluation
{
    /// <summary>Unlabelled frames a camera's background is taken from in the realistic variant (the same frames that calibrate it).</summary>
    public const int BackgroundFrames = 10;

    private const int Dimension = 512;

    /// <summary>Frames timed per layout and passes over them, for the cost per frame.</summary>
    private const int TimedFrames = 24;

    private const int TimedPasses = 3;

    private enum Normalisation
    {
        None,
        FrameMean,
        CameraAllFrames,
        CameraTenFrames,
    }

    private static readonly (Normalisation Kind, string Text)[] Variants =
    [
        (Normalisation.None, "none (no camera state)"),
        (Normalisation.FrameMean, "the frame's own mean region subtracted (no camera state)"),
        (Normalisation.CameraAllFrames, "camera background subtracted, from all its frames (unlabelled)"),
        (Normalisation.CameraTenFrames, Format($"camera background subtracted, from {BackgroundFrames} of its frames (unlabelled; calibrated: the calibration frames)")),
    ];

    /// <summary>A layout's normalised region vectors of every frame ([frame][region][512]).</summary>
    private sealed record Layout(string Name, float[][][] Regions, double MsPerFrame);

    private sealed record Score(double Accuracy, double MacroF1, double CalibratedAccuracy, double CalibratedF1, double Free, double CalibratedFree);

    public static async Task<int> RunAsync(DenseSceneSettings settings, CommandConsole console, CancellationToken cancellationToken)
    {
        var (frames, rows) = LabelledFrame.ReadLabels(settings.Data);
        var cameras = frames.Select(f => f.Camera).Distinct().Order(StringComparer.Ordinal).ToList();
        await console.Output.WriteLineAsync($"{frames.Count} usable frames of {rows} from cameras {string.Join(", ", cameras)}.");
        await using var engine = settings.Engine.CreateEngine();
        var backbone = engine.Repository.Get(TrainingSettings.Backbone, settings.BackboneVersion);
        byte[] map;
        string mapName;
        try
        {
            map = FeatureMapModel.Create(await File.ReadAllBytesAsync(backbone.OnnxPath, cancellationToken), out mapName);
        }
        catch (InvalidDataException e)
        {
            throw new UsageException($"{backbone.Id} has no feature map to cut: {e.Message}");
        }

        using var sessionOptions = new SessionOptions { IntraOpNumThreads = Math.Max(1, Environment.ProcessorCount), GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        using var session = new InferenceSession(map, sessionOptions);
        var inputName = session.InputMetadata.Keys.Single();

        var layouts = new List<Layout>();
        var tileFormat = new TensorFormat(backbone.ImageInput);
        var tiles = TrafficScenePackage.Tiles();
        var tileLayout = await WorkProgress.RunAsync(console, "2x2 tiles at 224x224", frames.Count, done =>
            Task.Run(() => Embed(engine.Preprocessor, session, inputName, mapName, tileFormat, tiles, frames, pooledPerRegion: true, done, cancellationToken), cancellationToken));
        layouts.Add(new Layout("2x2 tiles of 224x224 (version 2)", tileLayout, Time(engine.Preprocessor, session, inputName, mapName, tileFormat, tiles, frames)));
        foreach (var size in settings.Sizes)
        {
            var spec = backbone.ImageInput;
            var format = new TensorFormat(new InputSpec { Width = size.Width, Height = size.Height, Layout = spec.Layout, ChannelOrder = spec.ChannelOrder, ValueRange = spec.ValueRange, Mean = spec.Mean, Std = spec.Std, Resize = ResizeMode.Stretch });
            var cells = await WorkProgress.RunAsync(console, Format($"Dense map of the frame at {size.Width}x{size.Height}"), frames.Count, done =>
                Task.Run(() => Embed(engine.Preprocessor, session, inputName, mapName, format, null, frames, pooledPerRegion: false, done, cancellationToken), cancellationToken));
            layouts.Add(new Layout(Format($"dense map of the whole frame at {size.Width}x{size.Height} ({cells[0].Length} cells)"), cells, Time(engine.Preprocessor, session, inputName, mapName, format, null, frames)));
        }

        var table = new StringBuilder();
        table.AppendLine("| regions | per-camera normalisation | cost per frame | " + string.Join(" | ", cameras.Select(c => $"{c} zero-shot | {c} 10 frames")) + " | mean zero-shot | mean 10 frames |");
        table.AppendLine("|---|---|---:|" + string.Concat(cameras.Select(_ => "---:|---:|")) + "---:|---:|");
        var baseline = layouts[0].MsPerFrame;
        Score[]? free = null;
        foreach (var layout in layouts)
        {
            // Each camera's background from all its frames, for the training cameras and the all-frames variant.
            var backgrounds = cameras.ToDictionary(c => c, c => Mean(layout.Regions, Enumerable.Range(0, frames.Count).Where(i => frames[i].Camera == c)), StringComparer.Ordinal);
            foreach (var (kind, text) in Variants)
            {
                var scores = cameras.Select(camera => Evaluate(frames, layout.Regions, backgrounds, camera, kind)).ToArray();
                free ??= scores;
                table.AppendLine(Format($"| {layout.Name} | {text} | {layout.MsPerFrame / baseline:0.00}x | ") + string.Join(" | ", scores.Select(s => Format($"{s.Accuracy:P1} / {s.MacroF1:0.00} | {s.CalibratedAccuracy:P1} / {s.CalibratedF1:0.00}")))
                    + Format($" | **{scores.Average(s => s.Accuracy):P1}** | **{scores.Average(s => s.CalibratedAccuracy):P1}** |"));
                await console.Output.WriteLineAsync(Format($"{layout.Name}, {text}: zero-shot {scores.Average(s => s.Accuracy):P1}, 10 frames {scores.Average(s => s.CalibratedAccuracy):P1}"));
            }
        }

        table.AppendLine("| constant `free` | | | " + string.Join(" | ", free!.Select(s => Format($"{s.Free:P1} | {s.CalibratedFree:P1}"))) + " | | |");
        var directory = Path.GetDirectoryName(Path.GetFullPath(settings.Output));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        await File.WriteAllTextAsync(settings.Output, Report(frames, backbone, settings, table.ToString(), baseline), cancellationToken);
        await console.Output.WriteLineAsync($"Wrote {settings.Output}");
        return ExitCodes.Success;
    }

    /// <summary>
    /// One camera unseen: congestion trained on the others (classes balanced, as version 2) and
    /// tested on all its frames; then calibrated (<see cref="SceneCalibration.Fit"/>) with
    /// <see cref="TrafficScene2Trainer.CalibrationFrames"/> of its frames and tested on the rest,
    /// mean over <see cref="TrafficScene2Trainer.Seeds"/>.
    /// </summary>
    private static Score Evaluate(List<LabelledFrame> frames, float[][][] regions, Dictionary<string, float[][]> backgrounds, string camera, Normalisation kind)
    {
        var train = Enumerable.Range(0, frames.Count).Where(i => frames[i].Camera != camera).ToList();
        var test = Enumerable.Range(0, frames.Count).Where(i => frames[i].Camera == camera).ToList();
        float[] Features(int i, float[][]? background) => Pool(regions[i], kind switch
        {
            Normalisation.None => null,
            Normalisation.FrameMean => Enumerable.Repeat(Mean(regions[i]), regions[i].Length).ToArray(),
            _ => background,
        });
        float[][]? TrainBackground(int i) => kind is Normalisation.CameraAllFrames or Normalisation.CameraTenFrames ? backgrounds[frames[i].Camera] : null;
        var trainFeatures = train.Select(i => Features(i, TrainBackground(i))).ToList();
        var trainFrames = train.Select(i => frames[i]).ToList();
        var head = SoftmaxRegression.Train(trainFeatures, [.. trainFrames.Select(f => f.Congestion)], 3, TrafficScene2Trainer.CongestionL2, sampleWeights: TrafficScene2Trainer.Balanced(trainFrames));
        var data = new CalibrationData([.. train.Select((i, k) => Example(frames[i], trainFeatures[k]))], new float[Dimension], 0f);
        var free = test.Count(i => frames[i].Congestion == 0) / (double)test.Count;

        // Zero-shot: with the ten-frame background, the mean over the seeds' choices of the ten frames.
        double accuracy = 0, f1 = 0, calibratedAccuracy = 0, calibratedF1 = 0, calibratedFree = 0;
        var seeds = TrafficScene2Trainer.Seeds;
        foreach (var seed in seeds)
        {
            var chosen = TrafficScene2Trainer.Choose(test, frames, TrafficScene2Trainer.CalibrationFrames, seed);
            var rest = test.Except(chosen).ToList();
            var background = kind switch
            {
                Normalisation.CameraAllFrames => backgrounds[camera],
                Normalisation.CameraTenFrames => Mean(regions, chosen),
                _ => null,
            };
            var zeroShot = Report(head, [.. test.Select(i => Features(i, background))], test, frames);
            accuracy += zeroShot.Accuracy / seeds.Length;
            f1 += zeroShot.MacroF1 / seeds.Length;
            var calibrated = SceneCalibration.Fit(data, [.. chosen.Select(i => Example(frames[i], Features(i, background)))]);
            var report = Report(calibrated.Congestion, [.. rest.Select(i => Features(i, background))], rest, frames);
            calibratedAccuracy += report.Accuracy / seeds.Length;
            calibratedF1 += report.MacroF1 / seeds.Length;
            calibratedFree += rest.Count(i => frames[i].Congestion == 0) / (double)rest.Count / seeds.Length;
        }

        return new Score(accuracy, f1, calibratedAccuracy, calibratedF1, free, calibratedFree);
    }

    private static ClassificationReport Report(SoftmaxRegression head, List<float[]> features, List<int> test, List<LabelledFrame> frames) =>
        ClassificationReport.Evaluate(head, features, [.. test.Select(i => frames[i].Congestion)], TrafficSceneHeads.CongestionLabels);

    private static CalibrationExample Example(LabelledFrame frame, float[] features) =>
        new(frame.Camera, features, frame.Congestion, frame.Lighting, frame.Sure ? 1f : SceneCalibration.UnsureWeight);

    /// <summary>The regions, less the background's region of the same place when given, mean+max pooled as version 2 pools its tiles.</summary>
    private static float[] Pool(float[][] regions, float[][]? background)
    {
        if (background is null)
        {
            return FrameRegionEmbeddings.Pool(regions, RegionPooling.MeanMax);
        }

        return FrameRegionEmbeddings.Pool([.. regions.Select((r, j) => r.Select((v, k) => v - background[j][k]).ToArray())], RegionPooling.MeanMax);
    }

    /// <summary>The mean of each region position over the frames <paramref name="indexes"/>.</summary>
    private static float[][] Mean(float[][][] regions, IEnumerable<int> indexes)
    {
        var list = indexes.ToList();
        return [.. Enumerable.Range(0, regions[0].Length).Select(j => Mean([.. list.Select(i => regions[i][j])]))];
    }

    private static float[] Mean(float[][] vectors)
    {
        var mean = new float[vectors[0].Length];
        foreach (var v in vectors)
        {
            for (var k = 0; k < mean.Length; k++)
            {
                mean[k] += v[k] / vectors.Length;
            }
        }

        return mean;
    }

    /// <summary>
    /// Every frame's regions through the feature map model: with <paramref name="pooledPerRegion"/>,
    /// one vector per region (the mean of its cells: the backbone's own embedding), else one per cell; each L2-normalised.
    /// </summary>
    private static float[][][] Embed(ImagePreprocessor preprocessor, InferenceSession session, string input, string output, TensorFormat format, RectangleF[]? regions, List<LabelledFrame> frames, bool pooledPerRegion, Action done, CancellationToken cancellationToken)
    {
        var result = new float[frames.Count][][];
        for (var i = 0; i < frames.Count; i++)
        {
            var (map, shape) = Run(preprocessor, session, input, output, format, regions, File.ReadAllBytes(frames[i].File), cancellationToken);
            var batch = (int)shape[0];
            var cells = (int)(shape[2] * shape[3]);
            result[i] = pooledPerRegion
                ? [.. Enumerable.Range(0, batch).Select(b => Normalized(Enumerable.Range(0, Dimension).Select(c => Enumerable.Range(0, cells).Average(j => map[(((b * Dimension) + c) * cells) + j])).Select(v => (float)v).ToArray()))]
                : [.. Enumerable.Range(0, batch * cells).Select(j => Normalized([.. Enumerable.Range(0, Dimension).Select(c => map[((((j / cells) * Dimension) + c) * cells) + (j % cells)])]))];
            done();
        }

        return result;
    }

    private static (float[] Map, long[] Shape) Run(ImagePreprocessor preprocessor, InferenceSession session, string input, string output, TensorFormat format, RectangleF[]? regions, byte[] image, CancellationToken cancellationToken)
    {
        var count = regions?.Length ?? 1;
        var tensor = new float[count * format.Length];
        preprocessor.Preprocess(image, format, tensor, regions, cancellationToken);
        using var value = OrtValue.CreateTensorValueFromMemory(tensor, format.Shape(count));
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [input], [value], [output]);
        return (outputs[0].GetTensorDataAsSpan<float>().ToArray(), outputs[0].GetTensorTypeAndShape().Shape);
    }

    /// <summary>Median over passes of the mean wall time per frame (decode, resize and the backbone) of the first frames, one at a time.</summary>
    private static double Time(ImagePreprocessor preprocessor, InferenceSession session, string input, string output, TensorFormat format, RectangleF[]? regions, List<LabelledFrame> frames)
    {
        var images = frames.Take(TimedFrames).Select(f => File.ReadAllBytes(f.File)).ToList();
        Run(preprocessor, session, input, output, format, regions, images[0], CancellationToken.None);
        var passes = new List<double>();
        for (var pass = 0; pass < TimedPasses; pass++)
        {
            var watch = Stopwatch.StartNew();
            foreach (var image in images)
            {
                Run(preprocessor, session, input, output, format, regions, image, CancellationToken.None);
            }

            passes.Add(watch.Elapsed.TotalMilliseconds / images.Count);
        }

        return passes.Order().ElementAt(passes.Count / 2);
    }

    private static float[] Normalized(float[] vector)
    {
        Postprocessing.L2Normalize(vector);
        return vector;
    }

    private static string Report(List<LabelledFrame> frames, ModelVersion backbone, DenseSceneSettings settings, string table, double baselineMs)
    {
        var text = new StringBuilder();
        text.AppendLine("# traffic-scene: congestion over the backbone's dense feature map, measured");
        text.AppendLine();
        text.AppendLine(Format($"Reproduce from the repository root: `dotnet run -c Release --project functions/SmartCity.Cli -- evaluate-dense-scenes --data ../shared/data/traffic-cameras --backbone-version {backbone.Version} --sizes {string.Join(',', settings.Sizes.Select(s => $"{s.Width}x{s.Height}"))} --out {settings.Output}`. Measures only: no model is written."));
        text.AppendLine();
        text.AppendLine(Format($"- Data: {frames.Count} frames of `labels.csv` (frames labelled `unusable` left out), cameras {string.Join(", ", frames.Select(f => f.Camera).Distinct())}."));
        text.AppendLine(Format($"- Backbone: {backbone.Id} cut before its global average pool (`FeatureMapModel`), so it gives one 512-value vector per 32x32 pixels of its input. Version 2's regions are its 2x2 tiles at 224x224, each the mean of its 7x7 cells (the backbone's own embedding); a dense layout is the whole frame stretched to the size given, every cell a region."));
        text.AppendLine("- Every region vector L2-normalised; with a per-camera normalisation, the mean region vector of the same place is subtracted first; then mean+max pooled (1024 values) as version 2 pools its tiles.");
        text.AppendLine(Format($"- Congestion: version 2's head and calibration: multinomial logistic regression, L2 {TrafficScene2Trainer.CongestionL2:g}, unsure labels weigh {SceneCalibration.UnsureWeight}, classes balanced; calibrated by `SceneCalibration.Fit` with {TrafficScene2Trainer.CalibrationFrames} frames of the unseen camera (one from each tenth of its frames in time, seeds {string.Join(", ", TrafficScene2Trainer.Seeds)}), tested on its other frames."));
        text.AppendLine(Format($"- Camera background: the mean normalised region vector of each place over the camera's frames, without their labels. The training cameras use all their frames. The unseen camera uses all its frames, or only {BackgroundFrames} (zero-shot: the {BackgroundFrames} frames each seed would choose for calibration, mean over the seeds; calibrated: the calibration frames themselves)."));
        text.AppendLine(Format($"- Cost per frame: the median over {TimedPasses} passes of the mean wall time of decoding, resizing and running the backbone on the first {TimedFrames} frames one at a time, as a ratio to version 2's 2x2 tiles ({baselineMs:0.0} ms per frame in this run, {Environment.ProcessorCount} cores)."));
        text.AppendLine();
        var perCamera = frames.GroupBy(f => f.Camera).Select(g => g.Count()).ToList();
        text.AppendLine(Format($"Each cell: congestion accuracy / macro-F1 on the unseen camera. A camera has {perCamera.Min()} to {perCamera.Max()} frames, so one frame is {100.0 / perCamera.Max():0.0} to {100.0 / perCamera.Min():0.0} points of its zero-shot figure; with three cameras, differences of a few points between rows are within what a small change of the features moves."));
        text.AppendLine();
        text.Append(table);
        text.AppendLine();
        text.AppendLine("## Credit");
        text.AppendLine();
        text.AppendLine($"Contains information from {TrafficScenePackage.FramesAttribution}.");
        return text.ToString();
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
