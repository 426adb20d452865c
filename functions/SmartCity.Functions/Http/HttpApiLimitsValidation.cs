using Microsoft.Extensions.Options;
using SmartCity.Inference;

namespace SmartCity.Functions.Http;

/// <summary>
/// Checks at start that a request's images fit the model's queue: each image takes a place in it,
/// so a request with more images than <c>Inference:MaxQueueLength</c> could never be answered
/// (it would get a 503 on every retry).
/// </summary>
internal sealed class HttpApiLimitsValidation(IOptions<InferenceOptions> inference) : IValidateOptions<HttpApiOptions>
{
    public ValidateOptionsResult Validate(string? name, HttpApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var queue = inference.Value.MaxQueueLength;
        return options.MaxImagesPerRequest > queue
            ? ValidateOptionsResult.Fail($"Http:MaxImagesPerRequest ({options.MaxImagesPerRequest}) must not be over Inference:MaxQueueLength ({queue}): a request with more images than the queue holds could never be answered.")
            : ValidateOptionsResult.Success;
    }
}
