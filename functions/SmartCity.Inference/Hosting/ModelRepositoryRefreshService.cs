using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmartCity.Inference.Models;

namespace SmartCity.Inference.Hosting;

/// <summary>
/// Reads the external model source once at start (waiting at most <see cref="StartWait"/>, so a
/// storage outage never keeps the app from serving its bundled models), then every
/// <see cref="InferenceOptions.RepositoryRefreshSeconds"/>. Does nothing without a source.
/// </summary>
internal sealed partial class ModelRepositoryRefreshService(ModelRepositorySynchronizer synchronizer, IOptions<InferenceOptions> options, ILogger<ModelRepositoryRefreshService> logger) : IHostedService, IDisposable
{
    public static readonly TimeSpan StartWait = TimeSpan.FromSeconds(20);

    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (synchronizer.Source is null)
        {
            return;
        }

        var first = synchronizer.RefreshAsync(_stopping.Token);
        if (await Task.WhenAny(first, Task.Delay(StartWait, cancellationToken)).ConfigureAwait(false) != first)
        {
            LogStillReading(logger, synchronizer.Source.Description, StartWait.TotalSeconds);
        }

        _loop = LoopAsync(first, TimeSpan.FromSeconds(options.Value.RepositoryRefreshSeconds), _stopping.Token);
    }

    private async Task LoopAsync(Task first, TimeSpan interval, CancellationToken cancellationToken)
    {
        try
        {
            await first.ConfigureAwait(false);
            using var timer = new PeriodicTimer(interval);
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await synchronizer.RefreshAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await Task.WhenAny(_loop, Task.Delay(Timeout.Infinite, cancellationToken)).ConfigureAwait(false);
        }
    }

    public void Dispose() => _stopping.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Serving the bundled models while {Source} is still being read (waited {Seconds} s at start)")]
    private static partial void LogStillReading(ILogger logger, string source, double seconds);
}
