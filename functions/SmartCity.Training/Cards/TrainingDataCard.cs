namespace SmartCity.Training.Cards;

/// <summary>Where the training images came from, how many there were, and when the model was trained on them.</summary>
public sealed class TrainingDataCard
{
    /// <summary>The data set or storage location, with its credit.</summary>
    public string? Source { get; set; }

    public int Images { get; set; }

    /// <summary>When the model was trained on the data.</summary>
    public DateTimeOffset? Date { get; set; }

    public string? Notes { get; set; }
}
