using SmartCity.Inference.Models;

namespace SmartCity.Inference.Runtime;

/// <summary>Turns model outputs into answers: softmax, L2 normalisation, top-k with a threshold.</summary>
public static class Postprocessing
{
    /// <summary>Numerically stable softmax, in place.</summary>
    public static void Softmax(Span<float> values)
    {
        if (values.IsEmpty)
        {
            return;
        }

        var max = float.NegativeInfinity;
        foreach (var v in values)
        {
            max = Math.Max(max, v);
        }

        var sum = 0.0;
        for (var i = 0; i < values.Length; i++)
        {
            var e = MathF.Exp(values[i] - max);
            values[i] = e;
            sum += e;
        }

        var scale = (float)(1.0 / sum);
        for (var i = 0; i < values.Length; i++)
        {
            values[i] *= scale;
        }
    }

    /// <summary>Scales a vector to unit length, in place (a zero vector stays zero).</summary>
    public static void L2Normalize(Span<float> values)
    {
        var sum = 0.0;
        foreach (var v in values)
        {
            sum += (double)v * v;
        }

        if (sum <= 0)
        {
            return;
        }

        var scale = (float)(1.0 / Math.Sqrt(sum));
        for (var i = 0; i < values.Length; i++)
        {
            values[i] *= scale;
        }
    }

    /// <summary>Applies the manifest's output kind to one item's raw output, in place.</summary>
    public static void Apply(OutputKind kind, Span<float> values)
    {
        switch (kind)
        {
            case OutputKind.Logits:
                Softmax(values);
                break;
            case OutputKind.Embedding:
                L2Normalize(values);
                break;
            default:
                break;
        }
    }

    /// <summary>The <paramref name="top"/> most probable labels at or above <paramref name="threshold"/>, most probable first.</summary>
    public static LabelProbability[] TopK(ReadOnlySpan<float> probabilities, IReadOnlyList<string> labels, int top, float threshold)
    {
        if (top <= 0)
        {
            return [];
        }

        var count = Math.Min(probabilities.Length, labels.Count);
        var best = new List<LabelProbability>(Math.Min(top, count) + 1);
        for (var i = 0; i < count; i++)
        {
            var p = probabilities[i];
            if (p < threshold || float.IsNaN(p))
            {
                continue;
            }

            if (best.Count == top && p <= best[^1].Probability)
            {
                continue;
            }

            var at = best.Count;
            while (at > 0 && best[at - 1].Probability < p)
            {
                at--;
            }

            best.Insert(at, new LabelProbability(labels[i], p));
            if (best.Count > top)
            {
                best.RemoveAt(best.Count - 1);
            }
        }

        return [.. best];
    }
}
