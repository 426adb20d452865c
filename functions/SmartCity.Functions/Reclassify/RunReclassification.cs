using Microsoft.Azure.Functions.Worker;

namespace SmartCity.Functions.Reclassify;

/// <summary>
/// Runs one listing page or one batch of a reclassification per message of <c>%ReclassifyQueue%</c>
/// on the <c>ModelStorage</c> connection (host.json: one message at a time per instance, five tries
/// 10 s apart, then <c>&lt;queue&gt;-poison</c>); instances scale out on the queue's length.
/// <see cref="ReclassifyRunner"/> makes every message count once, however often it is delivered.
/// </summary>
public sealed class RunReclassification(ReclassifyRunner runner)
{
    [Function(nameof(RunReclassification))]
    public Task RunAsync(
        [QueueTrigger("%ReclassifyQueue%", Connection = "ModelStorage")] string message,
        long dequeueCount,
        CancellationToken cancellationToken) =>
        runner.RunAsync(message, dequeueCount, cancellationToken);
}
