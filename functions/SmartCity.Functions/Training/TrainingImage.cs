namespace SmartCity.Functions.Training;

/// <summary>One labelled image of a job: its blob in the data container, its label index, and its size.</summary>
public sealed record TrainingImage(string Blob, int Label, long Bytes);
