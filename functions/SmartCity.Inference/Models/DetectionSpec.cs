namespace SmartCity.Inference.Models;

/// <summary>
/// How an object detector's outputs are read (<c>detection</c> in a manifest): three tensors of one
/// image, boxes <c>[1, N, 4]</c> (or <c>[N, 4]</c>), scores <c>[1, N]</c> and class indices <c>[1, N]</c>
/// (int64, int32 or float), as Custom Vision's newer exports give them. Boxes below
/// <see cref="ScoreThreshold"/> are dropped, then non-maximum suppression removes boxes of the same
/// class overlapping a better one by more than <see cref="NmsIou"/>.
/// </summary>
public sealed class DetectionSpec
{
    public const int MaxDetectionsLimit = 1000;

    /// <summary>The boxes output, e.g. <c>detected_boxes</c>.</summary>
    public string? Boxes { get; set; }

    /// <summary>The scores output, e.g. <c>detected_scores</c>.</summary>
    public string? Scores { get; set; }

    /// <summary>The class index output, e.g. <c>detected_classes</c>; indices are lines of the labels file.</summary>
    public string? Classes { get; set; }

    public BoxFormat BoxFormat { get; set; } = BoxFormat.Xyxy;

    /// <summary>True when boxes are fractions of the input (0 to 1); false when they are pixels of the model's input.</summary>
    public bool Normalized { get; set; } = true;

    /// <summary>Lowest score kept, 0 to 1 (default 0.01, as Custom Vision's samples).</summary>
    public float ScoreThreshold { get; set; } = 0.01f;

    /// <summary>Intersection over union above which a weaker box of the same class is suppressed, 0 to 1 (default 0.45); null: no suppression.</summary>
    public float? NmsIou { get; set; } = 0.45f;

    /// <summary>Most boxes answered per image, 1 to 1000 (default 100).</summary>
    public int MaxDetections { get; set; } = 100;
}
