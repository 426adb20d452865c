using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmartCity.Functions.Models;

namespace SmartCity.Functions.Training;

/// <summary>At start, in the background: the training queue, its poison queue and the containers of the repository, the jobs and the data (<see cref="ModelStorageSetup"/>).</summary>
internal sealed class TrainingStorageSetup(ModelStorageClients clients, IOptions<TrainingOptions> training, IOptions<ModelRepositoryOptions> repository, ILogger<TrainingStorageSetup> logger) : IHostedService
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
            [training.Value.Queue, training.Value.PoisonQueue],
            [repository.Value.Container, training.Value.JobsContainer, training.Value.DataContainer],
            "training queues and containers",
            logger,
            cancellationToken);
}
