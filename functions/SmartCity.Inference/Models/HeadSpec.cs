namespace SmartCity.Inference.Models;

/// <summary>One output read from a model: its tensor, how to read it, and its labels.</summary>
/// <param name="Name">The output tensor name (null: the model's first output), also the name in answers.</param>
/// <param name="Kind">How to read its values (logits, probabilities, ZipMap, embedding).</param>
/// <param name="Labels">Its labels in output order (empty for an embedding, or when a ZipMap carries them).</param>
public sealed record HeadSpec(string? Name, OutputKind Kind, IReadOnlyList<string> Labels);
