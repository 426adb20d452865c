namespace SmartCity.Training.Cards;

/// <summary>How the head was trained, enough to train it again.</summary>
public sealed class TrainingSettingsCard
{
    /// <summary>e.g. "multinomial logistic regression on standardised features (Adam, full batch)".</summary>
    public string? Method { get; set; }

    public float L2 { get; set; }

    /// <summary>The L2 values tried on the validation split, the kept one among them.</summary>
    public List<float> L2Candidates { get; set; } = [];

    public int Epochs { get; set; }

    public float LearningRate { get; set; }

    /// <summary>Share of each label held out for the card's figures.</summary>
    public double HeldOutFraction { get; set; }

    /// <summary>Share of the training part each L2 candidate was scored on.</summary>
    public double ValidationFraction { get; set; }

    public int Seed { get; set; }

    /// <summary>Images the shipped head was trained on.</summary>
    public int TrainedOnImages { get; set; }

    public string? Notes { get; set; }
}
