using System.Globalization;
using SmartCity.Inference.Imaging;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;
using SmartCity.Training.Cards;

namespace SmartCity.Training.Scenes;

/// <summary>A labelled frame of the camera being calibrated.</summary>
/// <param name="Id">Names the frame in errors and on the card (a file name or blob name).</param>
/// <param name="Image">The encoded frame (JPEG or PNG), as the camera uploads it.</param>
/// <param name="Congestion"><c>free</c>, <c>moderate</c> or <c>heavy</c>.</param>
/// <param name="Lighting"><c>day</c>, <c>twilight</c> or <c>night</c>.</param>
/// <param name="Sure">False when the congestion label is a guess (it then weighs half).</param>
public sealed record CalibrationFrame(string Id, ReadOnlyMemory<byte> Image, string Congestion, string Lighting, bool Sure = true);

/// <summary>What a calibration made: the files of the camera's model version, its card, and its own held-out figures.</summary>
/// <param name="Files">File name to content: <c>model.json</c>, <c>head.onnx</c>, <c>congestion.txt</c>, <c>lighting.txt</c>, <c>card.json</c>.</param>
/// <param name="LeaveOneOutCongestion">Congestion accuracy when each calibration frame in turn is left out of the fit and predicted (null with fewer than 2 frames or when not asked).</param>
public sealed record SceneCalibrationResult(IReadOnlyDictionary<string, byte[]> Files, ModelCard Card, double? LeaveOneOutCongestion);

/// <summary>
/// Per-camera calibration of a traffic-scene version that ships <c>calibration.bin</c>
/// (<c>models/traffic-scene/2</c>): the congestion and lighting heads are retrained on the base
/// version's training features plus the camera's labelled frames, each of which weighs
/// <see cref="CameraWeight"/> times a base frame; the lighting head is refitted on the base
/// features alone (the camera's frames made it worse), and the vehicle and embedding outputs are the base version's.
/// With at least <see cref="BackgroundMinFrames"/> frames (and format-2 calibration data), the
/// camera's background (the mean of its calibration frames' normalised tiles) is subtracted from
/// every tile before congestion pools them, as every base frame's own camera background was: the
/// head then reads what differs from the camera's usual view (see <see cref="TrafficSceneHeads.Background"/>).
/// No storage and no Functions SDK: the caller brings the frames and publishes the files.
/// </summary>
public static class SceneCalibration
{
    /// <summary>How much more a calibration frame weighs than a base training frame (chosen leave-one-camera-out: 3 beat 10, see TRAINING.md).</summary>
    public const float CameraWeight = 3f;

    /// <summary>L2 of both retrained heads, the base version's.</summary>
    public const float L2 = 1f;

    /// <summary>Weight of a frame whose congestion label is unsure.</summary>
    public const float UnsureWeight = 0.5f;

    /// <summary>Fewest and most frames a calibration takes.</summary>
    public const int MinFrames = 1;

    public const int MaxFrames = 500;

    /// <summary>Fewest calibration frames whose mean tiles are taken as the camera's background; with fewer, congestion is calibrated on the tiles as they are.</summary>
    public const int BackgroundMinFrames = 5;

    /// <summary>
    /// Calibrates <paramref name="baseModel"/> (a traffic-scene version whose folder holds
    /// <c>calibration.bin</c>) to <paramref name="camera"/> from its labelled <paramref name="frames"/>.
    /// </summary>
    /// <param name="engine">Runs the base version's backbone on the frames' tiles.</param>
    /// <param name="baseModel">The version to adapt, e.g. <c>engine.Repository.Get("traffic-scene", "2")</c>.</param>
    /// <param name="camera">The camera id, written on the card and the manifest's description.</param>
    /// <param name="frames">The camera's labelled frames (1 to 500; about 10 is the measured case).</param>
    /// <param name="leaveOneOut">Also measure congestion accuracy leaving each frame out in turn (one more fit per frame).</param>
    /// <returns>The files of the camera's model version, to be published as a version of its own.</returns>
    /// <exception cref="ArgumentException">A frame has an unknown label, or there are too few or too many frames.</exception>
    /// <exception cref="InvalidOperationException">The base version has no usable <c>calibration.bin</c>.</exception>
    public static async Task<SceneCalibrationResult> CalibrateAsync(InferenceEngine engine, ModelVersion baseModel, string camera, IReadOnlyList<CalibrationFrame> frames, bool leaveOneOut = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(baseModel);
        ArgumentException.ThrowIfNullOrWhiteSpace(camera);
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count is < MinFrames or > MaxFrames)
        {
            throw new ArgumentException($"A calibration takes {MinFrames} to {MaxFrames} labelled frames; got {frames.Count}.", nameof(frames));
        }

        var labelled = frames.Select(f => (f, Congestion: Array.IndexOf(TrafficSceneHeads.CongestionLabels, f.Congestion), Lighting: Array.IndexOf(TrafficSceneHeads.LightingLabels, f.Lighting))).ToList();
        if (labelled.FirstOrDefault(l => l.Congestion < 0 || l.Lighting < 0) is { f: not null } bad)
        {
            throw new ArgumentException($"Frame '{bad.f.Id}' has congestion '{bad.f.Congestion}' and lighting '{bad.f.Lighting}'; congestion is one of {string.Join(", ", TrafficSceneHeads.CongestionLabels)}, lighting one of {string.Join(", ", TrafficSceneHeads.LightingLabels)}.", nameof(frames));
        }

        var data = ReadCalibrationData(baseModel);
        var tiles = new List<float[][]>(frames.Count);
        foreach (var (frame, _, _) in labelled)
        {
            tiles.Add(await EmbedTilesAsync(engine, baseModel, frame.Image, cancellationToken).ConfigureAwait(false));
        }

        var background = BackgroundOf(data, tiles);
        var cameraExamples = labelled.Select((l, i) => Example(camera, tiles[i], l.Congestion, l.Lighting, l.f.Sure ? 1f : UnsureWeight, background)).ToList();
        var heads = Fit(data, cameraExamples, background);
        double? looAccuracy = null;
        if (leaveOneOut && cameraExamples.Count >= 2)
        {
            // Each frame predicted by heads fitted without its label (the background, which needs no labels, keeps it).
            var right = 0;
            for (var k = 0; k < cameraExamples.Count; k++)
            {
                var without = Fit(data, [.. cameraExamples.Where((_, i) => i != k)], background);
                right += without.Congestion.Predict(cameraExamples[k].Centered ?? cameraExamples[k].Features) == cameraExamples[k].Congestion ? 1 : 0;
            }

            looAccuracy = (double)right / cameraExamples.Count;
        }

        var card = Card(baseModel, camera, labelled.Select(l => l.Congestion).ToList(), looAccuracy, background is not null);
        var backgroundText = background is null ? "" : "; congestion reads each tile less the camera's background, the mean of those frames' tiles";
        var description = string.Create(CultureInfo.InvariantCulture, $"{baseModel.Manifest.Description} Calibrated for camera {camera} from {frames.Count} labelled frames (SceneCalibration over {baseModel.Id}{backgroundText}).");
        var files = TrafficScenePackage.Files(heads, data.VehicleWeights.Length, baseModel.Backbone?.Version ?? throw new InvalidOperationException($"Model '{baseModel.Id}' has no backbone."), description, "SmartCity.Training SceneCalibration", card, null, null);
        return new SceneCalibrationResult(files, card, looAccuracy);
    }

    /// <summary>
    /// The camera's background for a calibration from the tiles of its <paramref name="frames"/>:
    /// null with fewer than <see cref="BackgroundMinFrames"/> frames or calibration data without centred features.
    /// </summary>
    public static float[][]? BackgroundOf(CalibrationData data, IReadOnlyList<IReadOnlyList<float[]>> frames)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(frames);
        return data.HasCentered && frames.Count >= BackgroundMinFrames ? TrafficSceneHeads.BackgroundOf(frames) : null;
    }

    /// <summary>A calibration frame of <paramref name="camera"/> as <see cref="Fit"/> reads it: its pooled features and, with a background, its centred ones.</summary>
    public static CalibrationExample Example(string camera, IReadOnlyList<float[]> tiles, int congestion, int lighting, float weight, float[][]? background) =>
        new(camera, TrafficSceneHeads.Pool(tiles), congestion, lighting, weight, background is null ? null : TrafficSceneHeads.PoolCentered(tiles, background));

    /// <summary>
    /// Congestion retrained on the base examples plus the camera's (each weighing <see cref="CameraWeight"/> times its own weight),
    /// over their centred features when <paramref name="background"/> is given (the heads then carry it); lighting on the base
    /// examples; the vehicle presence is the base's.
    /// </summary>
    /// <exception cref="ArgumentException">A background is given but an example has no centred features.</exception>
    public static TrafficSceneHeads Fit(CalibrationData data, IReadOnlyList<CalibrationExample> cameraExamples, float[][]? background = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(cameraExamples);
        var all = data.Examples.Concat(cameraExamples).ToList();
        if (background is not null && all.Any(e => e.Centered is null))
        {
            throw new ArgumentException("A background calibration needs centred features of every example.", nameof(background));
        }

        var weights = data.Examples.Select(e => e.Weight).Concat(cameraExamples.Select(e => e.Weight * CameraWeight)).ToArray();
        var x = all.Select(e => background is null ? e.Features : e.Centered!).ToList();
        var congestion = SoftmaxRegression.Train(x, [.. all.Select(e => e.Congestion)], TrafficSceneHeads.CongestionLabels.Length, L2, sampleWeights: weights);
        // Lighting is refitted on the base examples alone (the base version's head): leave-one-camera-out, adding the camera's
        // frames at this weight made it worse (2701: 94.1 % to 73.1 %, see TRAINING.md), so their lighting labels are not used.
        var lighting = SoftmaxRegression.Train([.. data.Examples.Select(e => e.Features)], [.. data.Examples.Select(e => e.Lighting)], TrafficSceneHeads.LightingLabels.Length, L2);
        return new TrafficSceneHeads(congestion, lighting, data.VehicleWeights, data.VehicleBias, background);
    }

    /// <summary>The backbone outputs of <paramref name="model"/>'s tiles of one encoded frame, one row per tile.</summary>
    public static async Task<float[][]> EmbedTilesAsync(InferenceEngine engine, ModelVersion model, ReadOnlyMemory<byte> image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(model);
        var backbone = model.Backbone ?? throw new InvalidOperationException($"Model '{model.Id}' has no backbone.");
        var format = new TensorFormat(backbone.ImageInput);
        var tensor = new float[model.Regions.Count * format.Length];
        engine.Preprocessor.Preprocess(image, format, tensor, model.Regions, cancellationToken);
        return await engine.InferTensorAsync(backbone, tensor, [model.Regions.Count, 3, format.Height, format.Width], cancellationToken).ConfigureAwait(false);
    }

    private static CalibrationData ReadCalibrationData(ModelVersion baseModel)
    {
        var path = Path.Combine(baseModel.Directory, CalibrationData.FileName);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"Model '{baseModel.Id}' has no {CalibrationData.FileName}: only a traffic-scene version trained with it (version 2 on) can be calibrated.");
        }

        try
        {
            var data = CalibrationData.Read(File.ReadAllBytes(path));
            var tiles = baseModel.Regions.Count;
            if (tiles != TrafficScenePackage.Columns * TrafficScenePackage.Rows || data.Examples[0].Features.Length != 2 * data.VehicleWeights.Length)
            {
                throw new FormatException($"does not fit the model: {tiles} tiles, {data.Examples[0].Features.Length} features and {data.VehicleWeights.Length} presence weights.");
            }

            return data;
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException($"Model '{baseModel.Id}': {path} is not usable calibration data: it {ex.Message}", ex);
        }
    }

    private static ModelCard Card(ModelVersion baseModel, string camera, List<int> congestion, double? looAccuracy, bool background)
    {
        var card = ModelCard.TryRead(baseModel.Directory) ?? new ModelCard();
        card.IntendedUse = string.Create(CultureInfo.InvariantCulture, $"Camera {camera} only: {baseModel.Id} calibrated from {congestion.Count} labelled frames of that camera. Congestion (free, moderate, heavy), lighting (day, twilight, night), the pooled embedding for frozen-feed detection, and {TrafficScenePackage.VehiclesDescription}.");
        card.CreatedBy = "SmartCity.Training SceneCalibration";
        card.CreatedAt = DateTimeOffset.UtcNow;
        card.Examples = null;
        var counts = TrafficSceneHeads.CongestionLabels.Select((l, i) => (l, congestion.Count(c => c == i))).ToDictionary(t => t.l, t => t.Item2);
        card.KnownLimits =
        [
            .. card.KnownLimits,
            string.Create(CultureInfo.InvariantCulture, $"Calibrated for camera {camera} with {congestion.Count} frames ({string.Join(", ", counts.Select(kv => $"{kv.Value} {kv.Key}"))}); for other cameras use {baseModel.Id}."),
            looAccuracy is { } a
                ? string.Create(CultureInfo.InvariantCulture, $"Leave-one-out over the {congestion.Count} calibration frames: congestion {a:P1} right (each frame predicted by heads fitted without it; a small sample).")
                : "No held-out figure of its own: too few calibration frames.",
            background
                ? string.Create(CultureInfo.InvariantCulture, $"Congestion reads the camera's frames less its background, the mean of the {congestion.Count} calibration frames' tiles: a camera moved or re-aimed needs a new calibration.")
                : string.Create(CultureInfo.InvariantCulture, $"Fewer than {BackgroundMinFrames} calibration frames (or base calibration data without centred features): calibrated without the camera's background."),
        ];
        return card;
    }
}
