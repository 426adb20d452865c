using SmartCity.Inference.Models;

namespace SmartCity.Functions.Http;

/// <summary>The answer of <c>POST /api/models/{model}/predict</c>: one entry per image, in request order.</summary>
public sealed record PredictResponse(string Model, string Version, IReadOnlyList<ImagePredictionBody> Images);

/// <summary>
/// One image's answer: <see cref="Predictions"/> for classifiers, <see cref="Embedding"/> for
/// embedding models (the other is left out). <see cref="Name"/> is the multipart file or part name.
/// </summary>
public sealed record ImagePredictionBody(
    string? Name,
    int Width,
    int Height,
    IReadOnlyList<LabelProbabilityBody>? Predictions,
    float[]? Embedding,
    TimingsBody Timings);

public sealed record LabelProbabilityBody(string Label, float Probability);

/// <summary>Where the time of one prediction went, in milliseconds, and the batch it ran in.</summary>
public sealed record TimingsBody(double DecodeMs, double ResizeMs, double QueueMs, double InferenceMs, double PostprocessMs, int BatchSize);

/// <summary>The request body of a JSON prediction: <c>{"images":[{"data":"&lt;base64&gt;"}]}</c>.</summary>
public sealed class PredictJsonRequest
{
    public List<PredictJsonImage>? Images { get; set; }
}

public sealed class PredictJsonImage
{
    /// <summary>The encoded image (JPEG, PNG, WebP, BMP or GIF), base64.</summary>
    public string? Data { get; set; }

    /// <summary>Optional name echoed in the answer.</summary>
    public string? Name { get; set; }
}

/// <summary>One entry of <c>GET /api/models</c>.</summary>
public sealed record ModelSummaryBody(string Name, IReadOnlyList<string> Versions, string DefaultVersion, ModelTask Task, string? Description);

/// <summary>The answer of <c>GET /api/models/{model}</c>.</summary>
public sealed record ModelDetailsBody(string Name, string DefaultVersion, IReadOnlyList<ModelVersionBody> Versions);

public sealed record ModelVersionBody(
    string Version,
    ModelTask Task,
    IReadOnlyList<string> Labels,
    ModelInputBody Input,
    OutputKind Output,
    string? Description,
    string? License,
    bool Loaded);

/// <summary>How images are turned into the model's input tensor.</summary>
public sealed record ModelInputBody(
    string? Name,
    TensorLayout Layout,
    int Width,
    int Height,
    ResizeMode Resize,
    ChannelOrder ChannelOrder,
    ValueRange ValueRange,
    float[] Mean,
    float[] Std);

/// <summary>The answer of the health endpoints.</summary>
public sealed record HealthBody(string Status);
