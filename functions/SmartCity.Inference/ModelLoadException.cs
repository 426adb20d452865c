namespace SmartCity.Inference;

/// <summary>The ONNX file of a model is missing or cannot be loaded. The message names the file.</summary>
public sealed class ModelLoadException(string model, string file, string problem, Exception? inner = null)
    : InferenceException("model-load-failed", $"Model '{model}': cannot load '{file}': {problem}", inner)
{
    public string Model { get; } = model;

    public string File { get; } = file;

    /// <summary>No path and no ONNX Runtime message: those are for the log.</summary>
    public override string PublicMessage => $"Model '{Model}' failed to load.";
}
