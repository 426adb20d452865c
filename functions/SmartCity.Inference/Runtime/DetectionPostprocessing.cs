using System.Globalization;
using SmartCity.Inference.Models;

namespace SmartCity.Inference.Runtime;

/// <summary>Turns a detector's outputs into answers: boxes as image fractions, the score threshold, non-maximum suppression.</summary>
public static class DetectionPostprocessing
{
    /// <summary>Values per candidate in a detector's packed row: left, top, width, height, score, class index.</summary>
    public const int CandidateLength = 6;

    /// <summary>
    /// Reads one box as the model wrote it and returns it as fractions of the input (clipped to the
    /// image). Pixel boxes are divided by the model's input size: with <c>stretch</c> resizing, a
    /// fraction of the input is the same fraction of the original image.
    /// </summary>
    public static BoundingBox ToBox(BoxFormat format, bool normalized, float a, float b, float c, float d, int inputWidth, int inputHeight)
    {
        var (left, top, right, bottom) = format switch
        {
            BoxFormat.Xyxy => (a, b, c, d),
            BoxFormat.Xywh => (a, b, a + c, b + d),
            BoxFormat.CxCyWh => (a - (c / 2f), b - (d / 2f), a + (c / 2f), b + (d / 2f)),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };

        if (!normalized)
        {
            left /= inputWidth;
            right /= inputWidth;
            top /= inputHeight;
            bottom /= inputHeight;
        }

        left = Clip(left);
        top = Clip(top);
        right = Math.Max(left, Clip(right));
        bottom = Math.Max(top, Clip(bottom));
        return new BoundingBox(left, top, right - left, bottom - top);
    }

    /// <summary>
    /// The candidates at or above <paramref name="scoreThreshold"/>, most probable first, without the
    /// boxes of the same class that overlap a better one by more than <paramref name="iou"/> (null:
    /// keep them), at most <paramref name="max"/>. A class index with no label is named by its number.
    /// </summary>
    public static Detection[] Select(ReadOnlySpan<float> candidates, IReadOnlyList<string> labels, float scoreThreshold, float? iou, int max)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var kept = new List<Detection>();
        for (var i = 0; i + CandidateLength <= candidates.Length; i += CandidateLength)
        {
            var score = candidates[i + 4];
            if (float.IsNaN(score) || score < scoreThreshold)
            {
                continue;
            }

            var classIndex = (int)candidates[i + 5];
            var label = classIndex >= 0 && classIndex < labels.Count ? labels[classIndex] : classIndex.ToString(CultureInfo.InvariantCulture);
            kept.Add(new Detection(label, classIndex, score, new BoundingBox(candidates[i], candidates[i + 1], candidates[i + 2], candidates[i + 3])));
        }

        // Stable: equal scores keep the model's order.
        var ordered = kept.OrderByDescending(d => d.Probability).ToList();
        var selected = new List<Detection>(Math.Min(max, ordered.Count));
        foreach (var candidate in ordered)
        {
            if (selected.Count == max)
            {
                break;
            }

            if (iou is { } limit && selected.Any(s => s.ClassIndex == candidate.ClassIndex && s.Box.IntersectionOverUnion(candidate.Box) > limit))
            {
                continue;
            }

            selected.Add(candidate);
        }

        return [.. selected];
    }

    private static float Clip(float value) => float.IsNaN(value) ? 0f : Math.Clamp(value, 0f, 1f);
}
