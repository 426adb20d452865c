namespace SmartCity.Functions.Http;

/// <summary>The answer of <c>GET /api/models/{model}</c>.</summary>
public sealed record ModelDetailsBody(string Name, string DefaultVersion, IReadOnlyList<ModelVersionBody> Versions);
