using SmartCity.Inference.Models;

namespace SmartCity.Functions.Http;

/// <summary>One entry of <c>GET /api/models</c>.</summary>
public sealed record ModelSummaryBody(string Name, IReadOnlyList<string> Versions, string DefaultVersion, ModelTask Task, string? Description);
