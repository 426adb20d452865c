using SmartCity.Inference.Runtime;

namespace SmartCity.Training;

/// <summary>Pieces every head trainer uses: embeddings, the held-out split, the head's ONNX file.</summary>
public static class HeadTraining
{
    /// <summary>L2-normalised ResNet-18 embeddings of <paramref name="files"/>, in order, computed in batches.</summary>
    /// <param name="imageDone">Called once per embedded image (from any thread), e.g. to move a progress bar.</param>
    public static async Task<float[][]> EmbedAsync(InferenceEngine engine, IReadOnlyList<string> files, string backbone = "resnet18-embedding", Action? imageDone = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(files);
        var model = engine.Repository.Get(backbone);
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
