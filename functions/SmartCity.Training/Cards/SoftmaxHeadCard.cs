using System.Globalization;

namespace SmartCity.Training.Cards;

/// <summary>
/// The card of a softmax-regression head trained by <see cref="HeadTraining"/>, from the facts a
/// trainer has at hand: the same code for the CLI trainers, the training jobs and the bundled heads.
/// </summary>
public static class SoftmaxHeadCard
{
    public const string Method = "multinomial logistic regression on standardised features (Adam, full batch), standardisation folded into the Gemm of head.onnx";

    /// <summary>Below this held-out recall a label is named among the known limits.</summary>
    public const double WeakRecall = 0.8;

    public static ModelCard Create(SoftmaxHeadFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var label in facts.Labels)
        {
            counts[label] = 0;
        }

        foreach (var c in facts.Classes)
        {
            counts[facts.Labels[c]]++;
        }

        return new ModelCard
        {
            IntendedUse = facts.IntendedUse,
            Heads =
            [
                new HeadCard
                {
                    Output = facts.Output,
                    Labels = [.. facts.Labels],
                    CountsPerLabel = counts,
                    HeldOut = HeldOutEvaluation.From(facts.HeldOut, facts.HeldOutMethod),
                },
            ],
            TrainingData = new TrainingDataCard { Source = facts.DataSource, Images = facts.Classes.Count, Date = facts.TrainedAt, Notes = facts.DataNotes },
            Backbone = facts.Backbone is { } backbone
                ? new BackboneCard { Model = backbone.Name, Version = backbone.Version, Description = backbone.Manifest.Description }
                : null,
            Training = new TrainingSettingsCard
            {
                Method = Method,
                L2 = facts.L2,
                L2Candidates = [.. facts.L2Candidates],
                Epochs = SoftmaxRegression.DefaultEpochs,
                LearningRate = SoftmaxRegression.DefaultLearningRate,
                HeldOutFraction = facts.HeldOutFraction,
                ValidationFraction = HeadTraining.ValidationFraction,
                Seed = HeadTraining.HeldOutSeed,
                TrainedOnImages = facts.TrainedOnImages,
                Notes = facts.TrainingNotes,
            },
            KnownLimits = [.. facts.KnownLimits, .. Limits(facts)],
            License = facts.License,
            CreatedBy = facts.CreatedBy,
            CreatedAt = facts.TrainedAt,
        };
    }

    /// <summary>What the figures themselves say about where the head is weak.</summary>
    private static IEnumerable<string> Limits(SoftmaxHeadFacts facts)
    {
        var report = facts.HeldOut;
        var weak = Enumerable.Range(0, report.Labels.Count).Where(c => report.Recall(c) < WeakRecall).ToList();
        if (weak.Count > 0)
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"Held-out recall below {WeakRecall:P0} for {string.Join(", ", weak.Select(c => $"{report.Labels[c]} ({report.Recall(c):P1})"))}.");
        }

        if (report.Total < 50)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"Only {report.Total} held-out images: the figures are rough.");
        }

        yield return "Knows only its labels: any other picture is still given one of them.";
        yield return "Held-out images come from the same source as the training images; expect lower accuracy on other cameras, angles or lighting.";
    }
}
