namespace SmartCity.Functions.Training;

/// <summary>What a job trained: its held-out figures, the current default's on the same images, the version it published and whether it became the default.</summary>
public sealed class TrainingJobResult
{
    public HeldOutScore? Trained { get; set; }

    /// <summary>The default when the job started, on the same held-out images (null when there was none to compare).</summary>
    public HeldOutScore? Compared { get; set; }

    public int TrainedImages { get; set; }

    public float L2 { get; set; }

    /// <summary>Whether the rule asks to make the version the default (decided when training; checked again when publishing).</summary>
    public bool Promote { get; set; }

    public string? PromotionReason { get; set; }

    /// <summary>The version published, once it is.</summary>
    public string? Version { get; set; }

    public bool Promoted { get; set; }
}
