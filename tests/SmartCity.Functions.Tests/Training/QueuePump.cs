using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using SmartCity.Functions.Training;

namespace SmartCity.Functions.Tests.Training;

/// <summary>
/// Delivers the training queue's messages to the queue-triggered function as the Functions host
/// does: one at a time, the decoded text and the dequeue count; a message is deleted when the
/// invocation succeeds and comes back (after a visibility timeout of a second, the least Storage takes) when it throws, until
/// its fifth try, after which it moves to the poison queue. <see cref="RedeliverEverySuccess"/>
/// leaves every message once more after it succeeded, as a lost delete or a lapsed lease would.
/// </summary>
internal sealed class QueuePump(QueueClient queue, QueueClient poison, RunTrainingJob function)
{
    private static readonly TimeSpan Visibility = TimeSpan.FromSeconds(1);
    private readonly HashSet<string> _redelivered = [];

    public bool RedeliverEverySuccess { get; set; }

    /// <summary>Invocations that threw.</summary>
    public List<Exception> Failures { get; } = [];

    public int Invocations { get; private set; }

    /// <summary>Delivers messages until the queue stays empty for <paramref name="quiet"/> or <paramref name="done"/> says so.</summary>
    public async Task RunAsync(Func<Task<bool>> done, TimeSpan timeout, TimeSpan? quiet = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        var idleSince = DateTime.UtcNow;
        while (DateTime.UtcNow < deadline)
        {
            QueueMessage? message = (await queue.ReceiveMessageAsync(Visibility)).Value;
            if (message is null)
            {
                if (await done() && DateTime.UtcNow - idleSince > (quiet ?? TimeSpan.Zero))
                {
                    return;
                }

                await Task.Delay(100);
                continue;
            }

            idleSince = DateTime.UtcNow;
            await DeliverAsync(message);
        }

        throw new TimeoutException($"The job did not finish within {timeout} ({Invocations} invocations, {Failures.Count} failed: {string.Join("; ", Failures.Select(f => f.Message))}).");
    }

    private async Task DeliverAsync(QueueMessage message)
    {
        Invocations++;
        try
        {
            await function.RunAsync(message.Body.ToString(), message.DequeueCount, CancellationToken.None);
        }
        catch (Exception ex)
        {
            Failures.Add(ex);
            if (message.DequeueCount >= TrainingOptions.MaxDequeueCount)
            {
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                await poison.SendMessageAsync(message.Body);
            }

            return;
        }

        if (RedeliverEverySuccess && _redelivered.Add(message.MessageId))
        {
            return; // not deleted: it comes back with the next dequeue count
        }

        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
    }
}
