using System.Diagnostics;
using SmartCity.Inference.Explaining;
using SmartCity.Inference.Models;

namespace SmartCity.Inference.Runtime;

/// <summary>Explanations: occlusion saliency over a grid, run through the model's own batcher.</summary>
public sealed partial class InferenceEngine
{
    /// <summary>Smallest and largest explanation grid (cells per side).</summary>
    public const int MinExplainGrid = 2;

    public const int MaxExplainGrid = 12;

    /// <summary>Most nearest training examples an explanation returns per head.</summary>
    public const int MaxNearestExamples = 20;

    /// <summary>Nearest training examples per head when the caller does not say (HTTP and OIP).</summary>
    public const int DefaultNearestExamples = 5;

    /// <summary>
    /// Explains one image by occlusion: the image is decoded and preprocessed once; then the
    /// unmasked tensor and one copy per grid cell with that cell set to the normalisation mean
    /// run through the batcher, in batches of the model's maximum batch size. Costs
    /// grid x grid + 1 items, each of them one backbone image per region.
    /// </summary>
    public Task<Explanation> ExplainAsync(ModelVersion model, ReadOnlyMemory<byte> image, int? grid = null, int top = 5, float threshold = 0f, CancellationToken cancellationToken = default) =>
        ExplainAsync(model, image, grid, top, threshold, 0, cancellationToken);

    /// <summary>
    /// <inheritdoc cref="ExplainAsync(ModelVersion, ReadOnlyMemory{byte}, int?, int, float, CancellationToken)"/>
    /// With <paramref name="examples"/> above 0 and a model version that has an example index, each
    /// classification head's map also carries the <paramref name="examples"/> training examples
    /// nearest to the image by cosine similarity of their embeddings, from the same pass (the
    /// unmasked item's backbone output, or the model's embedding output): no extra backbone run.
    /// </summary>
    public async Task<Explanation> ExplainAsync(ModelVersion model, ReadOnlyMemory<byte> image, int? grid, int top, float threshold, int examples, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegative(examples);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(examples, MaxNearestExamples);
        var started = Stopwatch.GetTimestamp();
        var size = grid ?? Options.ExplainGrid;
        ArgumentOutOfRangeException.ThrowIfLessThan(size, MinExplainGrid);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, MaxExplainGrid);
        var cells = size * size;
        var masks = new bool[cells + 1][];
        masks[0] = new bool[cells];
        for (var c = 0; c < cells; c++)
        {
            masks[c + 1] = new bool[cells];
            masks[c + 1][c] = true;
        }

        var pipeline = GetPipeline(model);
        var index = examples > 0 ? model.Examples : null;
        var run = await RunMaskedAsync(pipeline, image, size, size, masks, index is not null && pipeline.ExampleEmbeddingNeedsFeatures, cancellationToken).ConfigureAwait(false);
        var embedding = index is null ? null : run.Embedding ?? throw new InvalidOperationException($"Model '{model.Id}' gave no embedding for its examples.");
        var unmasked = run.Outputs[0];
        var heads = new HeadPrediction[unmasked.Length];
        var maps = new List<SaliencyMap>();
        for (var h = 0; h < heads.Length; h++)
        {
            var spec = pipeline.Model.Heads[h];
            var labels = pipeline.HeadLabels(h);
            var predictions = spec.Kind is OutputKind.Embedding or OutputKind.Estimate ? [] : Postprocessing.TopK(unmasked[h], labels, top, threshold);
            heads[h] = new HeadPrediction(pipeline.OutputNames[h], spec.Kind, labels, unmasked[h], predictions);

            // An estimate has no label to explain, and an embedding no class: no saliency map for either.
            if (spec.Kind is OutputKind.Embedding or OutputKind.Estimate || unmasked[h].Length == 0)
            {
                continue;
            }

            var best = Array.IndexOf(unmasked[h], unmasked[h].Max());
            var scores = new float[cells];
            for (var c = 0; c < cells; c++)
            {
                scores[c] = unmasked[h][best] - run.Outputs[c + 1][h][best];
            }

            var png = SaliencyOverlay.Render(run.Tensor, pipeline.Format, run.Cells, run.Image.Width, run.Image.Height, scores);
            var (pngWidth, pngHeight) = SaliencyOverlay.Size(run.Image.Width, run.Image.Height);
            var label = best < labels.Count ? labels[best] : best.ToString(System.Globalization.CultureInfo.InvariantCulture);
            maps.Add(new SaliencyMap(pipeline.OutputNames[h], label, unmasked[h][best], scores, png, pngWidth, pngHeight)
            {
                Examples = index is not null && index.HeadIndex(pipeline.OutputNames[h]) is var indexHead and >= 0
                    ? NearestExamples(index, indexHead, embedding!, examples, label)
                    : null,
            });
        }

        var prediction = new Prediction
        {
            Model = pipeline.Model,
            Width = run.Image.Width,
            Height = run.Image.Height,
            Predictions = heads[0].Predictions,
            Scores = heads[0].Scores,
            Labels = heads[0].Labels,
            Heads = heads,
            Timings = new PredictionTimings(Ms(run.Image.DecodeTicks), Ms(run.Image.ResizeTicks), 0, 0, 0, Math.Min(masks.Length, Math.Max(1, pipeline.MaxBatchSize / pipeline.Regions))),
        };

        return new Explanation
        {
            Prediction = prediction,
            Rows = size,
            Columns = size,
            Items = masks.Length,
            BackbonePasses = masks.Length * pipeline.Regions,
            Maps = maps,
            ElapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds,
        };
    }

    /// <summary>The <paramref name="k"/> examples of <paramref name="index"/> nearest to <paramref name="embedding"/>, with head <paramref name="head"/>'s labels.</summary>
    private static NearestExample[] NearestExamples(ExampleIndex index, int head, float[] embedding, int k, string predicted)
    {
        var labels = index.Heads[head].Labels;
        return [.. index.Nearest(embedding, k).Select(n =>
        {
            var entry = index.Metadata.Examples[n.Example];
            var label = labels[index.LabelIndex(head, n.Example)];
            return new NearestExample(entry.Id!, label, n.Similarity, label == predicted, index.ImagesMayBeShown ? entry.Image : null);
        })];
    }

    /// <summary>
    /// The embedding an image is compared with training examples by (see <see cref="ExampleIndex"/>):
    /// the model's embedding output, or its backbone's output, L2-normalised, from one pass through the
    /// model's batcher. The trainers index their examples with it, so the index and explanations agree.
    /// </summary>
    public async Task<float[]> ExampleEmbeddingAsync(ModelVersion model, ReadOnlyMemory<byte> image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Backbone is null)
        {
            throw new ArgumentException($"Model '{model.Id}' has no backbone: examples are compared by the backbone's embedding.", nameof(model));
        }

        return (await ExampleRunAsync(model, image, cancellationToken).ConfigureAwait(false)).Embedding!;
    }

    /// <summary>One pass of an image with its example embedding kept: the outputs (<c>Outputs[0][head]</c>) and <see cref="MaskedRun.Embedding"/>.</summary>
    internal Task<MaskedRun> ExampleRunAsync(ModelVersion model, ReadOnlyMemory<byte> image, CancellationToken cancellationToken = default)
    {
        var pipeline = GetPipeline(model);
        return RunMaskedAsync(pipeline, image, 1, 1, [new bool[1]], pipeline.ExampleEmbeddingNeedsFeatures, cancellationToken);
    }

    /// <summary>
    /// Runs one image under each mask (one flag per cell of a <paramref name="rows"/> x
    /// <paramref name="columns"/> grid; an all-false mask is the image itself). Decodes once.
    /// </summary>
    internal Task<MaskedRun> RunMaskedAsync(ModelVersion model, ReadOnlyMemory<byte> image, int rows, int columns, IReadOnlyList<bool[]> masks, CancellationToken cancellationToken = default) =>
        RunMaskedAsync(GetPipeline(model), image, rows, columns, masks, false, cancellationToken);

    /// <param name="keepFeatures">Keep the first item's backbone output as its example embedding (<see cref="MaskedRun.Embedding"/>).</param>
    private async Task<MaskedRun> RunMaskedAsync(ModelPipeline pipeline, ReadOnlyMemory<byte> image, int rows, int columns, IReadOnlyList<bool[]> masks, bool keepFeatures, CancellationToken cancellationToken)
    {
        float[]? embedding = null;
        var tensor = new float[pipeline.ItemLength];
        var preprocessed = Preprocessor.Preprocess(image, pipeline.Format, tensor, pipeline.Model.Regions, cancellationToken);
        var cells = new CellMap(pipeline.Format, pipeline.Model.Regions, preprocessed.Width, preprocessed.Height, rows, columns);
        var outputs = new float[masks.Count][][];
        // At most one batch of masked copies in memory at a time (a tiled frame is 2.4 MB per copy),
        // and no more backbone images per run than the maximum batch size (a 2x2-tiled model: a quarter as many items).
        var chunk = Math.Max(1, pipeline.MaxBatchSize / pipeline.Regions);
        for (var start = 0; start < masks.Count; start += chunk)
        {
            var count = Math.Min(chunk, masks.Count - start);
            // The copies are made first, then submitted together while announced, so the batcher
            // sees them as one batch rather than as they trickle in.
            var items = new float[count][];
            for (var i = 0; i < count; i++)
            {
                items[i] = (float[])tensor.Clone();
                cells.Mask(items[i], masks[start + i]);
            }

            var expectations = new DynamicBatcher<TensorRequest, TensorResponse>.Expectation[count];
            var tasks = new Task<TensorResponse>[count];
            for (var i = 0; i < count; i++)
            {
                expectations[i] = pipeline.Batcher.Expect();
            }

            try
            {
                for (var i = 0; i < count; i++)
                {
                    tasks[i] = pipeline.Batcher.SubmitAsync(new TensorRequest(items[i], Stopwatch.GetTimestamp(), keepFeatures && start + i == 0), cancellationToken);
                }
            }
            finally
            {
                foreach (var expectation in expectations)
                {
                    expectation.Dispose();
                }
            }

            var responses = await Task.WhenAll(tasks).ConfigureAwait(false);
            for (var i = 0; i < count; i++)
            {
                outputs[start + i] = responses[i].Heads;
                if (start + i == 0)
                {
                    embedding = pipeline.ExampleEmbedding(responses[i]);
                }
            }
        }

        return new MaskedRun(preprocessed, tensor, cells, outputs, embedding);
    }
}
