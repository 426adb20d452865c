namespace SmartCity.Functions.Training;

/// <summary>Images embedded so far of the job's total.</summary>
public sealed record TrainingProgress(int Embedded, int Total);
