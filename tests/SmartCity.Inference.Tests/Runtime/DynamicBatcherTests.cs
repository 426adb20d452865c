using SmartCity.Inference.Runtime;

namespace SmartCity.Inference.Tests.Runtime;

public class DynamicBatcherTests
{
    [Fact]
    public async Task Announced_requests_are_run_as_one_batch()
    {
        var sizes = new List<int>();
        await using var batcher = new DynamicBatcher<int, int>("test", batch => { sizes.Add(batch.Count); return [.. batch.Select(x => x * 2)]; }, 8, TimeSpan.FromSeconds(5), 100);
        var expectations = Enumerable.Range(0, 4).Select(_ => batcher.Expect()).ToList();
        var tasks = new List<Task<int>>();
        for (var i = 0; i < 4; i++)
        {
            expectations[i].Dispose();
            tasks.Add(batcher.SubmitAsync(i));
        }

        var results = await Task.WhenAll(tasks);
        Assert.Equal(new[] { 0, 2, 4, 6 }, results);
        Assert.Equal([4], sizes);
    }

    [Fact]
    public async Task Batches_never_exceed_the_maximum_size()
    {
        var sizes = new List<int>();
        using var gate = new ManualResetEventSlim();
        await using var batcher = new DynamicBatcher<int, int>("test", batch => { gate.Wait(); sizes.Add(batch.Count); return [.. batch]; }, 3, TimeSpan.Zero, 100);
        List<Task<int>> tasks;
        try
        {
            tasks = [.. Enumerable.Range(0, 10).Select(i => batcher.SubmitAsync(i))];
        }
        finally
        {
            gate.Set();
        }

        await Task.WhenAll(tasks);
        Assert.All(sizes, s => Assert.InRange(s, 1, 3));
        Assert.Equal(10, sizes.Sum());
    }

    [Fact]
    public async Task A_full_queue_pushes_back_at_once()
    {
        using var running = new ManualResetEventSlim();
        using var gate = new ManualResetEventSlim();
        await using var batcher = new DynamicBatcher<int, int>("test", batch => { running.Set(); gate.Wait(); return [.. batch]; }, 1, TimeSpan.Zero, 2);
        try
        {
            var first = batcher.SubmitAsync(0);
            Assert.True(running.Wait(TimeSpan.FromSeconds(30)), "The first batch never ran."); // it left the queue
            var queued = new[] { batcher.SubmitAsync(1), batcher.SubmitAsync(2) };
            var error = Assert.Throws<InferenceQueueFullException>(() => { _ = batcher.SubmitAsync(3); });
            Assert.True(error.RetryAfter > TimeSpan.Zero);
            gate.Set();
            await Task.WhenAll([first, .. queued]);
        }
        finally
        {
            gate.Set(); // a failed assertion must not leave the batcher's loop waiting forever
        }
    }

    [Fact]
    public async Task A_failing_batch_fails_each_of_its_requests()
    {
        await using var batcher = new DynamicBatcher<int, int>("test", _ => throw new InvalidOperationException("boom"), 4, TimeSpan.Zero, 10);
        await Assert.ThrowsAsync<InvalidOperationException>(() => batcher.SubmitAsync(1));
    }

    [Fact]
    public async Task A_waiting_submission_takes_the_next_free_place_while_callers_that_do_not_wait_are_refused()
    {
        await using var batcher = new DynamicBatcher<int, int>("test", batch => [.. batch], 1, TimeSpan.Zero, 1);
        Task<int> queued;
        Task<int> waiting;
        using (batcher.Pause())
        {
            queued = batcher.SubmitAsync(1);
            Assert.Throws<InferenceQueueFullException>(() => { _ = batcher.SubmitAsync(2); });
            waiting = batcher.SubmitAsync(3, TimeSpan.FromMinutes(5));
            Assert.False(waiting.IsCompleted);
            Assert.Equal(new BatcherState(1, 0, 1, 0), batcher.State);
            // While a background caller waits, the freed place is its own: callers that do not wait are still refused.
            Assert.Throws<InferenceQueueFullException>(() => { _ = batcher.SubmitAsync(4); });
        }

        var results = await Task.WhenAll(queued, waiting);
        Assert.Equal([1, 3], results);
        Assert.Equal(0, batcher.State.WaitingForCapacity);
    }

    [Fact]
    public async Task A_waiting_submission_gives_up_after_its_limit_with_queue_full()
    {
        await using var batcher = new DynamicBatcher<int, int>("test", batch => [.. batch], 1, TimeSpan.Zero, 1);
        using (batcher.Pause())
        {
            var queued = batcher.SubmitAsync(1);
            var error = await Assert.ThrowsAsync<InferenceQueueFullException>(() => batcher.SubmitAsync(2, TimeSpan.FromMilliseconds(50)));
            Assert.True(error.RetryAfter > TimeSpan.Zero);
            Assert.Equal(0, batcher.State.WaitingForCapacity);
            Assert.False(queued.IsCompleted);
        }
    }

    [Fact]
    public async Task Cancelling_a_waiting_submission_ends_its_wait()
    {
        await using var batcher = new DynamicBatcher<int, int>("test", batch => [.. batch], 1, TimeSpan.Zero, 1);
        using var cancel = new CancellationTokenSource();
        using (batcher.Pause())
        {
            var queued = batcher.SubmitAsync(1);
            var waiting = batcher.SubmitAsync(2, TimeSpan.FromMinutes(5), cancel.Token);
            Assert.Equal(1, batcher.State.WaitingForCapacity);
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
            Assert.Equal(0, batcher.State.WaitingForCapacity);
            Assert.Equal(1, batcher.State.Queued);
        }
    }

    [Fact]
    public async Task An_expectation_disposed_twice_is_withdrawn_once()
    {
        await using var batcher = new DynamicBatcher<int, int>("test", batch => [.. batch], 4, TimeSpan.FromSeconds(5), 10);
        var first = batcher.Expect();
        using var second = batcher.Expect();
        first.Dispose();
        first.Dispose();
        Assert.Equal(1, batcher.State.Expected);
    }
}
