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
public sealed record TrafficSceneHeads(SoftmaxRegression Congestion, SoftmaxRegression Lighting, float[] VehicleWeights, float VehicleBias)
{
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
        AddGemm(builder, "congestion", Congestion);
        AddGemm(builder, "lighting", Lighting);
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

    private static void AddGemm(OnnxGraphBuilder builder, string output, SoftmaxRegression head)
    {
        var (weights, bias) = head.Folded();
        builder
            .AddInitializer($"{output}_weight", weights, head.Features, head.Classes)
            .AddInitializer($"{output}_bias", bias, head.Classes)
            .AddNode("Gemm", ["pooled", $"{output}_weight", $"{output}_bias"], [output]);
    }

    private static float Dot(float[] a, float[] b) => System.Numerics.Tensors.TensorPrimitives.Dot(a, b);

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));
}
