namespace SmartCity.Inference;

/// <summary>The model or the version asked for does not exist.</summary>
public sealed class ModelNotFoundException(string model, string? version)
    : InferenceException("model-not-found", version is null ? $"Model '{model}' does not exist." : $"Model '{model}' has no version '{version}'.")
{
    public string Model { get; } = model;

    public string? Version { get; } = version;
}
