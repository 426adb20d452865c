namespace SmartCity.Functions.Training;

/// <summary>A labelled file that cannot be used, by name, and why.</summary>
public sealed record FileProblem(string File, string Reason);
