namespace SmartCity.Inference;

/// <summary>The image has more pixels than the configured limit. Raised from the header, before decoding.</summary>
public sealed class ImageTooLargeException(int width, int height, long limit)
    : ImageProblemException("too-many-pixels", $"The image is {width}x{height} ({(long)width * height} pixels), over the limit of {limit} pixels.")
{
    public int Width { get; } = width;

    public int Height { get; } = height;

    public long Limit { get; } = limit;
}
