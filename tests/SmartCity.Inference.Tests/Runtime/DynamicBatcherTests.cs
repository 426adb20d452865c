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
}
