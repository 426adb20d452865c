namespace SmartCity.Functions.Training;

/// <summary>The labelled images a job found (labels sorted, images by blob name), or why it cannot use them.</summary>
public sealed record LabelledImageSet(IReadOnlyList<string> Labels, List<TrainingImage> Images, IReadOnlyList<string> Problems);
