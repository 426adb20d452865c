using Azure;

namespace SmartCity.Functions.Models;

/// <summary>A model's <c>default</c> pointer as stored, with the ETag to change it safely.</summary>
public sealed record ModelDefaultPointer(string Version, string? Previous, ETag ETag);
