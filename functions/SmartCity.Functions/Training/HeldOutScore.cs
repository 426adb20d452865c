namespace SmartCity.Functions.Training;

/// <summary>How a version did on the job's held-out images.</summary>
public sealed record HeldOutScore(string? Version, double Accuracy, double MacroF1, int Images);
