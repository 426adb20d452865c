namespace SmartCity.Functions.Models;

/// <summary>The default of a model after a change, and the one before.</summary>
public sealed record DefaultChange(string Model, string Default, string? Previous);
