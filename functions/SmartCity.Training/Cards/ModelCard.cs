using System.Text.Json;

namespace SmartCity.Training.Cards;

/// <summary>
/// What a model version is for and how far to trust it, stored as <c>card.json</c> beside its
/// manifest: intended use, labels, training data (source, counts per label, date), backbone and
/// its version, training settings, held-out metrics per head (accuracy, macro-F1, confusion
/// matrix), known limits and licence. Written by the CLI trainers and the training jobs alike.
/// </summary>
public sealed class ModelCard
{
    /// <summary>The card's file name in a version folder.</summary>
    public const string FileName = "card.json";

    /// <summary>What the model is for, in a sentence or two.</summary>
    public string? IntendedUse { get; set; }

    /// <summary>Each output the model answers with, primary first: labels, training counts, held-out result.</summary>
    public List<HeadCard> Heads { get; set; } = [];

    public TrainingDataCard? TrainingData { get; set; }

    public BackboneCard? Backbone { get; set; }

    public TrainingSettingsCard? Training { get; set; }

    /// <summary>The version's example index (nearest training examples for explanations), or null when it has none.</summary>
    public ExamplesCard? Examples { get; set; }

    /// <summary>Where the model is known to do badly or must not be used.</summary>
    public List<string> KnownLimits { get; set; } = [];

    /// <summary>Licence and credit of the weights and of the data they were trained on.</summary>
    public string? License { get; set; }

    /// <summary>Who or what made the model (a CLI command, a training job).</summary>
    public string? CreatedBy { get; set; }

    public DateTimeOffset? CreatedAt { get; set; }

    /// <summary>The primary head, whose figures the Open Inference model metadata shows.</summary>
    public HeadCard? Primary => Heads.Count > 0 ? Heads[0] : null;

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, ModelCardJsonContext.Default.ModelCard);

    public static ModelCard FromJson(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, ModelCardJsonContext.Default.ModelCard) ?? throw new JsonException("The model card is empty.");

    /// <summary>The card in a version folder, or null when it has none (or one that cannot be read).</summary>
    public static ModelCard? TryRead(string versionDirectory)
    {
        var path = Path.Combine(versionDirectory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return FromJson(File.ReadAllBytes(path));
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
