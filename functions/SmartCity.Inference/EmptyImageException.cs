namespace SmartCity.Inference;

/// <summary>The image has no bytes.</summary>
public sealed class EmptyImageException()
    : ImageProblemException("empty-image", "The image is empty (zero bytes).");
