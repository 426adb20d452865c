namespace SmartCity.Functions.Training;

/// <summary>
/// The body of <c>POST /api/models/{model}/calibrations</c>: the camera to calibrate and its
/// labelled frames, a labels CSV in <c>Training:DataContainer</c> (<see cref="TrainingDataLocation.LabelsCsv"/>)
/// with columns <c>file</c> (or <c>path</c>, relative to the CSV's folder), <c>congestion</c>,
/// <c>lighting</c>, optionally <c>confidence</c> (<c>sure</c> or <c>unsure</c>) and <c>camera</c>
/// (then only that camera's rows are used). Rows whose congestion is <c>unusable</c> are skipped.
/// </summary>
public sealed class CalibrationJobRequest
{
    public string? CameraId { get; set; }

    public TrainingDataLocation? Data { get; set; }
}
