namespace SmartCity.Inference.Runtime;

/// <summary>What a request does when its model's queue is full.</summary>
public enum QueueAdmission
{
    /// <summary>Fail at once with <see cref="InferenceQueueFullException"/> (HTTP callers: 503 and <c>Retry-After</c>, the caller retries).</summary>
    RefuseWhenFull,

    /// <summary>
    /// Wait for room, at most <see cref="InferenceOptions.MaxQueueWaitMs"/>, then fail with
    /// <see cref="InferenceQueueFullException"/> (background callers such as the camera pipeline,
    /// whose retries are few and fast). Waiting callers get freed places before new ones, first come first served.
    /// </summary>
    WaitForCapacity,
}
