using System.Text.Json.Nodes;

namespace SmartCity.Functions.Http.OpenInference;

/// <summary>
/// <c>$metadata_model_response</c>, with the optional <c>parameters</c> object: the key figures
/// of the version's model card (see <see cref="ModelCardParameters"/>).
/// </summary>
public sealed record ModelMetadataResponse(string Name, IReadOnlyList<string> Versions, string Platform, IReadOnlyList<MetadataTensor> Inputs, IReadOnlyList<MetadataTensor> Outputs, JsonObject? Parameters = null);
