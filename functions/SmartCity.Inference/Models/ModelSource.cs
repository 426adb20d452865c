namespace SmartCity.Inference.Models;

public sealed class ModelSource
{
    public string? Package { get; set; }

    public string? Version { get; set; }

    public string? Path { get; set; }
}
