namespace SmartCity.Functions.Training;

/// <summary>The body of <c>POST /api/models/{model}/training-jobs</c>.</summary>
public sealed class TrainingJobRequest
{
    public TrainingDataLocation? Data { get; set; }

    /// <summary>The image-embedding model the head reads (its default version when the job starts).</summary>
    public string Backbone { get; set; } = "resnet18-embedding";

    /// <summary>Share of each label held out to evaluate the head (and to compare it with the current default), 0.05 to 0.5.</summary>
    public double HeldOutFraction { get; set; } = 0.2;

    public PromotionRule Promotion { get; set; } = PromotionRule.IfBetter;

    /// <summary>For the model card: what the model is for.</summary>
    public string? IntendedUse { get; set; }

    /// <summary>For the model card: where the images come from, with their credit.</summary>
    public string? DataSource { get; set; }

    /// <summary>For the model card: the licence of the data (and so of the head).</summary>
    public string? License { get; set; }

    /// <summary>Most training images per label kept in the version's example index (embeddings and ids, no pixels), 0 (no index) to 1000.</summary>
    public int ExamplesPerLabel { get; set; } = SmartCity.Training.ExampleIndexSettings.DefaultPerLabel;

    /// <summary>For the model card: whether explanations may name the training images (their blob names; never pixels). Default false.</summary>
    public bool ExampleImagesMayBeShown { get; set; }

    /// <summary>For the model card: limits the requester knows of.</summary>
    public List<string>? KnownLimits { get; set; }
}
