using Microsoft.ML.OnnxRuntime;
using SmartCity.Inference.Imaging;
using SmartCity.Inference.Models;
using SmartCity.Inference.Onnx;

namespace SmartCity.Inference.Tests.Onnx;

/// <summary>The bundled 8-bit ResNet-18 cut before its pool: the map's cells average to the embedding, and larger inputs give larger maps.</summary>
public sealed class FeatureMapModelTests
{
    private static readonly ModelVersion Backbone = new ModelRepository(TestPaths.Models).Get("resnet18-embedding");

    private static float[] Tensor(TensorFormat format)
    {
        using var preprocessor = new ImagePreprocessor(100_000_000);
        var tensor = new float[format.Length];
        preprocessor.Preprocess(File.ReadAllBytes(Directory.GetFiles(Path.Combine(TestPaths.Samples, "vehicles")).Order(StringComparer.Ordinal).First()), format, tensor);
        return tensor;
    }

    private static float[] Run(InferenceSession session, string input, string output, float[] tensor, long[] shape, out long[] outputShape)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(tensor, shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [input], [value], [output]);
        outputShape = outputs[0].GetTensorTypeAndShape().Shape;
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    [Fact]
    public void The_cells_of_the_map_average_to_the_pooled_embedding()
    {
        var original = File.ReadAllBytes(Backbone.OnnxPath);
        var dense = FeatureMapModel.Create(original, out var mapName);
        var format = new TensorFormat(Backbone.ImageInput);
        var tensor = Tensor(format);
        var shape = format.Shape(1);
        using var pooledSession = new InferenceSession(original);
        using var denseSession = new InferenceSession(dense);
        var input = pooledSession.InputMetadata.Keys.Single();

        var embedding = Run(pooledSession, input, pooledSession.OutputMetadata.Keys.Single(), tensor, shape, out _);
        var map = Run(denseSession, input, mapName, tensor, shape, out var mapShape);

        Assert.Equal([1, 512, 7, 7], mapShape);
        Assert.Equal(mapName, denseSession.OutputMetadata.Keys.Single());
        var cells = 49;
        var mean = Enumerable.Range(0, 512).Select(c => Enumerable.Range(0, cells).Average(j => map[(c * cells) + j])).ToArray();
        for (var c = 0; c < 512; c++)
        {
            Assert.Equal(embedding[c], mean[c], 1e-3);
        }
    }

    [Fact]
    public void A_larger_input_gives_one_cell_per_32_pixels_and_batches_run()
    {
        var dense = FeatureMapModel.Create(File.ReadAllBytes(Backbone.OnnxPath), out var mapName);
        var spec = Backbone.ImageInput;
        var format = new TensorFormat(new InputSpec { Width = 672, Height = 384, Layout = spec.Layout, ChannelOrder = spec.ChannelOrder, ValueRange = spec.ValueRange, Mean = spec.Mean, Std = spec.Std });
        var one = Tensor(format);
        using var session = new InferenceSession(dense);

        Assert.Equal([-1, 3, -1, -1], session.InputMetadata.Values.Single().Dimensions);
        var single = Run(session, session.InputMetadata.Keys.Single(), mapName, one, format.Shape(1), out var singleShape);
        var batch = Run(session, session.InputMetadata.Keys.Single(), mapName, [.. one, .. one], format.Shape(2), out var batchShape);
        Assert.Equal([1, 512, 12, 21], singleShape);
        Assert.Equal([2, 512, 12, 21], batchShape);
        Assert.Equal(single, batch[single.Length..], new Runtime.InferenceEngineTests.Tolerance(1e-4f));
    }

    [Fact]
    public void A_model_whose_output_is_not_pooled_is_refused_by_name()
    {
        var dense = FeatureMapModel.Create(File.ReadAllBytes(Backbone.OnnxPath), out var mapName);

        var error = Assert.Throws<InvalidDataException>(() => FeatureMapModel.Create(dense, out _));
        Assert.Contains(mapName, error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => FeatureMapModel.Create([1, 2, 3, 4], out _));
    }
}
