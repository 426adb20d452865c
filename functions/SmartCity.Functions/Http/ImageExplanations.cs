using SmartCity.Inference;
using SmartCity.Inference.Explaining;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Functions.Http;

/// <summary>
/// Explains the images of one request, one after the other (each is already a bounded set of
/// batches through the model's batcher), after checking the count against <c>Http:MaxExplainImages</c>.
/// A failing image is named by its index and part name, as <see cref="ImageBatch"/> does.
/// </summary>
public static class ImageExplanations
{
    /// <param name="examples">Nearest training examples per head (0 to <see cref="InferenceEngine.MaxNearestExamples"/>), for versions with an example index.</param>
    public static async Task<Explanation[]> ExplainAsync(InferenceEngine engine, ModelVersion model, IReadOnlyList<RequestImage> images, int maxImages, int top, float threshold, int examples, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count > maxImages)
        {
            throw HttpApiException.TooManyImages(images.Count, maxImages, "an explanation");
        }

        var explanations = new Explanation[images.Count];
        for (var i = 0; i < images.Count; i++)
        {
            try
            {
                explanations[i] = await engine.ExplainAsync(model, images[i].Data, null, top, threshold, examples, cancellationToken);
            }
            catch (ImageProblemException problem)
            {
                throw new ImagePartException(i, images[i].Name, problem);
            }
        }

        return explanations;
    }

    public static ExplanationBody ToBody(Explanation explanation)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        return new ExplanationBody(
            explanation.Method,
            explanation.Fill,
            explanation.Rows,
            explanation.Columns,
            explanation.Items,
            explanation.BackbonePasses,
            Math.Round(explanation.ElapsedMs, 1),
            [.. explanation.Maps.Select(m => new SaliencyMapBody(
                m.Head,
                m.Label,
                m.Probability,
                [.. Enumerable.Range(0, explanation.Rows).Select(r => m.Scores.AsSpan(r * explanation.Columns, explanation.Columns).ToArray())],
                Convert.ToBase64String(m.Png),
                m.PngWidth,
                m.PngHeight)
            {
                Examples = m.Examples is { } nearest
                    ? [.. nearest.Select(e => new NearestExampleBody(e.Id, e.Label, MathF.Round(e.Similarity, 4), e.AgreesWithPrediction, e.Image))]
                    : null,
            })]);
    }
}
