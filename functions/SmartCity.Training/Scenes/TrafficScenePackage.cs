using System.Drawing;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SmartCity.Inference.Models;
using SmartCity.Training.Cards;

namespace SmartCity.Training.Scenes;

/// <summary>
/// The files of a traffic-scene version with the four heads of <see cref="TrafficSceneHeads"/> over
/// a 2x2 tile grid: <c>model.json</c>, <c>head.onnx</c>, <c>congestion.txt</c>, <c>lighting.txt</c>,
/// <c>card.json</c>, and when given <c>calibration.bin</c> and <c>examples.bin</c>.
/// </summary>
public static class TrafficScenePackage
{
    /// <summary>Tile grid of the version: 2 columns, 2 rows, no whole-frame region.</summary>
    public const int Columns = 2;

    public const int Rows = 2;

    /// <summary>The version's tiles as regions of the frame (fractions of its width and height), row by row, as the engine cuts them from the manifest's grid.</summary>
    public static RectangleF[] Tiles() =>
    [
        .. Enumerable.Range(0, Rows).SelectMany(r => Enumerable.Range(0, Columns).Select(c =>
            new RectangleF((float)c / Columns, (float)r / Rows, 1f / Columns, 1f / Rows))),
    ];

    public const string VehiclesDescription = "vehicles: estimated vehicle occupancy, the mean over the 2x2 tiles of the probability that a tile shows vehicles (0 to 1; a fraction of the frame's tiles, not a count)";

    /// <summary>The credit the shared camera frames ask for (Singapore Open Data Licence), as it follows "contains information from".</summary>
    public const string FramesAttribution = "Traffic Images accessed from LTA DataMall, made available under the terms of the Singapore Open Data Licence version 1.0";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Dictionary<string, byte[]> Files(TrafficSceneHeads heads, int dimension, string backboneVersion, string description, string producer, ModelCard card, CalibrationData? calibration, TrainingExamples? examples)
    {
        ArgumentNullException.ThrowIfNull(heads);
        ArgumentNullException.ThrowIfNull(card);
        var manifest = new JsonObject
        {
            ["task"] = "image-classification",
            ["description"] = description,
            ["license"] = $"Head weights: trained by this project on frames that contain information from {FramesAttribution}. Backbone: see resnet18-embedding.",
            ["file"] = HeadPackage.HeadFileName,
            ["backbone"] = new JsonObject { ["model"] = "resnet18-embedding", ["version"] = backboneVersion },
            ["tiles"] = new JsonObject { ["grid"] = new JsonArray(Columns, Rows), ["includeFull"] = false },
            ["input"] = new JsonObject { ["name"] = "features" },
            ["heads"] = new JsonArray(
                new JsonObject { ["output"] = "congestion", ["kind"] = "logits", ["labels"] = "congestion.txt" },
                new JsonObject { ["output"] = "lighting", ["kind"] = "logits", ["labels"] = "lighting.txt" },
                new JsonObject { ["output"] = "embedding", ["kind"] = "embedding" },
                new JsonObject { ["output"] = "vehicles", ["kind"] = "estimate" }),
        };
        if (examples is not null)
        {
            manifest["examples"] = ExampleIndex.FileName;
            card.Examples = examples.Card;
        }

        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [ModelRepository.ManifestFileName] = Encoding.UTF8.GetBytes(manifest.ToJsonString(Indented) + "\n"),
            [HeadPackage.HeadFileName] = heads.HeadOnnx(Columns * Rows, dimension, producer),
            ["congestion.txt"] = Encoding.UTF8.GetBytes(string.Join('\n', TrafficSceneHeads.CongestionLabels) + "\n"),
            ["lighting.txt"] = Encoding.UTF8.GetBytes(string.Join('\n', TrafficSceneHeads.LightingLabels) + "\n"),
            [ModelCard.FileName] = [.. card.ToJson(), (byte)'\n'],
        };
        if (calibration is not null)
        {
            files[CalibrationData.FileName] = calibration.ToBytes();
        }

        if (examples is not null)
        {
            files[ExampleIndex.FileName] = examples.Index.ToBytes();
        }

        return files;
    }
}
