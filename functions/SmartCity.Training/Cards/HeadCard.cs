namespace SmartCity.Training.Cards;

/// <summary>One output of a model in its card: its labels, how many training images each had, and its held-out result.</summary>
public sealed class HeadCard
{
    /// <summary>The output's name (as the manifest and the Open Inference metadata name it).</summary>
    public string? Output { get; set; }

    public List<string> Labels { get; set; } = [];

    /// <summary>Labelled images per label in the training data (held-out ones included).</summary>
    public Dictionary<string, int> CountsPerLabel { get; set; } = [];

    public HeldOutEvaluation? HeldOut { get; set; }
}
