using SmartCity.Inference;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Functions.Http;

/// <summary>
/// Runs the images of one request through the engine as one batch. When an image cannot be
/// read, the error names it (<see cref="ImagePartException"/>: its index and part name), from
/// the index the engine reports.
/// </summary>
public static class ImageBatch
{
    public static async Task<Prediction[]> PredictAsync(InferenceEngine engine, ModelVersion model, IReadOnlyList<RequestImage> images, int top, float threshold, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(images);
        try
        {
            return await engine.PredictBatchAsync(model, [.. images.Select(i => i.Data)], top, threshold, cancellationToken);
        }
        catch (ImageInBatchException failure)
        {
            throw new ImagePartException(failure.Index, images[failure.Index].Name, failure.Problem);
        }
    }
}
