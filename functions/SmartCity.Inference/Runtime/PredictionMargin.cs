using SmartCity.Inference.Models;

namespace SmartCity.Inference.Runtime;

/// <summary>
/// How far a prediction's top label leads the next: the primary head's top-1 minus top-2
/// probability (a one-label head: the top probability itself). A detector, and a primary head that
/// gives no probabilities (an estimate, an embedding), has no margin. The camera pipeline and the
/// HTTP answer both call a result unsure when its margin is below the same setting (<see cref="IsLow"/>).
/// </summary>
public static class PredictionMargin
{
    /// <summary>Top-1 minus top-2 probability of the primary head, or null when it gives no probabilities.</summary>
    public static float? Of(Prediction prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        if (prediction.Model.Task == ModelTask.ObjectDetection || prediction.Heads.Count == 0)
        {
            return null;
        }

        var head = prediction.Heads[0];
        if (head.Kind is not (OutputKind.Logits or OutputKind.Probabilities or OutputKind.ZipMap) || head.Scores.Length == 0)
        {
            return null;
        }

        var (first, second) = (float.NegativeInfinity, 0f);
        var seenTwo = false;
        foreach (var score in head.Scores)
        {
            if (score > first)
            {
                (second, seenTwo) = (first, !float.IsNegativeInfinity(first));
                first = score;
            }
            else if (!seenTwo || score > second)
            {
                (second, seenTwo) = (score, true);
            }
        }

        return seenTwo ? first - second : first;
    }

    /// <summary>Whether <paramref name="margin"/> is below <paramref name="unsureMargin"/> (no margin is never low; 0 turns the check off).</summary>
    public static bool IsLow(float? margin, double unsureMargin) => margin is { } value && value < unsureMargin;
}
