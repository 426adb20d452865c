namespace SmartCity.Inference;

/// <summary>
/// Root of every failure a caller can cause or an operator can fix, in the engine and in the
/// libraries and apps over it (cameras, training, the HTTP API). Each <see cref="Code"/> is
/// stable: the HTTP layer maps it to a status in one table, and the camera pipeline records
/// image problems (<see cref="ImageProblemException"/>) as rejections.
/// </summary>
public abstract class InferenceException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>A stable, machine-readable reason such as <c>corrupt-image</c>.</summary>
    public string Code { get; } = code;

    /// <summary>
    /// What a remote caller may be told: the message without server internals (file paths, ONNX
    /// Runtime's own messages). Usually the message itself; failures on the server's side say only
    /// what failed, and their <see cref="Exception.Message"/> goes to the log.
    /// </summary>
    public virtual string PublicMessage => Message;

    /// <summary>How long to wait before trying again, when waiting can help; null otherwise.</summary>
    public virtual TimeSpan? RetryAfter => null;
}
