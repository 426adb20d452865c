namespace SmartCity.Inference;

/// <summary>
/// Root of every failure a caller can cause or an operator can fix, in the engine and in the
/// libraries over it (cameras, training). The HTTP layer maps each <see cref="Code"/> to a
/// status, and the camera pipeline records image problems (<see cref="ImageProblemException"/>)
/// as rejections.
/// </summary>
public abstract class InferenceException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>A stable, machine-readable reason such as <c>corrupt-image</c>.</summary>
    public string Code { get; } = code;
}

/// <summary>The model or the version asked for does not exist.</summary>
public sealed class ModelNotFoundException(string model, string? version)
    : InferenceException("model-not-found", version is null ? $"Model '{model}' does not exist." : $"Model '{model}' has no version '{version}'.")
{
    public string Model { get; } = model;

    public string? Version { get; } = version;
}

/// <summary>A manifest is invalid. The message names the model, the file and the field.</summary>
public sealed class ModelManifestException(string model, string file, string field, string problem)
    : InferenceException("invalid-manifest", $"Model '{model}': {file}: field '{field}' {problem}")
{
    public string Model { get; } = model;

    public string File { get; } = file;

    public string Field { get; } = field;
}

/// <summary>The ONNX file of a model is missing or cannot be loaded. The message names the file.</summary>
public sealed class ModelLoadException(string model, string file, string problem, Exception? inner = null)
    : InferenceException("model-load-failed", $"Model '{model}': cannot load '{file}': {problem}", inner)
{
    public string Model { get; } = model;

    public string File { get; } = file;
}

/// <summary>
/// The image itself is the problem: no retry can fix it. The HTTP API answers 4xx naming the
/// image; the camera pipeline records a rejection instead of retrying.
/// </summary>
public abstract class ImageProblemException(string code, string message) : InferenceException(code, message);

/// <summary>The image has no bytes.</summary>
public sealed class EmptyImageException()
    : ImageProblemException("empty-image", "The image is empty (zero bytes).");

/// <summary>The bytes are not an image format the engine reads (JPEG, PNG, WebP, BMP, GIF).</summary>
public sealed class UnsupportedImageFormatException()
    : ImageProblemException("unsupported-format", "The data is not a JPEG, PNG, WebP, BMP or GIF image.");

/// <summary>The header names a supported format, but the image cannot be decoded.</summary>
public sealed class CorruptImageException(string detail)
    : ImageProblemException("corrupt-image", $"The image is corrupt or truncated: {detail}.");

/// <summary>The image has more pixels than the configured limit. Raised from the header, before decoding.</summary>
public sealed class ImageTooLargeException(int width, int height, long limit)
    : ImageProblemException("too-many-pixels", $"The image is {width}x{height} ({(long)width * height} pixels), over the limit of {limit} pixels.")
{
    public int Width { get; } = width;

    public int Height { get; } = height;

    public long Limit { get; } = limit;
}

/// <summary>The inference queue is full: the caller should retry later.</summary>
public sealed class InferenceQueueFullException(string model, TimeSpan retryAfter)
    : InferenceException("queue-full", $"The inference queue for '{model}' is full; retry later.")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>A tensor given directly (not an image) does not match the model's input.</summary>
public sealed class InvalidTensorException(string message)
    : InferenceException("invalid-tensor", message);
