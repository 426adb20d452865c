namespace SmartCity.Inference;

/// <summary>
/// One image of a batch (<see cref="Runtime.InferenceEngine.PredictBatchAsync"/>) cannot be read:
/// which one (<see cref="Index"/>, in request order) and why (<see cref="Problem"/>, also the
/// inner exception). It keeps the problem's <see cref="InferenceException.Code"/>, so it is
/// answered as the problem itself would be.
/// </summary>
public sealed class ImageInBatchException(int index, ImageProblemException problem)
    : ImageProblemException(problem.Code, $"Image {index}: {problem.Message}", problem)
{
    /// <summary>The position of the failing image in the batch, from 0.</summary>
    public int Index { get; } = index;

    /// <summary>What is wrong with that image.</summary>
    public ImageProblemException Problem { get; } = problem;
}
