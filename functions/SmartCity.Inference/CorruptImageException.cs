namespace SmartCity.Inference;

/// <summary>The header names a supported format, but the image cannot be decoded.</summary>
public sealed class CorruptImageException(string detail)
    : ImageProblemException("corrupt-image", $"The image is corrupt or truncated: {detail}.");
