namespace SmartCity.Inference;

/// <summary>
/// The model or version is in the repository but is not served: it failed to load, it was
/// retired, or the model was unloaded. The message says which (and who decided, when).
/// </summary>
public sealed class ModelUnavailableException(string model, string? version, string reason)
    : InferenceException("model-unavailable", version is null ? $"Model '{model}' is unavailable: {reason}" : $"Model '{model}' version '{version}' is unavailable: {reason}")
{
    public string Model { get; } = model;

    public string? Version { get; } = version;

    public string Reason { get; } = reason;

    public override TimeSpan? RetryAfter => TimeSpan.FromSeconds(30);
}
