using SmartCity.Inference;

namespace SmartCity.Functions.Http;

/// <summary>
/// An image of a request cannot be read; the message names it by its index and, when it has
/// one, its part or file name. It keeps the problem's code, so it is answered as the problem is.
/// </summary>
public sealed class ImagePartException(int index, string? name, ImageProblemException problem)
    : ImageProblemException(problem.Code, $"Image {index}{(name is null ? string.Empty : $" ('{name}')")}: {problem.Message}", problem)
{
    public int Index { get; } = index;

    /// <summary>What is wrong with the image (also the inner exception).</summary>
    public ImageProblemException Problem { get; } = problem;
}
