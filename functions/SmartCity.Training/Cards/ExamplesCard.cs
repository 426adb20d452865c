namespace SmartCity.Training.Cards;

/// <summary>
/// The model card's account of the version's example index (<c>examples.bin</c>): that it exists,
/// how many examples of how many values, how they were chosen and capped, and whether the training
/// images may be shown (by default not: the index holds embeddings and ids, never pixels).
/// </summary>
public sealed class ExamplesCard
{
    /// <summary>The index file, as the manifest's <c>examples</c> names it.</summary>
    public string? File { get; set; }

    public int Count { get; set; }

    /// <summary>Values per embedding (the backbone's embedding size).</summary>
    public int Dimension { get; set; }

    /// <summary>The cap: at most this many examples of each label of the primary head.</summary>
    public int MaxPerLabel { get; set; }

    /// <summary>Examples kept per label of the primary head.</summary>
    public Dictionary<string, int> CountsPerLabel { get; set; } = [];

    /// <summary>Labelled images the examples were chosen from.</summary>
    public int ChosenFrom { get; set; }

    /// <summary>Whether explanations may point to the training images (a file or blob name; the index never holds pixels).</summary>
    public bool ImagesMayBeShown { get; set; }

    /// <summary>Which embedding the index holds, and how examples were chosen.</summary>
    public string? Method { get; set; }

    /// <summary>Where the examples come from, with the data's credit.</summary>
    public string? Source { get; set; }
}
