using SmartCity.Inference.Models;

namespace SmartCity.Inference.Runtime;

/// <summary>One output of a prediction (a model may answer with several heads from one pass).</summary>
/// <param name="Name">The head (output tensor) name.</param>
/// <param name="Kind">How the values were read.</param>
/// <param name="Labels">Labels of <paramref name="Scores"/>, empty for embeddings.</param>
/// <param name="Scores">Probabilities in label order, or the L2-normalised embedding.</param>
/// <param name="Predictions">The top labels, most probable first (empty for embeddings).</param>
public sealed record HeadPrediction(string Name, OutputKind Kind, IReadOnlyList<string> Labels, float[] Scores, IReadOnlyList<LabelProbability> Predictions);
