namespace SmartCity.Functions.Training;

/// <summary>The queue message that runs the step of <paramref name="JobId"/> numbered <paramref name="Sequence"/>.</summary>
public sealed record TrainingJobMessage(string Model, string JobId, int Sequence);
