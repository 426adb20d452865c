using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using SmartCity.Cameras;
using SmartCity.Inference.Explaining;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Functions.Http;

/// <summary>
/// The native prediction API behind <see cref="PredictFunctions"/>: resolves the model, reads
/// <c>top</c> and <c>threshold</c>, takes the images out of the body, runs them through the engine
/// as one batch and maps the answer. A failing image is reported by its index and name. For an
/// object detector, <c>threshold</c> raises the manifest's score threshold and <c>top</c> does not
/// apply (the manifest's <c>maxDetections</c> does). A classifier's answer says whether it is
/// <c>sure</c> or <c>unsure</c> by the camera pipeline's rule (<see cref="CameraConfidence"/>):
/// a margin below <c>Camera__UnsureMargin</c>, or a model of <c>Camera__CalibratedModels</c> answering
/// as itself rather than as a camera's calibrated <c>{model}.cam-{camera}</c>.
/// </summary>
public sealed class PredictHandler(InferenceEngine engine, IOptions<HttpApiOptions> options, IOptions<CameraPipelineOptions>? cameraOptions = null)
{
    private readonly CameraPipelineOptions _confidence = cameraOptions?.Value ?? new CameraPipelineOptions();

    public const int DefaultTop = 5;
    public const int MaxTop = 100;

    /// <summary>The model repository the handler resolves names in.</summary>
    public ModelRepository Models => engine.Repository;

    public async Task<PredictResponse> PredictAsync(HttpRequest request, string model, string? version, CancellationToken cancellationToken)
    {
        var target = engine.Repository.Get(model, version);
        var (top, threshold) = ReadQuery(request.Query);
        var examples = ReadExamples(request.Query);
        if (ReadExplain(request.Query))
        {
            return await ExplainAsync(request, target, top, threshold, examples, cancellationToken);
        }

        var images = await ImageRequestReader.ReadAsync(request, options.Value, cancellationToken);
        var predictions = await ImageBatch.PredictAsync(engine, target, images, top, threshold, cancellationToken);
        var bodies = new ImagePredictionBody[predictions.Length];
        for (var i = 0; i < predictions.Length; i++)
        {
            bodies[i] = ToBody(images[i].Name, predictions[i]);
        }

        return new PredictResponse(target.Name, target.Version, bodies);
    }

    /// <summary>
    /// <c>POST /api/models/{model}/explain</c>, and predict with <c>?explain=true</c>: the prediction
    /// of each image with its occlusion explanation (at most <c>Http:MaxExplainImages</c> images) and,
    /// when the version has an example index, the <paramref name="examples"/> nearest training examples per head.
    /// </summary>
    public async Task<PredictResponse> ExplainAsync(HttpRequest request, ModelVersion target, int top, float threshold, int examples, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(target);
        var images = await ImageRequestReader.ReadAsync(request, options.Value, cancellationToken);
        var explanations = await ImageExplanations.ExplainAsync(engine, target, images, options.Value.MaxExplainImages, top, threshold, examples, cancellationToken);
        var bodies = new ImagePredictionBody[explanations.Length];
        for (var i = 0; i < explanations.Length; i++)
        {
            bodies[i] = ToBody(images[i].Name, explanations[i].Prediction) with { Explanation = ImageExplanations.ToBody(explanations[i]) };
        }

        return new PredictResponse(target.Name, target.Version, bodies);
    }

    /// <summary>
    /// <c>POST /api/models/{model}/explain</c> with <c>Accept: image/png</c>: the overlay PNG of one
    /// image, for the head named by <c>?head=</c> (default the primary head).
    /// </summary>
    public async Task<(byte[] Png, SaliencyMap Map)> ExplainPngAsync(HttpRequest request, ModelVersion target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(target);
        var head = request.Query.TryGetValue("head", out var headText) ? headText.ToString() : null;
        if (head is not null && !target.Heads.Any(h => h.Kind is not (OutputKind.Embedding or OutputKind.Estimate) && (h.Name ?? string.Empty) == head))
        {
            var names = target.Heads.Where(h => h.Kind is not (OutputKind.Embedding or OutputKind.Estimate) && h.Name is not null).Select(h => h.Name!).ToList();
            throw HttpApiException.InvalidQuery("head", names.Count == 0
                ? $"is not needed: model '{target.Name}' has one head; got '{head}'."
                : $"must name a classification head of '{target.Name}' ({string.Join(", ", names)}); got '{head}'.");
        }

        var images = await ImageRequestReader.ReadAsync(request, options.Value, cancellationToken);
        if (images.Count != 1)
        {
            throw HttpApiException.TooManyImages(images.Count, 1, "Accept: image/png (one overlay)");
        }

        var explanation = (await ImageExplanations.ExplainAsync(engine, target, images, 1, DefaultTop, 0f, 0, cancellationToken))[0];
        var map = head is null ? explanation.Maps[0] : explanation.Maps.First(m => m.Head == head);
        return (map.Png, map);
    }

    /// <summary><c>explain</c>: <c>true</c> or <c>false</c> (default).</summary>
    public static bool ReadExplain(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!query.TryGetValue("explain", out var text))
        {
            return false;
        }

        return text.Count == 1 && bool.TryParse(text[0], out var explain)
            ? explain
            : throw HttpApiException.InvalidQuery("explain", $"must be true or false; got '{text}'.");
    }

    /// <summary>
    /// <c>examples</c>: how many nearest training examples an explanation gives per head, 0 (none) to
    /// <see cref="InferenceEngine.MaxNearestExamples"/>, default <see cref="InferenceEngine.DefaultNearestExamples"/>.
    /// </summary>
    public static int ReadExamples(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!query.TryGetValue("examples", out var text))
        {
            return InferenceEngine.DefaultNearestExamples;
        }

        return text.Count == 1 && int.TryParse(text[0], NumberStyles.None, CultureInfo.InvariantCulture, out var examples) && examples <= InferenceEngine.MaxNearestExamples
            ? examples
            : throw HttpApiException.InvalidQuery("examples", $"must be a whole number from 0 to {InferenceEngine.MaxNearestExamples}; got '{text}'.");
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

    private ImagePredictionBody ToBody(string? name, Prediction prediction)
    {
        var t = prediction.Timings;
        var margin = PredictionMargin.Of(prediction);
        var reasons = margin is null ? null : CameraConfidence.UnsureReasons(margin, prediction.Model.Name, calibrated: false, _confidence);
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
            Estimates(prediction),
            new TimingsBody(Round(t.DecodeMs), Round(t.ResizeMs), Round(t.QueueMs), Round(t.InferenceMs), Round(t.PostprocessMs), t.BatchSize))
        {
            Confidence = reasons is null ? null : reasons.Count == 0 ? CameraConfidence.Sure : CameraConfidence.Unsure,
            UnsureReasons = reasons,
            Margin = margin is { } m ? MathF.Round(m, 4) : null,
            Heads = prediction.Model.Task == ModelTask.ObjectDetection ? null : OtherHeads(prediction),
        };
    }

    /// <summary>The classification heads after the primary one, with their top labels; null when there are none.</summary>
    private static List<HeadAnswerBody>? OtherHeads(Prediction prediction)
    {
        var heads = prediction.Heads.Skip(1)
            .Where(h => h.Kind is OutputKind.Logits or OutputKind.Probabilities or OutputKind.ZipMap)
            .Select(h => new HeadAnswerBody(h.Name, [.. h.Predictions.Select(p => new LabelProbabilityBody(p.Label, p.Probability))]))
            .ToList();
        return heads.Count == 0 ? null : heads;
    }

    /// <summary>The one value of each head of kind <c>estimate</c>, by head name; null when the model has none.</summary>
    private static Dictionary<string, float>? Estimates(Prediction prediction)
    {
        Dictionary<string, float>? estimates = null;
        foreach (var head in prediction.Heads)
        {
            if (head.Kind == OutputKind.Estimate && head.Scores.Length == 1)
            {
                (estimates ??= new Dictionary<string, float>(StringComparer.Ordinal))[head.Name] = head.Scores[0];
            }
        }

        return estimates;
    }

    private static double Round(double milliseconds) => Math.Round(milliseconds, 3);
}
