using System.Globalization;
using SmartCity.Inference.Models;
using SmartCity.Training.Cards;

namespace SmartCity.Training;

/// <summary>
/// How many training examples a version's example index keeps, and whether their images may be
/// shown: a training option (CLI <c>--examples-per-label</c> and <c>--example-images-may-be-shown</c>,
/// training-job fields <c>examplesPerLabel</c> and <c>exampleImagesMayBeShown</c>).
/// </summary>
/// <param name="MaxPerLabel">At most this many examples of each label of the primary head (<see cref="MinPerLabel"/> to <see cref="MaxPerLabelLimit"/>); 0 writes no index.</param>
/// <param name="ImagesMayBeShown">Whether the card allows explanations to name the training images (default no). Even then only a file or blob name is kept, never pixels.</param>
public sealed record ExampleIndexSettings(int MaxPerLabel = ExampleIndexSettings.DefaultPerLabel, bool ImagesMayBeShown = false)
{
    /// <summary>32 per label: 6 labels of 512 floats make a 400 KB index.</summary>
    public const int DefaultPerLabel = 32;

    public const int MinPerLabel = 0;

    public const int MaxPerLabelLimit = 1000;

    /// <summary>Null when the settings are in range, else why not (naming <paramref name="field"/>).</summary>
    public string? Problem(string field) => MaxPerLabel is < MinPerLabel or > MaxPerLabelLimit
        ? string.Create(CultureInfo.InvariantCulture, $"'{field}' must be a whole number from {MinPerLabel} (no example index) to {MaxPerLabelLimit}; got {MaxPerLabel}.")
        : null;
}

/// <summary>One head whose labels the examples carry: its output, labels, and every image's class.</summary>
public sealed record ExampleHead(string Output, IReadOnlyList<string> Labels, IReadOnlyList<int> Classes);

/// <summary>An example index for a version, and its account for the model card.</summary>
public sealed record TrainingExamples(ExampleIndex Index, ExamplesCard Card)
{
    /// <summary>Seed of the choice of examples when a label has more than the cap.</summary>
    public const int Seed = 42;

    public const string EmbeddingMethod = "the L2-normalised embedding explanations compare an image by (the backbone's output; for a tiled model, the normalised mean of its regions' normalised outputs, as its 'embedding' output)";

    /// <summary>
    /// The images kept: every image of a label with at most <paramref name="maxPerLabel"/>, else
    /// <paramref name="maxPerLabel"/> of it chosen at random (seed 42); in their original order.
    /// </summary>
    public static IReadOnlyList<int> Choose(IReadOnlyList<int> classes, int maxPerLabel)
    {
        ArgumentNullException.ThrowIfNull(classes);
        var random = new Random(Seed);
        var chosen = new List<int>();
        foreach (var group in Enumerable.Range(0, classes.Count).GroupBy(i => classes[i]).OrderBy(g => g.Key))
        {
            chosen.AddRange(group.OrderBy(_ => random.Next()).Take(maxPerLabel));
        }

        chosen.Sort();
        return chosen;
    }

    /// <summary>
    /// The index of the chosen images (<paramref name="chosen"/> indexes all of the lists), for
    /// <paramref name="heads"/> (the primary first; the cap counts its labels).
    /// </summary>
    /// <param name="embeddings">Each image's embedding, as <see cref="Inference.Runtime.InferenceEngine.ExampleEmbeddingAsync"/> computes it.</param>
    /// <param name="ids">Each image's opaque id (its file or blob name).</param>
    /// <param name="images">Each image's reference to show when <see cref="ExampleIndexSettings.ImagesMayBeShown"/>; null to use the id.</param>
    public static TrainingExamples Create(IReadOnlyList<int> chosen, IReadOnlyList<float[]> embeddings, IReadOnlyList<string> ids, IReadOnlyList<string>? images, IReadOnlyList<ExampleHead> heads, ExampleIndexSettings settings, string source)
    {
        ArgumentNullException.ThrowIfNull(chosen);
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(heads);
        ArgumentNullException.ThrowIfNull(settings);
        var metadata = new ExampleIndexMetadata
        {
            ImagesMayBeShown = settings.ImagesMayBeShown,
            Source = source,
            Heads = [.. heads.Select(h => new ExampleIndexHead { Output = h.Output, Labels = [.. h.Labels] })],
            Examples = [.. chosen.Select(i => new ExampleEntry
            {
                Id = ids[i],
                Labels = [.. heads.Select(h => h.Classes[i])],
                Image = settings.ImagesMayBeShown ? images?[i] ?? ids[i] : null,
            })],
        };
        var index = ExampleIndex.Create([.. chosen.Select(i => embeddings[i])], metadata);
        var primary = heads[0];
        var counts = primary.Labels.ToDictionary(l => l, _ => 0, StringComparer.Ordinal);
        foreach (var i in chosen)
        {
            counts[primary.Labels[primary.Classes[i]]]++;
        }

        var card = new ExamplesCard
        {
            File = ExampleIndex.FileName,
            Count = index.Count,
            Dimension = index.Dimension,
            MaxPerLabel = settings.MaxPerLabel,
            CountsPerLabel = counts,
            ChosenFrom = embeddings.Count,
            ImagesMayBeShown = settings.ImagesMayBeShown,
            Method = string.Create(CultureInfo.InvariantCulture,
                $"{EmbeddingMethod}; at most {settings.MaxPerLabel} images of each '{primary.Output}' label, chosen at random (seed {Seed}) where a label has more. Embeddings and ids only: {(settings.ImagesMayBeShown ? "each example also names its image (a file or blob name), which explanations may show; no pixels are copied" : "no pixels, and explanations do not point to the images")}."),
            Source = source,
        };
        return new TrainingExamples(index, card);
    }
}
