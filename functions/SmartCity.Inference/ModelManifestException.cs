namespace SmartCity.Inference;

/// <summary>A manifest is invalid. The message names the model, the file and the field.</summary>
public sealed class ModelManifestException(string model, string file, string field, string problem)
    : InferenceException("invalid-manifest", $"Model '{model}': {file}: field '{field}' {problem}")
{
    public string Model { get; } = model;

    public string File { get; } = file;

    public string Field { get; } = field;

    /// <summary>No path: the file and the field are for the log.</summary>
    public override string PublicMessage => $"Model '{Model}' has an invalid manifest.";
}
