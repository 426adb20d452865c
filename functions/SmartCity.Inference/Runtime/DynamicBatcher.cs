using System.Threading.Channels;

namespace SmartCity.Inference.Runtime;

/// <summary>
/// Groups concurrent requests into one call, like Triton's dynamic batcher: up to
/// <c>maxBatchSize</c> requests, waiting at most <c>maxQueueDelay</c> for more to arrive. It only
/// waits while callers have announced (<see cref="Expect"/>) a request they are still preparing,
/// so a lone caller never pays the delay. The queue is bounded: when it is full,
/// <see cref="SubmitAsync"/> throws <see cref="InferenceQueueFullException"/> at once.
/// </summary>
public sealed class DynamicBatcher<TRequest, TResponse> : IAsyncDisposable
{
    private readonly Func<IReadOnlyList<TRequest>, TResponse[]> _execute;
    private readonly Channel<Item> _queue;
    private readonly int _maxBatchSize;
    private readonly TimeSpan _maxQueueDelay;
    private readonly string _name;
    private readonly Task _loop;
    private readonly long[] _batchSizeCounts;
    private int _expected;

    public DynamicBatcher(string name, Func<IReadOnlyList<TRequest>, TResponse[]> execute, int maxBatchSize, TimeSpan maxQueueDelay, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _name = name;
        _execute = execute;
        _maxBatchSize = maxBatchSize;
        _maxQueueDelay = maxQueueDelay;
        _batchSizeCounts = new long[maxBatchSize + 1];
        _queue = Channel.CreateBounded<Item>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>How many batches of each size ran so far (index = size).</summary>
    public IReadOnlyList<long> BatchSizeCounts => _batchSizeCounts;

    /// <summary>Announces a request being prepared, so a forming batch waits for it. Dispose when submitted.</summary>
    public Expectation Expect()
    {
        Interlocked.Increment(ref _expected);
        return new Expectation(this);
    }

    public Task<TResponse> SubmitAsync(TRequest request, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var item = new Item(request, cancellationToken);
        if (!_queue.Writer.TryWrite(item))
        {
            throw new InferenceQueueFullException(_name, TimeSpan.FromSeconds(1));
        }

        return item.Completion.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var items = new List<Item>(_maxBatchSize);
        var requests = new List<TRequest>(_maxBatchSize);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            items.Clear();
            Drain(reader, items);
            if (items.Count < _maxBatchSize && _maxQueueDelay > TimeSpan.Zero && Volatile.Read(ref _expected) > 0)
            {
                using var delay = new CancellationTokenSource(_maxQueueDelay);
                try
                {
                    while (items.Count < _maxBatchSize && Volatile.Read(ref _expected) > 0
                        && await reader.WaitToReadAsync(delay.Token).ConfigureAwait(false))
                    {
                        Drain(reader, items);
                    }
                }
                catch (OperationCanceledException) when (delay.IsCancellationRequested)
                {
                    // The queue delay is over: run what we have.
                }
            }

            items.RemoveAll(i => i.Completion.Task.IsCompleted);
            if (items.Count == 0)
            {
                continue;
            }

            requests.Clear();
            foreach (var item in items)
            {
                requests.Add(item.Request);
            }

            try
            {
                var responses = _execute(requests);
                Interlocked.Increment(ref _batchSizeCounts[items.Count]);
                for (var i = 0; i < items.Count; i++)
                {
                    items[i].Completion.TrySetResult(responses[i]);
                }
            }
            catch (Exception ex)
            {
                foreach (var item in items)
                {
                    item.Completion.TrySetException(ex);
                }
            }
        }
    }

    private void Drain(ChannelReader<Item> reader, List<Item> items)
    {
        while (items.Count < _maxBatchSize && reader.TryRead(out var item))
        {
            items.Add(item);
        }
    }

    private sealed class Item
    {
        public Item(TRequest request, CancellationToken cancellationToken)
        {
            Request = request;
            Completion = new TaskCompletionSource<TResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (cancellationToken.CanBeCanceled)
            {
                cancellationToken.Register(static state => ((TaskCompletionSource<TResponse>)state!).TrySetCanceled(), Completion);
            }
        }

        public TRequest Request { get; }

        public TaskCompletionSource<TResponse> Completion { get; }
    }

    /// <summary>An announced request; dispose once it is submitted (or abandoned).</summary>
    public readonly struct Expectation(DynamicBatcher<TRequest, TResponse> owner) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref owner._expected);
    }
}
