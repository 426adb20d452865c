using Microsoft.Azure.Functions.Worker;

namespace SmartCity.Functions.Training;

/// <summary>
/// Runs one step of a training job per message of <c>%TrainingJobsQueue%</c> on the
/// <c>ModelStorage</c> connection (host.json: one message at a time per instance, five tries 10 s
/// apart, then <c>&lt;queue&gt;-poison</c>). <see cref="TrainingJobRunner"/> makes every message
/// count once, however often it is delivered; a message of kind <c>calibration</c> runs a
/// calibration job instead (<see cref="CalibrationJobRunner"/>, as idempotent).
/// </summary>
public sealed class RunTrainingJob(TrainingJobRunner runner, CalibrationJobRunner calibrations)
{
    [Function(nameof(RunTrainingJob))]
    public Task RunAsync(
        [QueueTrigger("%TrainingJobsQueue%", Connection = "ModelStorage")] string message,
        long dequeueCount,
        CancellationToken cancellationToken) =>
        CalibrationJobRunner.TryParse(message, out var calibration)
            ? calibrations.RunAsync(calibration, dequeueCount, cancellationToken)
            : runner.RunAsync(message, dequeueCount, cancellationToken);
}
