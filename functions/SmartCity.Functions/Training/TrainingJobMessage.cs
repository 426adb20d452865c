namespace SmartCity.Functions.Training;

/// <summary>
/// The queue message that runs the step of <paramref name="JobId"/> numbered <paramref name="Sequence"/>;
/// <paramref name="Kind"/> is absent for a training job, <see cref="CalibrationKind"/> for a calibration job.
/// </summary>
public sealed record TrainingJobMessage(string Model, string JobId, int Sequence, string? Kind = null)
{
    public const string CalibrationKind = "calibration";
}
