using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Functions.Http;

/// <summary>
/// The native prediction API behind <see cref="PredictFunctions"/>: resolves the model, reads
/// <c>top</c> and <c>threshold</c>, takes the images out of the body, runs them through the engine
/// as one batch and maps the answer. A failing image is reported by its index and name. For an
/// object detector, <c>threshold</c> raises the manifest's score threshold and <c>top</c> does not
/// apply (the manifest's <c>maxDetections</c> does).
/// </summary>
public sealed class PredictHandler(InferenceEngine engine, IOptions<HttpApiOptions> options)
{
    public const int DefaultTop = 5;
    public const int MaxTop = 100;

    public async Task<PredictResponse> PredictAsync(HttpRequest request, string model, string? version, CancellationToken cancellationToken)
    {
        var target = engine.Repository.Get(model, version);
        var (top, threshold) = ReadQuery(request.Query);
        var images = await ImageRequestReader.ReadAsync(request, options.Value.MaxBodyBytes, cancellationToken);
        var predictions = await ImageBatch.PredictAsync(engine, target, images, top, threshold, cancellationToken);
        var bodies = new ImagePredictionBody[predictions.Length];
        for (var i = 0; i < predictions.Length; i++)
        {
            bodies[i] = ToBody(images[i].Name, predictions[i]);
        }

        return new PredictResponse(target.Name, target.Version, bodies);
    }

    /// <summary>Reads <c>top</c> (0 to 100, default 5) and <c>threshold</c> (0 to 1, default 0).</summary>
    public static (int Top, float Threshold) ReadQuery(IQueryCollection query)
    {
        var top = DefaultTop;
        if (query.TryGetValue("top", out var topText))
        {
            if (topText.Count != 1 || !int.TryParse(topText[0], NumberStyles.None, CultureInfo.InvariantCulture, out top) || top > MaxTop)
            {
                throw HttpApiException.InvalidQuery("top", $"must be a whole number from 0 to {MaxTop}; got '{topText}'.");
            }
        }

        var threshold = 0f;
        if (query.TryGetValue("threshold", out var thresholdText))
        {
            if (thresholdText.Count != 1
                || !float.TryParse(thresholdText[0], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out threshold)
                || threshold is < 0f or > 1f)
            {
                throw HttpApiException.InvalidQuery("threshold", $"must be a number from 0 to 1; got '{thresholdText}'.");
            }
        }

        return (top, threshold);
    }

    private static ImagePredictionBody ToBody(string? name, Prediction prediction)
    {
        var t = prediction.Timings;
        var isEmbedding = prediction.Model.Task == ModelTask.ImageEmbedding;
        return new ImagePredictionBody(
            name,
            prediction.Width,
            prediction.Height,
            isEmbedding ? null
                : prediction.Model.Task == ModelTask.ObjectDetection
                ? [.. prediction.Detections.Select(d => new LabelProbabilityBody(d.Label, d.Probability, new BoxBody(d.Box.Left, d.Box.Top, d.Box.Width, d.Box.Height)))]
                : [.. prediction.Predictions.Select(p => new LabelProbabilityBody(p.Label, p.Probability))],
            isEmbedding ? prediction.Scores : null,
            new TimingsBody(Round(t.DecodeMs), Round(t.ResizeMs), Round(t.QueueMs), Round(t.InferenceMs), Round(t.PostprocessMs), t.BatchSize));
    }

    private static double Round(double milliseconds) => Math.Round(milliseconds, 3);
}
