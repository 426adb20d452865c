namespace SmartCity.Training.Cards;

/// <summary>The feature extractor a head reads, by name and version.</summary>
public sealed class BackboneCard
{
    public string? Model { get; set; }

    public string? Version { get; set; }

    public string? Description { get; set; }
}
