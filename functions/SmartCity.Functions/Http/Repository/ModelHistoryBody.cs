using SmartCity.Functions.Models;

namespace SmartCity.Functions.Http.Repository;

/// <summary>The changes to a model, oldest first.</summary>
public sealed record ModelHistoryBody(string Model, IReadOnlyList<ModelChange> Changes);
