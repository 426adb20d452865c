using System.Threading.Channels;

namespace SmartCity.Inference.Runtime;

/// <summary>
/// Groups concurrent requests into one call, like Triton's dynamic batcher: up to
/// <c>maxBatchSize</c> requests, waiting at most <c>maxQueueDelay</c> for more to arrive. It only
/// waits while callers have announced (<see cref="Expect"/>) a request they are still preparing,
/// so a lone caller never pays the delay. The queue is bounded: when it is full,
/// <see cref="SubmitAsync(TRequest, CancellationToken)"/> throws <see cref="InferenceQueueFullException"/>
/// at once, while <see cref="SubmitAsync(TRequest, TimeSpan, CancellationToken)"/> waits (a bounded
/// time) for room; waiting callers get freed places before new ones.
/// </summary>
public sealed class DynamicBatcher<TRequest, TResponse> : IAsyncDisposable
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    private readonly Func<IReadOnlyList<TRequest>, TResponse[]> _execute;
    private readonly Channel<Item> _queue;
    private readonly int _maxBatchSize;
    private readonly TimeSpan _maxQueueDelay;
    private readonly string _name;
    private readonly Task _loop;
    private readonly long[] _batchSizeCounts;
    private int _expected;
    private int _waiting;
    private long _delayedBatches;
    private TaskCompletionSource? _paused;

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

    /// <summary>What is queued, announced and waiting now, and how many batches waited for announced requests.</summary>
    public BatcherState State => new(_queue.Reader.Count, Volatile.Read(ref _expected), Volatile.Read(ref _waiting), Interlocked.Read(ref _delayedBatches));

    /// <summary>
    /// Announces a request being prepared, so a forming batch waits for it. Dispose it when the
    /// request is submitted or abandoned; disposing it again does nothing.
    /// </summary>
    public Expectation Expect()
    {
        Interlocked.Increment(ref _expected);
        return new Expectation(this);
    }

    /// <summary>Queues a request, or throws <see cref="InferenceQueueFullException"/> at once when the queue is full.</summary>
    public Task<TResponse> SubmitAsync(TRequest request, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var item = new Item(request, cancellationToken);
        return _queue.Writer.TryWrite(item)
            ? item.Completion.Task
            : throw new InferenceQueueFullException(_name, RetryAfter);
    }

    /// <summary>
    /// Queues a request; when the queue is full, waits up to <paramref name="maxWait"/> for room
    /// (first come, first served, ahead of callers that do not wait), then throws
    /// <see cref="InferenceQueueFullException"/>. Cancellation ends the wait.
    /// </summary>
    public async Task<TResponse> SubmitAsync(TRequest request, TimeSpan maxWait, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var item = new Item(request, cancellationToken);
        if (!_queue.Writer.TryWrite(item))
        {
            if (maxWait <= TimeSpan.Zero)
            {
                throw new InferenceQueueFullException(_name, RetryAfter);
            }

            Interlocked.Increment(ref _waiting);
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(maxWait);
                await _queue.Writer.WriteAsync(item, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new InferenceQueueFullException(_name, RetryAfter);
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
            }
        }

        return await item.Completion.Task.ConfigureAwait(false);
    }

    /// <summary>
    /// Holds every batch until the returned handle is disposed; requests queue up meanwhile, as
    /// they do behind a long run. For tests that need a full queue.
    /// </summary>
    internal IDisposable Pause()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.CompareExchange(ref _paused, gate, null) is not null)
        {
            throw new InvalidOperationException("The batcher is already paused.");
        }

        return new Resume(this, gate);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        Interlocked.Exchange(ref _paused, null)?.TrySetResult();
        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var items = new List<Item>(_maxBatchSize);
        var requests = new List<TRequest>(_maxBatchSize);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            if (Volatile.Read(ref _paused) is { } paused)
            {
                await paused.Task.ConfigureAwait(false);
            }

            items.Clear();
            Drain(reader, items);
            if (items.Count < _maxBatchSize && _maxQueueDelay > TimeSpan.Zero && Volatile.Read(ref _expected) > 0)
            {
                Interlocked.Increment(ref _delayedBatches);
                await WaitForAnnouncedAsync(reader, items).ConfigureAwait(false);
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

    /// <summary>Adds requests as they arrive while announced ones are still being prepared, for at most the queue delay.</summary>
    private async Task WaitForAnnouncedAsync(ChannelReader<Item> reader, List<Item> items)
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

    private sealed class Resume(DynamicBatcher<TRequest, TResponse> owner, TaskCompletionSource gate) : IDisposable
    {
        public void Dispose()
        {
            Interlocked.CompareExchange(ref owner._paused, null, gate);
            gate.TrySetResult();
        }
    }

    /// <summary>An announced request; dispose once it is submitted (or abandoned). Disposing twice counts once.</summary>
    public sealed class Expectation : IDisposable
    {
        private DynamicBatcher<TRequest, TResponse>? _owner;

        internal Expectation(DynamicBatcher<TRequest, TResponse> owner) => _owner = owner;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _owner, null) is { } owner)
            {
                Interlocked.Decrement(ref owner._expected);
            }
        }
    }
}
