using System.Drawing;
using SmartCity.Inference.Imaging;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Cli.Training;

/// <summary>
/// The L2-normalised ResNet-18 embeddings of every region any layout uses, computed once per
/// frame: the whole frame, the 2x2 tiles and the 3x3 tiles (14 regions); each layout's features
/// are pooled from them.
/// </summary>
internal sealed class FrameRegionEmbeddings
{
    private readonly float[][][] _full;
    private readonly float[][][] _grid2;
    private readonly float[][][] _grid3;

    private FrameRegionEmbeddings(float[][][] full, float[][][] grid2, float[][][] grid3)
    {
        _full = full;
        _grid2 = grid2;
        _grid3 = grid3;
    }

    public const int RegionsPerFrame = 14;

    /// <summary>Values of one region's embedding (the backbone's).</summary>
    public int BackboneDimension => _full[0][0].Length;

    public static async Task<FrameRegionEmbeddings> EmbedAsync(InferenceEngine engine, ModelVersion backbone, IReadOnlyList<LabelledFrame> frames, CommandConsole console, CancellationToken cancellationToken)
    {
        var format = new TensorFormat(backbone.ImageInput);
        return await WorkProgress.RunAsync(console, "Embedding regions", frames.Count * 3, async frameDone =>
        {
            var full = await EmbedAsync(engine, backbone, format, frames, [new RectangleF(0, 0, 1, 1)], frameDone, cancellationToken);
            var grid2 = await EmbedAsync(engine, backbone, format, frames, Grid(2, 2), frameDone, cancellationToken);
            var grid3 = await EmbedAsync(engine, backbone, format, frames, Grid(3, 3), frameDone, cancellationToken);
            return new FrameRegionEmbeddings(full, grid2, grid3);
        });
    }

    /// <summary>The pooled features of every frame for <paramref name="layout"/>.</summary>
    public float[][] Features(RegionLayout layout) => [.. Enumerable.Range(0, _full.Length).Select(i =>
    {
        var regions = new List<float[]>();
        if (layout.IncludeFull || layout.Columns == 1)
        {
            regions.Add(_full[i][0]);
        }

        if (layout.Columns > 1)
        {
            regions.AddRange(layout.Columns == 2 ? _grid2[i] : _grid3[i]);
        }

        return Pool(regions, layout.Pooling);
    })];

    /// <summary>
    /// What the head computes from normalised region embeddings: their mean, L2-normalised; for
    /// mean+max, that followed by the normalised element-wise maximum.
    /// </summary>
    internal static float[] Pool(IReadOnlyList<float[]> regions, RegionPooling pooling)
    {
        var width = regions[0].Length;
        var mean = new float[width];
        var max = new float[width];
        Array.Fill(max, float.NegativeInfinity);
        foreach (var region in regions)
        {
            for (var j = 0; j < width; j++)
            {
                mean[j] += region[j] / regions.Count;
                max[j] = Math.Max(max[j], region[j]);
            }
        }

        Postprocessing.L2Normalize(mean);
        if (pooling == RegionPooling.Mean)
        {
            return mean;
        }

        Postprocessing.L2Normalize(max);
        return [.. mean, .. max];
    }

    private static RectangleF[] Grid(int columns, int rows) =>
    [
        .. Enumerable.Range(0, rows).SelectMany(r => Enumerable.Range(0, columns).Select(c =>
            new RectangleF((float)c / columns, (float)r / rows, 1f / columns, 1f / rows))),
    ];

    /// <summary>Backbone embeddings of each region of each frame: [frame][region][512], one backbone batch per frame.</summary>
    private static async Task<float[][][]> EmbedAsync(InferenceEngine engine, ModelVersion backbone, TensorFormat format, IReadOnlyList<LabelledFrame> frames, RectangleF[] regions, Action frameDone, CancellationToken cancellationToken)
    {
        var result = new float[frames.Count][][];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, frames.Count), parallel, async (i, ct) =>
        {
            var bytes = await File.ReadAllBytesAsync(frames[i].File, ct);
            var tensor = new float[regions.Length * format.Length];
            engine.Preprocessor.Preprocess(bytes, format, tensor, regions, ct);
            result[i] = await engine.InferTensorAsync(backbone, tensor, [regions.Length, 3, format.Height, format.Width], ct);
            frameDone();
        });
        return result;
    }
}
