namespace SmartCity.Functions.Http;

/// <summary>
/// One head's occlusion map: <see cref="Scores"/>[row][column] is how much masking that cell
/// lowers the probability of <see cref="Label"/> (negative: it raises it); <see cref="Png"/> is the
/// heat-map overlay, base64, <see cref="PngWidth"/> x <see cref="PngHeight"/> at the image's aspect ratio.
/// </summary>
public sealed record SaliencyMapBody(string Head, string Label, float Probability, float[][] Scores, string Png, int PngWidth, int PngHeight)
{
    /// <summary>
    /// The nearest training examples by embedding, most similar first, with this head's labels;
    /// left out when the version has no example index (or <c>examples=0</c>).
    /// </summary>
    public IReadOnlyList<NearestExampleBody>? Examples { get; init; }
}
