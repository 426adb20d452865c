namespace SmartCity.Functions.Training;

/// <summary>
/// Where a job's labelled images are, in <c>Training:DataContainer</c>: a <see cref="Prefix"/> with
/// one folder per label (<c>&lt;prefix&gt;&lt;label&gt;/&lt;file&gt;</c>), or a <see cref="LabelsCsv"/>
/// with columns <c>file</c> (relative to the CSV's folder) and <c>label</c>. Exactly one.
/// </summary>
public sealed class TrainingDataLocation
{
    public string? Prefix { get; set; }

    public string? LabelsCsv { get; set; }
}
