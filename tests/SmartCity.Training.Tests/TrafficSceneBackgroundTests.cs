using Microsoft.ML.OnnxRuntime;
using SmartCity.Training.Scenes;

namespace SmartCity.Training.Tests;

/// <summary>A background calibration's features and head: the graph computes what <see cref="TrafficSceneHeads.PoolCentered"/> computes, and a tile equal to the background gives zeros, not NaN.</summary>
public sealed class TrafficSceneBackgroundTests
{
    private const int Tiles = 4;
    private const int Dimension = 8;

    private static float[][] Frame(Random random) => [.. Enumerable.Range(0, Tiles).Select(_ => Enumerable.Range(0, Dimension).Select(_ => (float)random.NextDouble()).ToArray())];

    private static TrafficSceneHeads Heads(Random random, float[][]? background)
    {
        var frames = Enumerable.Range(0, 30).Select(_ => Frame(random)).ToList();
        var labels = frames.Select((_, i) => i % 3).ToList();
        var congestion = SoftmaxRegression.Train([.. frames.Select(f => background is null ? TrafficSceneHeads.Pool(f) : TrafficSceneHeads.PoolCentered(f, background))], labels, 3, epochs: 50);
        var lighting = SoftmaxRegression.Train([.. frames.Select(TrafficSceneHeads.Pool)], [.. labels.Select(l => 2 - l)], 3, epochs: 50);
        return new TrafficSceneHeads(congestion, lighting, [.. Enumerable.Range(0, Dimension).Select(j => j * 0.1f)], -0.2f, background);
    }

    private static float[] Softmax(ReadOnlySpan<float> logits)
    {
        var max = float.NegativeInfinity;
        foreach (var v in logits)
        {
            max = Math.Max(max, v);
        }

        var e = logits.ToArray().Select(v => MathF.Exp(v - max)).ToArray();
        var sum = e.Sum();
        return [.. e.Select(v => v / sum)];
    }

    private static Dictionary<string, float[]> Run(byte[] head, float[][] frame)
    {
        using var session = new InferenceSession(head);
        using var input = OrtValue.CreateTensorValueFromMemory(frame.SelectMany(t => t).ToArray(), [1, Tiles, Dimension]);
        using var runOptions = new RunOptions();
        string[] outputs = ["congestion", "lighting", "embedding", "vehicles"];
        using var values = session.Run(runOptions, ["features"], [input], outputs);
        return outputs.Select((name, i) => (name, values[i].GetTensorDataAsSpan<float>().ToArray())).ToDictionary(p => p.name, p => p.Item2);
    }

    [Fact]
    public void Centred_pooling_subtracts_each_tile_of_the_background_then_normalises_mean_and_maximum()
    {
        // Normalised tiles (0.6, 0.8) and (0, 1), less the background tiles (0.6, 0) and (0, 0.5): (0, 0.8) and (0, 0.5).
        var pooled = TrafficSceneHeads.PoolCentered([[3f, 4f], [0f, 2f]], [[0.6f, 0f], [0f, 0.5f]]);

        Assert.Equal([0f, 1f, 0f, 1f], pooled, new FloatTolerance(1e-5f));
        Assert.Throws<ArgumentException>(() => TrafficSceneHeads.PoolCentered([[3f, 4f]], [[0.6f, 0f], [0f, 0.5f]]));
    }

    [Fact]
    public void A_frame_equal_to_the_background_gives_zeros_and_finite_probabilities_in_the_graph_too()
    {
        var random = new Random(3);
        var frame = Frame(random);
        var background = TrafficSceneHeads.BackgroundOf([frame]);

        Assert.All(TrafficSceneHeads.PoolCentered(frame, background), v => Assert.Equal(0f, v));
        var outputs = Run(Heads(random, background).HeadOnnx(Tiles, Dimension, "tests"), frame);
        Assert.All(outputs["congestion"], v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void The_background_head_graph_computes_the_centred_congestion_and_the_plain_lighting_embedding_and_vehicles()
    {
        var random = new Random(7);
        var background = TrafficSceneHeads.BackgroundOf([.. Enumerable.Range(0, 10).Select(_ => Frame(random))]);
        var heads = Heads(random, background);
        var plain = heads with { Background = null };
        var head = heads.HeadOnnx(Tiles, Dimension, "tests");

        for (var n = 0; n < 5; n++)
        {
            var frame = Frame(random);
            var outputs = Run(head, frame);
            Assert.Equal(heads.Congestion.Probabilities(TrafficSceneHeads.PoolCentered(frame, background)), Softmax(outputs["congestion"]), new FloatTolerance(1e-4f));
            Assert.Equal(heads.CongestionFeatures(frame), TrafficSceneHeads.PoolCentered(frame, background));
            Assert.Equal(heads.Lighting.Probabilities(TrafficSceneHeads.Pool(frame)), Softmax(outputs["lighting"]), new FloatTolerance(1e-4f));
            Assert.Equal(TrafficSceneHeads.Pool(frame)[..Dimension], outputs["embedding"], new FloatTolerance(1e-5f));
            Assert.Equal(heads.Vehicles(frame), outputs["vehicles"][0], 4);

            // The same heads without the background read the tiles as they are.
            var without = Run(plain.HeadOnnx(Tiles, Dimension, "tests"), frame);
            Assert.Equal(heads.Congestion.Probabilities(TrafficSceneHeads.Pool(frame)), Softmax(without["congestion"]), new FloatTolerance(1e-4f));
        }
    }

    [Fact]
    public void The_package_tiles_are_the_regions_the_engine_cuts_from_version_2_manifest()
    {
        var served = new SmartCity.Inference.Models.ModelRepository(Path.Combine(TestPaths.RepositoryRoot, "models")).Get("traffic-scene", "2");

        Assert.Equal(served.Regions, TrafficScenePackage.Tiles());
    }

    [Fact]
    public void A_background_of_another_shape_is_refused_when_the_graph_is_written()
    {
        var random = new Random(5);
        var heads = Heads(random, null) with { Background = [new float[Dimension]] };

        Assert.Throws<InvalidOperationException>(() => heads.HeadOnnx(Tiles, Dimension, "tests"));
        Assert.Throws<InvalidOperationException>(() => (heads with { Background = [] }).HeadOnnx(Tiles, Dimension, "tests"));
        Assert.Throws<ArgumentException>(() => TrafficSceneHeads.BackgroundOf([Frame(random), Frame(random)[..2]]));
        Assert.Throws<ArgumentException>(() => TrafficSceneHeads.BackgroundOf([]));
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
