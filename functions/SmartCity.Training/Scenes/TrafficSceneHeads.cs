using SmartCity.Inference.Runtime;

namespace SmartCity.Training.Scenes;

/// <summary>
/// The heads of a <c>traffic-scene</c> version 2 (and of its camera calibrations) and the
/// <c>head.onnx</c> that computes them from the backbone outputs of the frame's tiles: each tile's
/// embedding L2-normalised; <c>embedding</c> = their normalised mean; the pooled features = that
/// mean followed by the normalised element-wise maximum; <c>congestion</c> and <c>lighting</c> =
/// logistic regressions over the pooled features; <c>vehicles</c> = the mean over tiles of the
/// probability that a tile shows vehicles (a logistic regression on each tile's normalised embedding).
/// </summary>
/// <param name="Congestion">Multinomial logistic regression over <see cref="Pool"/>'s features: free, moderate, heavy.</param>
/// <param name="Lighting">Multinomial logistic regression over the same features: day, twilight, night.</param>
/// <param name="VehicleWeights">Per-tile vehicle presence: weights on a normalised tile embedding (standardisation folded in).</param>
/// <param name="VehicleBias">Per-tile vehicle presence: the bias of its logit.</param>
/// <param name="Background">
/// A camera calibration's background: the mean normalised embedding of each tile over the
/// camera's calibration frames. When set, <c>congestion</c> reads <see cref="PoolCentered"/>'s
/// features (each normalised tile less the background's tile of the same place, then pooled),
/// so the head sees what differs from the camera's usual view; lighting, embedding and vehicles
/// read the tiles as they are. Null for a base version.
/// </param>
public sealed record TrafficSceneHeads(SoftmaxRegression Congestion, SoftmaxRegression Lighting, float[] VehicleWeights, float VehicleBias, float[][]? Background = null)
{
    /// <summary>Added to a norm before dividing by it in <see cref="PoolCentered"/> (and its graph), so a tile equal to the background gives zeros, not NaN.</summary>
    public const float Epsilon = 1e-6f;

    public static readonly string[] CongestionLabels = ["free", "moderate", "heavy"];

    public static readonly string[] LightingLabels = ["day", "twilight", "night"];

    /// <summary>The pooled features the congestion and lighting heads read: normalised mean, then normalised maximum, of the normalised tile embeddings.</summary>
    public static float[] Pool(IReadOnlyList<float[]> tiles)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        var width = tiles[0].Length;
        var mean = new float[width];
        var max = new float[width];
        Array.Fill(max, float.NegativeInfinity);
        foreach (var raw in tiles)
        {
            var tile = Normalized(raw);
            for (var j = 0; j < width; j++)
            {
                mean[j] += tile[j] / tiles.Count;
                max[j] = Math.Max(max[j], tile[j]);
            }
        }

        Postprocessing.L2Normalize(mean);
        Postprocessing.L2Normalize(max);
        return [.. mean, .. max];
    }

    /// <summary>The features <see cref="Congestion"/> reads from a frame's tiles: <see cref="PoolCentered"/>'s with a <see cref="Background"/>, else <see cref="Pool"/>'s.</summary>
    public float[] CongestionFeatures(IReadOnlyList<float[]> tiles) => Background is null ? Pool(tiles) : PoolCentered(tiles, Background);

    /// <summary>A camera's background from its frames' tiles: the mean over the frames of each tile's normalised embedding.</summary>
    public static float[][] BackgroundOf(IReadOnlyList<IReadOnlyList<float[]>> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count == 0)
        {
            throw new ArgumentException("A background needs at least one frame.", nameof(frames));
        }

        var background = frames[0].Select(t => new float[t.Length]).ToArray();
        foreach (var tiles in frames)
        {
            if (tiles.Count != background.Length)
            {
                throw new ArgumentException($"Every frame needs the same {background.Length} tiles; one has {tiles.Count}.", nameof(frames));
            }

            for (var r = 0; r < background.Length; r++)
            {
                var tile = Normalized(tiles[r]);
                for (var j = 0; j < tile.Length; j++)
                {
                    background[r][j] += tile[j] / frames.Count;
                }
            }
        }

        return background;
    }

    /// <summary>
    /// Pooled features of the tiles less a camera's <paramref name="background"/>: each tile's
    /// normalised embedding less the background's tile of the same place; their mean and their
    /// element-wise maximum, each divided by its L2 norm plus <see cref="Epsilon"/>, one after the other.
    /// </summary>
    public static float[] PoolCentered(IReadOnlyList<float[]> tiles, float[][] background)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        ArgumentNullException.ThrowIfNull(background);
        if (background.Length != tiles.Count)
        {
            throw new ArgumentException($"The background has {background.Length} tiles; the frame has {tiles.Count}.", nameof(background));
        }

        var width = tiles[0].Length;
        var mean = new float[width];
        var max = new float[width];
        Array.Fill(max, float.NegativeInfinity);
        for (var r = 0; r < tiles.Count; r++)
        {
            var tile = Normalized(tiles[r]);
            for (var j = 0; j < width; j++)
            {
                var v = tile[j] - background[r][j];
                mean[j] += v / tiles.Count;
                max[j] = Math.Max(max[j], v);
            }
        }

        return [.. DividedByNorm(mean), .. DividedByNorm(max)];
    }

    private static float[] DividedByNorm(float[] values)
    {
        var norm = MathF.Sqrt(System.Numerics.Tensors.TensorPrimitives.Dot(values, values)) + Epsilon;
        return [.. values.Select(v => v / norm)];
    }

    /// <summary>A copy of <paramref name="values"/>, L2-normalised.</summary>
    public static float[] Normalized(float[] values)
    {
        var copy = (float[])values.Clone();
        Postprocessing.L2Normalize(copy);
        return copy;
    }

    /// <summary>The vehicle occupancy of a frame: the mean over its tiles of the probability that the tile shows vehicles (0 to 1).</summary>
    public double Vehicles(IReadOnlyList<float[]> tiles)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        return tiles.Average(t => Sigmoid(Dot(Normalized(t), VehicleWeights) + VehicleBias));
    }

    /// <summary>Per-tile presence weights and bias from a two-class regression (class 1 = vehicles), standardisation folded in.</summary>
    public static (float[] Weights, float Bias) PresenceWeights(SoftmaxRegression presence)
    {
        ArgumentNullException.ThrowIfNull(presence);
        var (weights, bias) = presence.Folded();
        var w = new float[presence.Features];
        for (var j = 0; j < w.Length; j++)
        {
            w[j] = weights[(j * 2) + 1] - weights[j * 2];
        }

        return (w, bias[1] - bias[0]);
    }

    /// <summary>The head graph over <paramref name="tiles"/> backbone outputs of <paramref name="dimension"/> values each.</summary>
    public byte[] HeadOnnx(int tiles, int dimension, string producer)
    {
        var builder = new OnnxGraphBuilder("traffic_scene_head")
            .AddFloatInput("features", "batch", tiles, dimension)
            .AddNode("LpNormalization", ["features"], ["regions_normalized"], new Dictionary<string, object> { ["axis"] = 2L, ["p"] = 2L })
            .AddNode("ReduceMean", ["regions_normalized"], ["mean_pooled"], new Dictionary<string, object> { ["axes"] = new long[] { 1 }, ["keepdims"] = 0L })
            .AddNode("LpNormalization", ["mean_pooled"], ["embedding"], new Dictionary<string, object> { ["axis"] = 1L, ["p"] = 2L })
            .AddNode("ReduceMax", ["regions_normalized"], ["max_pooled"], new Dictionary<string, object> { ["axes"] = new long[] { 1 }, ["keepdims"] = 0L })
            .AddNode("LpNormalization", ["max_pooled"], ["max_normalized"], new Dictionary<string, object> { ["axis"] = 1L, ["p"] = 2L })
            .AddNode("Concat", ["embedding", "max_normalized"], ["pooled"], new Dictionary<string, object> { ["axis"] = 1L });
        var congestionInput = "pooled";
        if (Background is not null)
        {
            if (Background.Length != tiles || Background.Any(b => b.Length != dimension))
            {
                throw new InvalidOperationException($"The background is {Background.Length} tiles of {Background.FirstOrDefault()?.Length ?? 0} values; the head reads {tiles} of {dimension}.");
            }

            // What congestion reads under a calibration: the tiles less the camera's background, pooled as PoolCentered does.
            var keep = new Dictionary<string, object> { ["axes"] = new long[] { 1 }, ["keepdims"] = 1L };
            builder
                .AddInitializer("background", [.. Background.SelectMany(b => b)], 1, tiles, dimension)
                .AddInitializer("epsilon", [Epsilon], 1)
                .AddNode("Sub", ["regions_normalized", "background"], ["regions_centered"]);
            foreach (var pool in new[] { "ReduceMean", "ReduceMax" })
            {
                var name = pool == "ReduceMean" ? "centered_mean" : "centered_max";
                builder
                    .AddNode(pool, ["regions_centered"], [name], new Dictionary<string, object> { ["axes"] = new long[] { 1 }, ["keepdims"] = 0L })
                    .AddNode("ReduceL2", [name], [$"{name}_norm"], keep)
                    .AddNode("Add", [$"{name}_norm", "epsilon"], [$"{name}_norm_eps"])
                    .AddNode("Div", [name, $"{name}_norm_eps"], [$"{name}_normalized"]);
            }

            builder.AddNode("Concat", ["centered_mean_normalized", "centered_max_normalized"], ["centered_pooled"], new Dictionary<string, object> { ["axis"] = 1L });
            congestionInput = "centered_pooled";
        }

        AddGemm(builder, "congestion", Congestion, congestionInput);
        AddGemm(builder, "lighting", Lighting, "pooled");
        builder
            .AddInitializer("vehicles_weight", VehicleWeights, dimension, 1)
            .AddInitializer("vehicles_bias", [VehicleBias], 1)
            .AddNode("MatMul", ["regions_normalized", "vehicles_weight"], ["tile_logit_raw"])
            .AddNode("Add", ["tile_logit_raw", "vehicles_bias"], ["tile_logit"])
            .AddNode("Sigmoid", ["tile_logit"], ["tile_vehicles"])
            .AddNode("ReduceMean", ["tile_vehicles"], ["vehicles"], new Dictionary<string, object> { ["axes"] = new long[] { 1 }, ["keepdims"] = 0L });
        return builder
            .AddFloatOutput("congestion", "batch", Congestion.Classes)
            .AddFloatOutput("lighting", "batch", Lighting.Classes)
            .AddFloatOutput("embedding", "batch", dimension)
            .AddFloatOutput("vehicles", "batch", 1)
            .Build(producer);
    }

    private static void AddGemm(OnnxGraphBuilder builder, string output, SoftmaxRegression head, string input)
    {
        var (weights, bias) = head.Folded();
        builder
            .AddInitializer($"{output}_weight", weights, head.Features, head.Classes)
            .AddInitializer($"{output}_bias", bias, head.Classes)
            .AddNode("Gemm", [input, $"{output}_weight", $"{output}_bias"], [output]);
    }

    private static float Dot(float[] a, float[] b) => System.Numerics.Tensors.TensorPrimitives.Dot(a, b);

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));
}
