using SmartCity.Inference;
using SmartCity.Inference.Imaging;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Functions.Http;

/// <summary>
/// Runs the images of one request through the engine as one batch. When an image cannot be
/// read, the error names it (<see cref="ImagePartException"/>: its index and part name).
/// </summary>
public static class ImageBatch
{
    public static async Task<Prediction[]> PredictAsync(InferenceEngine engine, ModelVersion model, IReadOnlyList<RequestImage> images, int top, float threshold, CancellationToken cancellationToken)
    {
        try
        {
            return images.Count == 1
                ? [await engine.PredictAsync(model, images[0].Data, top, threshold, cancellationToken)]
                : await engine.PredictBatchAsync(model, [.. images.Select(i => i.Data)], top, threshold, cancellationToken);
        }
        catch (InferenceException ex) when (IsImageProblem(ex))
        {
            var (index, failure) = images.Count == 1 ? (0, ex) : FindFailingImage(engine, model, images) ?? (0, ex);
            throw new ImagePartException(index, images[index].Name, failure);
        }
    }

    private static bool IsImageProblem(InferenceException exception) =>
        exception is EmptyImageException or UnsupportedImageFormatException or CorruptImageException or ImageTooLargeException;

    /// <summary>
    /// On the error path of a batch only: the engine reports the first failure without its index,
    /// so the images are preprocessed again one by one until one fails.
    /// </summary>
    private static (int Index, InferenceException Failure)? FindFailingImage(InferenceEngine engine, ModelVersion model, IReadOnlyList<RequestImage> images)
    {
        for (var i = 0; i < images.Count; i++)
        {
            if (Recheck(engine, model, images[i]) is { } failure)
            {
                return (i, failure);
            }
        }

        return null;
    }

    private static InferenceException? Recheck(InferenceEngine engine, ModelVersion model, RequestImage image)
    {
        var format = new TensorFormat(model.ImageInput);
        var scratch = new float[format.Length];
        try
        {
            engine.Preprocessor.Preprocess(image.Data, format, scratch);
            return null;
        }
        catch (InferenceException ex) when (IsImageProblem(ex))
        {
            return ex;
        }
    }
}
