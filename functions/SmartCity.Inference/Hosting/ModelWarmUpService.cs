using Microsoft.Extensions.Hosting;
using SmartCity.Inference.Runtime;

namespace SmartCity.Inference.Hosting;

/// <summary>Starts the warm-up without blocking start-up; readiness reports it.</summary>
internal sealed class ModelWarmUpService(InferenceEngine engine) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = engine.StartWarmUp(CancellationToken.None);
        return Task.CompletedTask;
    }

    // The container disposes the engine (and its sessions) when the host stops.
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
