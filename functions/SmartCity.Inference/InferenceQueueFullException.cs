namespace SmartCity.Inference;

/// <summary>The inference queue is full: the caller should retry later.</summary>
public sealed class InferenceQueueFullException(string model, TimeSpan retryAfter)
    : InferenceException("queue-full", $"The inference queue for '{model}' is full; retry later.")
{
    public override TimeSpan? RetryAfter { get; } = retryAfter;
}
