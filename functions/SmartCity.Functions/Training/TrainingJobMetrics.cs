using System.Diagnostics.Metrics;

namespace SmartCity.Functions.Training;

/// <summary>
/// Training and calibration jobs by kind and outcome, on the meter <see cref="MeterName"/>: counted
/// when the job's final state is written (a conditional write that only one delivery of the last
/// step can win), so a job counts once however often its messages are redelivered. A calibration
/// job counts under the base model it calibrates (<c>traffic-scene</c>, not <c>traffic-scene.cam-2702</c>).
/// </summary>
public static class TrainingJobMetrics
{
    public const string MeterName = "SmartCity.Training";

    public const string Jobs = "smartcity.training.jobs";

    private static readonly Meter Meter = new(MeterName, typeof(TrainingJobMetrics).Assembly.GetName().Version?.ToString(3));

    public const string TrainingKind = "training";

    public const string CalibrationKind = "calibration";

    private static readonly Counter<long> JobCounter = Meter.CreateCounter<long>(Jobs, "{job}", "Training and calibration jobs finished, by kind (training, calibration), outcome (succeeded, failed) and model.");

    internal static void Finished(TrainingJobDocument job) => Record(TrainingKind, job.Model, job.State);

    internal static void Finished(CalibrationJobDocument job) => Record(CalibrationKind, job.Model, job.State);

    private static void Record(string kind, string model, TrainingJobState state) =>
        JobCounter.Add(1, [new("kind", kind), new("model", model), new("outcome", state == TrainingJobState.Succeeded ? "succeeded" : "failed")]);
}
