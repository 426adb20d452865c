namespace SmartCity.Cameras.Storage;

/// <summary>What one model said about an upload: its primary answer, and its other labelled heads (e.g. lighting).</summary>
public sealed record ModelClassification(string Model, string Version, IReadOnlyList<LabelScore> Predictions, IReadOnlyDictionary<string, IReadOnlyList<LabelScore>>? Heads = null);
