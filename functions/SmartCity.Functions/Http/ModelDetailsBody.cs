namespace SmartCity.Functions.Http;

/// <summary>The answer of <c>GET /api/models/{model}</c>: the served versions with their cards, and those not served with why.</summary>
public sealed record ModelDetailsBody(string Name, string DefaultVersion, IReadOnlyList<ModelVersionBody> Versions, IReadOnlyList<UnavailableVersionBody> Unavailable);
