namespace SmartCity.Functions.Models;

/// <summary>A blob of the model repository container, parsed by <see cref="ModelBlobLayout.Parse"/>.</summary>
/// <param name="File">For a version file, its path inside the version folder.</param>
public sealed record ModelBlob(ModelBlobKind Kind, string? Model, string? Version, string? File);
