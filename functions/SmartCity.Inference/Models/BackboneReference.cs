namespace SmartCity.Inference.Models;

public sealed class BackboneReference
{
    public string? Model { get; set; }

    public string? Version { get; set; }
}
