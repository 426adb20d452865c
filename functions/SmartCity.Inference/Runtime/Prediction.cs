using SmartCity.Inference.Models;

namespace SmartCity.Inference.Runtime;

/// <summary>The answer for one image.</summary>
public sealed class Prediction
{
    public required ModelVersion Model { get; init; }

    /// <summary>Image width as displayed (after EXIF orientation).</summary>
    public int Width { get; init; }

    public int Height { get; init; }

    /// <summary>The top labels (classifiers), most probable first; empty for embeddings; for a detector, the labels of <see cref="Detections"/>.</summary>
    public required IReadOnlyList<LabelProbability> Predictions { get; init; }

    /// <summary>Every output value: probabilities in <see cref="Labels"/> order, or the L2-normalised embedding.</summary>
    public required float[] Scores { get; init; }

    public required IReadOnlyList<string> Labels { get; init; }

    /// <summary>Every head's answer, primary first (one entry for single-output models).</summary>
    public required IReadOnlyList<HeadPrediction> Heads { get; init; }

    /// <summary>The L2-normalised embedding, when the model outputs one (as its answer or as a head).</summary>
    public float[]? Embedding => Heads.FirstOrDefault(h => h.Kind == OutputKind.Embedding)?.Scores;

    /// <summary>An object detector's boxes, most probable first, after the score threshold and non-maximum suppression; empty for other tasks.</summary>
    public IReadOnlyList<Detection> Detections { get; init; } = [];

    /// <summary>An object detector's outputs as the model returned them (for the Open Inference Protocol); empty for other tasks.</summary>
    public IReadOnlyList<RawTensor> RawOutputs { get; init; } = [];

    public PredictionTimings Timings { get; init; }
}
