namespace SmartCity.Inference;

/// <summary>The bytes are not an image format the engine reads (JPEG, PNG, WebP, BMP, GIF).</summary>
public sealed class UnsupportedImageFormatException()
    : ImageProblemException("unsupported-format", "The data is not a JPEG, PNG, WebP, BMP or GIF image.");
