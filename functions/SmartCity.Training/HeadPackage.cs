using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SmartCity.Inference.Models;
using SmartCity.Training.Cards;

namespace SmartCity.Training;

/// <summary>
/// The files of a trained single-head version, in the repository layout: <c>model.json</c> (a
/// classification head over a backbone), <c>head.onnx</c>, <c>labels.txt</c>, <c>card.json</c>, and
/// optionally the example index <c>examples.bin</c> (named by the manifest's <c>examples</c>, described by the card).
/// The same package is written to a folder by the CLI and published by a training job.
/// </summary>
public sealed class HeadPackage
{
    public const string HeadFileName = "head.onnx";
    public const string LabelsFileName = "labels.txt";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private HeadPackage(IReadOnlyDictionary<string, byte[]> files, ModelCard card)
    {
        Files = files;
        Card = card;
    }

    /// <summary>File name to content; <c>model.json</c> is the manifest.</summary>
    public IReadOnlyDictionary<string, byte[]> Files { get; }

    public ModelCard Card { get; }

    /// <summary>A classification head (logits) over <paramref name="backbone"/>, with its card and, when given, its example index.</summary>
    public static HeadPackage Create(SoftmaxRegression head, IReadOnlyList<string> labels, BackboneReference backbone, string description, string license, ModelCard card, TrainingExamples? examples = null)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(backbone);
        ArgumentNullException.ThrowIfNull(card);
        // The manifest as bundled heads spell it (models/vehicle-type/1/model.json).
        var manifest = new JsonObject
        {
            ["task"] = "image-classification",
            ["description"] = description,
            ["license"] = license,
            ["file"] = HeadFileName,
            ["backbone"] = new JsonObject { ["model"] = backbone.Model, ["version"] = backbone.Version },
            ["input"] = new JsonObject { ["name"] = "features" },
            ["output"] = new JsonObject { ["name"] = "logits", ["kind"] = "logits" },
            ["labels"] = LabelsFileName,
        };
        if (examples is not null)
        {
            manifest["examples"] = ExampleIndex.FileName;
            card.Examples = examples.Card;
        }

        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [ModelRepository.ManifestFileName] = Encoding.UTF8.GetBytes(manifest.ToJsonString(Indented) + "\n"),
            [HeadFileName] = HeadTraining.HeadOnnx(head.Features, [("logits", head)]),
            [LabelsFileName] = Encoding.UTF8.GetBytes(string.Join('\n', labels) + "\n"),
            [ModelCard.FileName] = card.ToJson(),
        };
        if (examples is not null)
        {
            files[ExampleIndex.FileName] = examples.Index.ToBytes();
        }

        return new HeadPackage(files, card);
    }

    /// <summary>Writes every file into <paramref name="folder"/> (created when missing).</summary>
    public async Task WriteToAsync(string folder, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(folder);
        foreach (var (name, content) in Files)
        {
            await File.WriteAllBytesAsync(Path.Combine(folder, name), content, cancellationToken).ConfigureAwait(false);
        }
    }
}
