namespace SmartCity.Training;

/// <summary>
/// Multinomial logistic regression trained by full-batch gradient descent (Adam) with L2
/// regularisation, on standardised features. Small and deterministic: it trains the heads
/// that sit on the ResNet-18 embedding.
/// </summary>
public sealed class SoftmaxRegression
{
    private SoftmaxRegression(float[] weights, float[] bias, float[] mean, float[] scale, int features, int classes)
    {
        Weights = weights;
        Bias = bias;
        Mean = mean;
        Scale = scale;
        Features = features;
        Classes = classes;
    }

    /// <summary>Row-major [features, classes], for standardised inputs.</summary>
    public float[] Weights { get; }

    public float[] Bias { get; }

    public float[] Mean { get; }

    /// <summary>1 / standard deviation per feature.</summary>
    public float[] Scale { get; }

    public int Features { get; }

    public int Classes { get; }

    /// <summary>Full-batch epochs of <see cref="Train"/> unless told otherwise.</summary>
    public const int DefaultEpochs = 400;

    /// <summary>Adam's step size in <see cref="Train"/> unless told otherwise.</summary>
    public const float DefaultLearningRate = 0.05f;

    public static SoftmaxRegression Train(IReadOnlyList<float[]> x, IReadOnlyList<int> y, int classes, float l2 = 1e-3f, int epochs = DefaultEpochs, float learningRate = DefaultLearningRate, float[]? sampleWeights = null)
    {
        var n = x.Count;
        var d = x[0].Length;
        var mean = new float[d];
        var scale = new float[d];
        for (var j = 0; j < d; j++)
        {
            double sum = 0, sumSq = 0;
            for (var i = 0; i < n; i++)
            {
                sum += x[i][j];
                sumSq += (double)x[i][j] * x[i][j];
            }

            var m = sum / n;
            var variance = Math.Max((sumSq / n) - (m * m), 1e-12);
            mean[j] = (float)m;
            scale[j] = (float)(1.0 / Math.Sqrt(variance));
        }

        var z = new float[n * d];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < d; j++)
            {
                z[(i * d) + j] = (x[i][j] - mean[j]) * scale[j];
            }
        }

        var w = new float[d * classes];
        var b = new float[classes];
        var mW = new float[w.Length];
        var vW = new float[w.Length];
        var mB = new float[classes];
        var vB = new float[classes];
        var gradW = new float[w.Length];
        var gradB = new float[classes];
        var logits = new float[classes];
        const float beta1 = 0.9f, beta2 = 0.999f, epsilon = 1e-8f;
        var totalWeight = sampleWeights?.Sum() ?? n;

        for (var epoch = 1; epoch <= epochs; epoch++)
        {
            Array.Clear(gradW);
            Array.Clear(gradB);
            for (var i = 0; i < n; i++)
            {
                var row = z.AsSpan(i * d, d);
                Predict(row, w, b, classes, logits);
                var sw = (sampleWeights?[i] ?? 1f) / totalWeight;
                for (var c = 0; c < classes; c++)
                {
                    var error = (logits[c] - (y[i] == c ? 1f : 0f)) * sw;
                    gradB[c] += error;
                    for (var j = 0; j < d; j++)
                    {
                        gradW[(j * classes) + c] += error * row[j];
                    }
                }
            }

            var correction1 = 1f - MathF.Pow(beta1, epoch);
            var correction2 = 1f - MathF.Pow(beta2, epoch);
            for (var k = 0; k < w.Length; k++)
            {
                var g = gradW[k] + (l2 * w[k]);
                mW[k] = (beta1 * mW[k]) + ((1 - beta1) * g);
                vW[k] = (beta2 * vW[k]) + ((1 - beta2) * g * g);
                w[k] -= learningRate * (mW[k] / correction1) / (MathF.Sqrt(vW[k] / correction2) + epsilon);
            }

            for (var c = 0; c < classes; c++)
            {
                var g = gradB[c];
                mB[c] = (beta1 * mB[c]) + ((1 - beta1) * g);
                vB[c] = (beta2 * vB[c]) + ((1 - beta2) * g * g);
                b[c] -= learningRate * (mB[c] / correction1) / (MathF.Sqrt(vB[c] / correction2) + epsilon);
            }
        }

        return new SoftmaxRegression(w, b, mean, scale, d, classes);
    }

    /// <summary>Class probabilities for raw (unstandardised) features.</summary>
    public float[] Probabilities(float[] features)
    {
        var row = new float[Features];
        for (var j = 0; j < Features; j++)
        {
            row[j] = (features[j] - Mean[j]) * Scale[j];
        }

        var output = new float[Classes];
        Predict(row, Weights, Bias, Classes, output);
        return output;
    }

    /// <summary>The most probable class for raw (unstandardised) features.</summary>
    public int Predict(float[] features)
    {
        var probabilities = Probabilities(features);
        var best = 0;
        for (var c = 1; c < probabilities.Length; c++)
        {
            if (probabilities[c] > probabilities[best])
            {
                best = c;
            }
        }

        return best;
    }

    /// <summary>
    /// Weights and bias for raw features, with standardisation folded in:
    /// logits = x · (W ⊙ scale) + (b − Σ mean·scale·W).
    /// </summary>
    public (float[] Weights, float[] Bias) Folded()
    {
        var weights = new float[Weights.Length];
        var bias = (float[])Bias.Clone();
        for (var j = 0; j < Features; j++)
        {
            for (var c = 0; c < Classes; c++)
            {
                var k = (j * Classes) + c;
                weights[k] = Weights[k] * Scale[j];
                bias[c] -= Mean[j] * Scale[j] * Weights[k];
            }
        }

        return (weights, bias);
    }

    private static void Predict(ReadOnlySpan<float> row, float[] w, float[] b, int classes, Span<float> output)
    {
        for (var c = 0; c < classes; c++)
        {
            output[c] = b[c];
        }

        for (var j = 0; j < row.Length; j++)
        {
            var v = row[j];
            if (v == 0f)
            {
                continue;
            }

            var offset = j * classes;
            for (var c = 0; c < classes; c++)
            {
                output[c] += v * w[offset + c];
            }
        }

        SmartCity.Inference.Runtime.Postprocessing.Softmax(output);
    }
}
