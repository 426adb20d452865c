namespace SmartCity.Inference.Runtime;

/// <summary>
/// One item's answer from a batch: postprocessed values per head (probabilities or a normalised
/// embedding). For an object detector, the one head holds the candidate boxes, six values each
/// (left, top, width, height as fractions, score, class index), and <see cref="Raw"/> the outputs as returned.
/// </summary>
/// <param name="Features">When the request asked to keep them, the item's example embedding from the backbone's output (L2-normalised); else null.</param>
internal readonly record struct TensorResponse(float[][] Heads, int BatchSize, long QueueTicks, long RunTicks, IReadOnlyList<RawTensor>? Raw = null, float[]? Features = null)
{
    /// <summary>The primary head's values.</summary>
    public float[] Values => Heads[0];
}
