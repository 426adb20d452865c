namespace SmartCity.Inference.Runtime;

/// <summary>A snapshot of one dynamic batcher (<see cref="DynamicBatcher{TRequest, TResponse}"/>), for tests and diagnostics.</summary>
/// <param name="Queued">Requests in the queue, not yet taken into a batch.</param>
/// <param name="Expected">Requests announced (<c>Expect</c>) and not yet submitted: while above 0, a forming batch waits for them.</param>
/// <param name="WaitingForCapacity">Background callers waiting for room in a full queue.</param>
/// <param name="DelayedBatches">Batches that waited (up to the queue delay) for announced requests, since the start.</param>
public readonly record struct BatcherState(int Queued, int Expected, int WaitingForCapacity, long DelayedBatches);
