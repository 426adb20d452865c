namespace SmartCity.Inference.Runtime;

/// <summary>One item's answer from a batch: postprocessed values per head (probabilities or a normalised embedding).</summary>
internal readonly record struct TensorResponse(float[][] Heads, int BatchSize, long QueueTicks, long RunTicks)
{
    /// <summary>The primary head's values.</summary>
    public float[] Values => Heads[0];
}
