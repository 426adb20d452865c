using SmartCity.Inference.Runtime;

namespace SmartCity.Training;

/// <summary>Pieces every head trainer uses: embeddings, the held-out split, the head's ONNX file.</summary>
public static class HeadTraining
{
    /// <summary>L2-normalised ResNet-18 embeddings of <paramref name="files"/>, in order, computed in batches.</summary>
    /// <param name="imageDone">Called once per embedded image (from any thread), e.g. to move a progress bar.</param>
    /// <param name="backboneVersion">The backbone's version; null for its default.</param>
    public static async Task<float[][]> EmbedAsync(InferenceEngine engine, IReadOnlyList<string> files, string backbone = "resnet18-embedding", string? backboneVersion = null, Action? imageDone = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(files);
        var model = engine.Repository.Get(backbone, backboneVersion);
        var result = new float[files.Count][];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, files.Count), parallel, async (i, ct) =>
        {
            var prediction = await engine.PredictAsync(model, await File.ReadAllBytesAsync(files[i], ct), 0, 0f, ct);
            result[i] = prediction.Scores;
            imageDone?.Invoke();
        });
        return result;
    }

    /// <summary>The L2 values the trainers try on a validation split (<see cref="ChooseL2"/>).</summary>
    public static IReadOnlyList<float> L2Choices { get; } = [1e-4f, 1e-3f, 3e-3f, 1e-2f, 3e-2f];

    /// <summary>Share of each label held out for the reported figures, and its seed (the CLI trainer's).</summary>
    public const double DefaultHeldOutFraction = 0.2;

    /// <inheritdoc cref="DefaultHeldOutFraction"/>
    public const int HeldOutSeed = 42;

    /// <summary>Share of the training part each L2 candidate is scored on, and its seed.</summary>
    public const double ValidationFraction = 0.2;

    /// <inheritdoc cref="ValidationFraction"/>
    public const int ValidationSeed = 7;

    /// <summary>
    /// The training part's own split for choosing L2: <c>Fit</c> trains each candidate, <c>Validation</c>
    /// scores it (20% of each label of <paramref name="train"/>, seed 7). Indexes are of the whole set.
    /// </summary>
    public static (List<int> Fit, List<int> Validation) ValidationSplit(IReadOnlyList<int> classes, IReadOnlyList<int> train)
    {
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(train);
        var (fit, validation) = StratifiedSplit([.. train.Select(i => classes[i])], ValidationFraction, ValidationSeed);
        return ([.. fit.Select(i => train[i])], [.. validation.Select(i => train[i])]);
    }

    /// <summary>Accuracy on <paramref name="validation"/> of a head trained on <paramref name="fit"/> with <paramref name="l2"/>.</summary>
    public static double ScoreL2(IReadOnlyList<float[]> features, IReadOnlyList<int> classes, int labels, IReadOnlyList<int> fit, IReadOnlyList<int> validation, float l2)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(validation);
        var candidate = SoftmaxRegression.Train(Select(features, fit), Select(classes, fit), labels, l2);
        var names = Enumerable.Range(0, labels).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        return ClassificationReport.Evaluate(candidate, Select(features, validation), Select(classes, validation), names).Accuracy;
    }

    /// <summary>The index of the best validation accuracy, the first on a tie (the smallest L2 of <see cref="L2Choices"/>).</summary>
    public static int ChooseL2(IReadOnlyList<double> accuracies)
    {
        ArgumentNullException.ThrowIfNull(accuracies);
        var best = 0;
        for (var i = 1; i < accuracies.Count; i++)
        {
            if (accuracies[i] > accuracies[best])
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>The items at <paramref name="indexes"/>, in that order.</summary>
    public static List<T> Select<T>(IReadOnlyList<T> items, IEnumerable<int> indexes)
    {
        ArgumentNullException.ThrowIfNull(items);
        return [.. indexes.Select(i => items[i])];
    }

    /// <summary>
    /// A stratified split of example indexes: <paramref name="fraction"/> of each class (rounded)
    /// goes to <c>Test</c>, the rest to <c>Train</c>. The same labels and seed give the same split.
    /// </summary>
    public static (List<int> Train, List<int> Test) StratifiedSplit(IReadOnlyList<int> labels, double fraction, int seed)
    {
        var random = new Random(seed);
        var train = new List<int>();
        var test = new List<int>();
        foreach (var group in Enumerable.Range(0, labels.Count).GroupBy(i => labels[i]).OrderBy(g => g.Key))
        {
            var shuffled = group.OrderBy(_ => random.Next()).ToList();
            var take = (int)Math.Round(shuffled.Count * fraction);
            test.AddRange(shuffled.Take(take));
            train.AddRange(shuffled.Skip(take));
        }

        return (train, test);
    }

    /// <summary>
    /// The head as ONNX: the backbone's raw output [batch, features] is L2-normalised (as the
    /// embedding the head was trained on), then one Gemm gives the logits per head output.
    /// </summary>
    public static byte[] HeadOnnx(int features, IReadOnlyList<(string Output, SoftmaxRegression Model)> heads)
    {
        var builder = new OnnxGraphBuilder("head")
            .AddFloatInput("features", "batch", features)
            .AddNode("LpNormalization", ["features"], ["normalized"], new Dictionary<string, object> { ["axis"] = 1L, ["p"] = 2L });
        foreach (var (output, model) in heads)
        {
            var (weights, bias) = model.Folded();
            builder.AddInitializer($"{output}_weight", weights, features, model.Classes)
                .AddInitializer($"{output}_bias", bias, model.Classes)
                .AddNode("Gemm", ["normalized", $"{output}_weight", $"{output}_bias"], [output])
                .AddFloatOutput(output, "batch", model.Classes);
        }

        return builder.Build("SmartCity.Cli train");
    }
}
