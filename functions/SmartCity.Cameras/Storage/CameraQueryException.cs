using SmartCity.Inference;

namespace SmartCity.Cameras.Storage;

/// <summary>
/// A query value the caller got wrong (code <c>invalid-query</c>); the message names the
/// parameter, and <see cref="Parameter"/> holds its name.
/// </summary>
public sealed class CameraQueryException(string parameter, string message) : InferenceException(CodeValue, message)
{
    /// <summary>The <see cref="InferenceException.Code"/> of every camera query error.</summary>
    public const string CodeValue = "invalid-query";

    public string Parameter { get; } = parameter;
}
