using SmartCity.Inference.Models;
using SmartCity.Training.Cards;

namespace SmartCity.Functions.Http;

/// <summary>One version of a model in <c>GET /api/models/{model}</c>, with its model card when it has one.</summary>
public sealed record ModelVersionBody(
    string Version,
    ModelTask Task,
    IReadOnlyList<string> Labels,
    ModelInputBody Input,
    OutputKind Output,
    string? Description,
    string? License,
    bool Loaded,
    ModelCard? Card);
