using SmartCity.Inference.Runtime;

namespace SmartCity.Inference.Explaining;

/// <summary>
/// An occlusion explanation of one image: the prediction, and per classification head a map of
/// how much masking each grid cell lowers the top label's probability. Costs
/// <see cref="Items"/> items through the model's batcher (the image, then one per cell), that is
/// <see cref="BackbonePasses"/> backbone images.
/// </summary>
public sealed class Explanation
{
    /// <summary>How masked cells are filled: 0 after normalisation, i.e. the normalisation mean pixel.</summary>
    public const string FillNormalisationMean = "normalisation-mean";

    public const string MethodOcclusion = "occlusion";

    public required Prediction Prediction { get; init; }

    public required int Rows { get; init; }

    public required int Columns { get; init; }

    public string Method { get; init; } = MethodOcclusion;

    public string Fill { get; init; } = FillNormalisationMean;

    /// <summary>Items run through the batcher: the unmasked image and one per cell.</summary>
    public required int Items { get; init; }

    /// <summary>Images the first stage (the backbone) ran: <see cref="Items"/> times the model's regions.</summary>
    public required int BackbonePasses { get; init; }

    /// <summary>One map per classification head, primary first (embedding outputs have none).</summary>
    public required IReadOnlyList<SaliencyMap> Maps { get; init; }

    public required double ElapsedMs { get; init; }
}
