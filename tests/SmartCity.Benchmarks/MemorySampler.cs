using System.Diagnostics;

namespace SmartCity.Benchmarks;

/// <summary>
/// Samples this process's working set while a scenario runs. <see cref="Process.PeakWorkingSet64"/>
/// only ever grows for the life of a process, so a per-scenario peak has to be sampled.
/// </summary>
public sealed class MemorySampler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _peak;

    public MemorySampler()
    {
        BaselineBytes = Current();
        _peak = BaselineBytes;
        _loop = Task.Run(SampleAsync);
    }

    public long BaselineBytes { get; }

    public long PeakBytes => Interlocked.Read(ref _peak);

    private static long Current()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    private async Task SampleAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                Sample();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private void Sample()
    {
        var now = Current();
        long seen;
        while (now > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, seen) != seen)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        Sample();
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
