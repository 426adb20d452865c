namespace SmartCity.Inference.Explaining;

/// <summary>
/// What one head looks at: for each grid cell (row-major, <see cref="Explanation.Rows"/> x
/// <see cref="Explanation.Columns"/>), how much the probability of <see cref="Label"/> drops when
/// the cell is masked (negative: masking it raises the probability).
/// </summary>
/// <param name="Head">The head (output) name.</param>
/// <param name="Label">The head's top label on the unmasked image, the one explained.</param>
/// <param name="Probability">Its probability on the unmasked image.</param>
/// <param name="Scores">Probability drop per cell, row-major.</param>
/// <param name="Png">The heat map over the image as the model saw it, a small PNG at the image's aspect ratio.</param>
/// <param name="PngWidth">Width of <paramref name="Png"/>.</param>
/// <param name="PngHeight">Height of <paramref name="Png"/>.</param>
public sealed record SaliencyMap(string Head, string Label, float Probability, float[] Scores, byte[] Png, int PngWidth, int PngHeight)
{
    /// <summary>
    /// The training examples nearest to the image by embedding, most similar first, with this head's
    /// labels; null when the model version has no example index (or the head is not in it), or none were asked for.
    /// </summary>
    public IReadOnlyList<NearestExample>? Examples { get; init; }

    /// <summary>Cell indexes, the most important (largest drop) first.</summary>
    public int[] Ranking() => [.. Enumerable.Range(0, Scores.Length).OrderByDescending(i => Scores[i]).ThenBy(i => i)];
}
