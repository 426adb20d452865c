using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using SmartCity.Inference.Onnx;

namespace SmartCity.Inference.Tests.Onnx;

public class OnnxQuantizerTests
{
    private const int Size = 16;

    /// <summary>
    /// A small residual block as ResNet-18 has them, at opset 8 as ML.NET's file is:
    /// Conv → BatchNormalization → Relu → MaxPool → Conv → BatchNormalization → Add (the pool) → Relu → AveragePool,
    /// batch fixed at 1, seeded random weights.
    /// </summary>
    private static byte[] FloatBlock()
    {
        var random = new Random(18);
        var graph = new GraphProto { Name = "block" };

        void Initializer(string name, long[] dims, Func<float> value)
        {
            var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
            tensor.Dims.AddRange(dims);
            tensor.FloatData.AddRange(Enumerable.Range(0, (int)dims.Aggregate(1L, (a, d) => a * d)).Select(_ => value()));
            graph.Initializer.Add(tensor);
        }

        void Node(string op, string[] inputs, string output, params AttributeProto[] attributes)
        {
            var node = new NodeProto { OpType = op, Name = output + "_node" };
            node.Input.AddRange(inputs);
            node.Output.Add(output);
            node.Attribute.AddRange(attributes);
            graph.Node.Add(node);
        }

        static AttributeProto Ints(string name, params long[] values)
        {
            var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
            attribute.Ints.AddRange(values);
            return attribute;
        }

        float Normal() => (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));

        void BatchNorm(string prefix, int channels)
        {
            Initializer(prefix + "_gamma", [channels], () => 0.5f + (float)random.NextDouble());
            Initializer(prefix + "_beta", [channels], () => (float)random.NextDouble() - 0.5f);
            Initializer(prefix + "_mean", [channels], () => Normal() * 0.3f);
            Initializer(prefix + "_var", [channels], () => 0.5f + (float)random.NextDouble());
        }

        Initializer("w1", [8, 3, 3, 3], () => Normal() * 0.2f);
        BatchNorm("bn1", 8);
        Initializer("w2", [8, 8, 3, 3], () => Normal() * 0.1f);
        BatchNorm("bn2", 8);
        var epsilon = new AttributeProto { Name = "epsilon", F = 1e-5f, Type = AttributeProto.Types.AttributeType.Float };
        var spatial = new AttributeProto { Name = "spatial", I = 1, Type = AttributeProto.Types.AttributeType.Int };
        Node("Conv", ["x", "w1"], "c1", Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1));
        Node("BatchNormalization", ["c1", "bn1_gamma", "bn1_beta", "bn1_mean", "bn1_var"], "b1", epsilon, spatial);
        Node("Relu", ["b1"], "r1");
        Node("MaxPool", ["r1"], "p1", Ints("kernel_shape", 2, 2), Ints("strides", 2, 2));
        Node("Conv", ["p1", "w2"], "c2", Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1));
        Node("BatchNormalization", ["c2", "bn2_gamma", "bn2_beta", "bn2_mean", "bn2_var"], "b2", epsilon, spatial);
        Node("Add", ["b2", "p1"], "a2");
        Node("Relu", ["a2"], "r2");
        Node("AveragePool", ["r2"], "y", Ints("kernel_shape", Size / 2, Size / 2));

        static ValueInfoProto Tensor(string name, params long[] dims)
        {
            var shape = new TensorShapeProto();
            shape.Dim.AddRange(dims.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
            return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } } };
        }

        graph.Input.Add(Tensor("x", 1, 3, Size, Size));
        graph.Output.Add(Tensor("y", 1, 8, 1, 1));
        var model = new ModelProto { IrVersion = 3, Graph = graph, ProducerName = "tests" };
        model.OpsetImport.Add(new OperatorSetIdProto { Version = 8 });
        return model.ToByteArray();
    }

    /// <summary>Inputs like the engine's: 0–255 minus a mean of about 115.</summary>
    private static float[] Input(int seed, int batch = 1)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, batch * 3 * Size * Size).Select(_ => (float)(random.NextDouble() * 255) - 115f)];
    }

    private static float[] Run(byte[] model, float[] input, int batch = 1, string? optimizedPath = null)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (optimizedPath is not null)
        {
            options.OptimizedModelFilePath = optimizedPath;
        }

        using var session = new InferenceSession(model, options);
        using var value = OrtValue.CreateTensorValueFromMemory(input, [batch, 3, Size, Size]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["x"], [value], ["y"]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static (OnnxQuantizer Quantizer, IReadOnlyDictionary<string, TensorRange> Ranges) Calibrated()
    {
        var quantizer = OnnxQuantizer.Load(FloatBlock());
        using var calibrator = new ActivationCalibrator(quantizer);
        for (var i = 0; i < 8; i++)
        {
            calibrator.Observe(Input(100 + i, 2), [2, 3, Size, Size]);
        }

        Assert.Equal(16, calibrator.Observed);
        return (quantizer, calibrator.Ranges());
    }

    [Fact]
    public void Preparing_folds_batch_normalisation_into_the_convolutions_without_changing_the_output()
    {
        var original = FloatBlock();
        var quantizer = OnnxQuantizer.Load(original);

        Assert.Equal(2, quantizer.FoldedBatchNormalizations);
        Assert.False(quantizer.Operators.ContainsKey("BatchNormalization"));
        // The first Conv's output (now named b1) is read only by a Relu, and the Add's only by a Relu: their Relu outputs are quantized instead.
        Assert.Equal(["x", "r1", "p1", "b2", "r2"], quantizer.CalibratedTensors);
        var input = Input(1);
        var expected = Run(original, input);
        var prepared = Run(quantizer.FloatModel(), input);
        Assert.Equal(expected.Length, prepared.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.InRange(prepared[i], expected[i] - (1e-4f * (1 + Math.Abs(expected[i]))), expected[i] + (1e-4f * (1 + Math.Abs(expected[i]))));
        }

        // The batch dimension is symbolic: two inputs in one run.
        Assert.Equal(16, Run(quantizer.FloatModel(), Input(2, 2), batch: 2).Length);
    }

    [Fact]
    public void The_quantized_model_has_qdq_nodes_int8_weights_and_onnx_runtime_fuses_them_into_integer_kernels()
    {
        var (quantizer, ranges) = Calibrated();

        var quantized = quantizer.Quantize(ranges, new QuantizationSettings());

        var model = ModelProto.Parser.ParseFrom(quantized);
        var operators = OnnxQuantizer.CountOperators(quantized);
        Assert.Equal(quantizer.CalibratedTensors.Count, operators["QuantizeLinear"]);
        // One per activation, plus weight and bias of each Conv.
        Assert.Equal(quantizer.CalibratedTensors.Count + 4, operators["DequantizeLinear"]);
        Assert.Equal(13, model.OpsetImport.Single(o => o.Domain.Length == 0).Version);
        Assert.DoesNotContain(model.Graph.Initializer, i => i.DataType == (int)TensorProto.Types.DataType.Float && i.Dims.Count > 1);
        var weights = model.Graph.Initializer.Where(i => i.DataType == (int)TensorProto.Types.DataType.Int8 && i.Dims.Count == 4).ToList();
        Assert.Equal(2, weights.Count);
        Assert.All(weights, w => Assert.All(w.RawData.ToByteArray(), b => Assert.InRange((sbyte)b, -63, 63)));
        Assert.Equal(2, model.Graph.Initializer.Count(i => i.DataType == (int)TensorProto.Types.DataType.Int32 && i.Dims.Count == 1 && i.Dims[0] == 8 && i.Name.EndsWith("_quantized", StringComparison.Ordinal)));
        var reluOutput = model.Graph.Initializer.Single(i => i.Name == "r1_zero_point");
        Assert.Equal(0, reluOutput.RawData[0]);

        var optimizedPath = Path.Combine(Path.GetTempPath(), $"quantizer-test-{Guid.NewGuid():N}.onnx");
        try
        {
            Run(quantized, Input(3), optimizedPath: optimizedPath);
            var fused = OnnxQuantizer.CountOperators(File.ReadAllBytes(optimizedPath));
            Assert.Equal(2, fused.GetValueOrDefault("QLinearConv"));
            Assert.Equal(1, fused.GetValueOrDefault("QLinearAdd"));
            Assert.False(fused.ContainsKey("Conv"));
        }
        finally
        {
            File.Delete(optimizedPath);
        }
    }

    [Fact]
    public void The_quantized_output_is_close_to_the_float_one_on_inputs_not_calibrated_on()
    {
        var (quantizer, ranges) = Calibrated();
        var quantized = quantizer.Quantize(ranges, new QuantizationSettings());

        for (var seed = 0; seed < 4; seed++)
        {
            var input = Input(seed);
            var expected = Run(quantizer.FloatModel(), input);
            var actual = Run(quantized, input);
            var dot = expected.Zip(actual, (a, b) => (double)a * b).Sum();
            var cosine = dot / Math.Sqrt(expected.Sum(a => (double)a * a) * actual.Sum(b => (double)b * b));
            Assert.True(cosine > 0.995, $"cosine {cosine} for seed {seed}");
            var scale = expected.Max(Math.Abs);
            Assert.All(expected.Zip(actual), p => Assert.InRange(p.Second, p.First - (0.05f * scale), p.First + (0.05f * scale)));
        }
    }

    [Fact]
    public void A_range_that_misses_a_tensor_or_is_not_finite_is_refused()
    {
        var (quantizer, ranges) = Calibrated();
        var missing = ranges.Where(r => r.Key != "b2").ToDictionary(r => r.Key, r => r.Value);
        var infinite = ranges.ToDictionary(r => r.Key, r => r.Key == "x" ? new TensorRange(float.NegativeInfinity, 1) : r.Value);

        Assert.Contains("No calibration range", Assert.Throws<ArgumentException>(() => quantizer.Quantize(missing, new QuantizationSettings())).Message, StringComparison.Ordinal);
        Assert.Contains("'x'", Assert.Throws<ArgumentException>(() => quantizer.Quantize(infinite, new QuantizationSettings())).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_that_are_not_a_model_are_refused()
    {
        Assert.Throws<InvalidDataException>(() => OnnxQuantizer.Load([0xFF, 0xFF, 0xFF, 0x0F]));
        Assert.Throws<InvalidDataException>(() => OnnxQuantizer.Load(new ModelProto { IrVersion = 7 }.ToByteArray()));
    }

    [Theory]
    [InlineData(-2f, 6f)]
    [InlineData(0f, 3.5f)]
    [InlineData(0.5f, 3.5f)]
    [InlineData(-4f, -1f)]
    public void Zero_is_exactly_representable_in_every_activation_range(float min, float max)
    {
        var (scale, zeroPoint) = OnnxQuantizer.ActivationParameters(min, max);

        Assert.True(scale > 0);
        Assert.InRange((0 - zeroPoint) * scale, Math.Min(min, 0) - scale, Math.Min(min, 0) + scale);
        Assert.InRange((255 - zeroPoint) * scale, Math.Max(max, 0) - scale, Math.Max(max, 0) + scale);
        if (min >= 0)
        {
            Assert.Equal(0, zeroPoint);
        }
    }

    [Fact]
    public void Per_tensor_full_range_weights_use_all_eight_bits()
    {
        var (quantizer, ranges) = Calibrated();

        var model = ModelProto.Parser.ParseFrom(quantizer.Quantize(ranges, new QuantizationSettings(PerChannel: false, ReduceRange: false)));

        var weights = model.Graph.Initializer.Where(i => i.DataType == (int)TensorProto.Types.DataType.Int8 && i.Dims.Count == 4).ToList();
        Assert.All(weights, w => Assert.Contains(w.RawData.ToByteArray(), b => Math.Abs((sbyte)b) == 127));
        Assert.All(model.Graph.Initializer.Where(i => i.Name.EndsWith("_scale", StringComparison.Ordinal)), s => Assert.Empty(s.Dims));
    }
}
