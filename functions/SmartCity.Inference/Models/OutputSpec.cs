namespace SmartCity.Inference.Models;

public sealed class OutputSpec
{
    public string? Name { get; set; }

    public OutputKind? Kind { get; set; }
}
