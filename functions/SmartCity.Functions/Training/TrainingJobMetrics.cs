using System.Diagnostics.Metrics;

namespace SmartCity.Functions.Training;

/// <summary>
/// Training jobs by outcome, on the meter <see cref="MeterName"/>: counted when the job's final
/// state is written (a conditional write that only one delivery of the last step can win), so a
/// job counts once however often its messages are redelivered.
/// </summary>
public static class TrainingJobMetrics
{
    public const string MeterName = "SmartCity.Training";

    public const string Jobs = "smartcity.training.jobs";

    private static readonly Meter Meter = new(MeterName, typeof(TrainingJobMetrics).Assembly.GetName().Version?.ToString(3));

    private static readonly Counter<long> JobCounter = Meter.CreateCounter<long>(Jobs, "{job}", "Training jobs finished, by outcome (succeeded, failed) and model.");

    internal static void Finished(TrainingJobDocument job) =>
        JobCounter.Add(1, [new("model", job.Model), new("outcome", job.State == TrainingJobState.Succeeded ? "succeeded" : "failed")]);
}
