namespace SmartCity.Inference;

/// <summary>The ONNX file of a model is missing or cannot be loaded. The message names the file.</summary>
public sealed class ModelLoadException(string model, string file, string problem, Exception? inner = null)
    : InferenceException("model-load-failed", $"Model '{model}': cannot load '{file}': {problem}", inner)
{
    public string Model { get; } = model;

    public string File { get; } = file;
}
