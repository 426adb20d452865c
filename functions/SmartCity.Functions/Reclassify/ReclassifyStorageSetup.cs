using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmartCity.Functions.Models;

namespace SmartCity.Functions.Reclassify;

/// <summary>
/// The host never creates trigger queues: at start, the reclassification queue, its poison queue and
/// the jobs container are created when they do not exist (locally, on Azurite; in Azure the Bicep
/// made them). Runs in the background and only warns when storage cannot be reached.
/// </summary>
internal sealed class ReclassifyStorageSetup(ModelStorageClients clients, IOptions<ReclassifyOptions> options, ILogger<ReclassifyStorageSetup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = Task.Run(() => EnsureAsync(CancellationToken.None), CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal Task EnsureAsync(CancellationToken cancellationToken) =>
        ModelStorageSetup.EnsureAsync(
            clients,
            [options.Value.Queue, options.Value.PoisonQueue],
            [options.Value.JobsContainer],
            "reclassification queues and container",
            logger,
            cancellationToken);
}
