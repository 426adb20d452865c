using SmartCity.Inference.Models;

namespace SmartCity.Training.Cards;

/// <summary>What <see cref="SoftmaxHeadCard"/> needs to know about a trained head.</summary>
/// <param name="Classes">The label index of every labelled image (held-out ones included).</param>
/// <param name="Backbone">The backbone version the head reads, or null for none.</param>
/// <param name="TrainedOnImages">Images the shipped head was trained on.</param>
public sealed record SoftmaxHeadFacts(
    string IntendedUse,
    string Output,
    IReadOnlyList<string> Labels,
    IReadOnlyList<int> Classes,
    string DataSource,
    DateTimeOffset TrainedAt,
    ModelVersion? Backbone,
    float L2,
    IReadOnlyList<float> L2Candidates,
    double HeldOutFraction,
    int TrainedOnImages,
    ClassificationReport HeldOut,
    string HeldOutMethod,
    IReadOnlyList<string> KnownLimits,
    string License,
    string CreatedBy)
{
    public string? DataNotes { get; init; }

    public string? TrainingNotes { get; init; }
}
