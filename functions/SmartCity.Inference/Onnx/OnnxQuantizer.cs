using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace SmartCity.Inference.Onnx;

/// <summary>
/// Static 8-bit quantization of a float convolutional network in the QDQ format that ONNX
/// Runtime's graph optimiser fuses into integer kernels at load (QLinearConv, QLinearAdd):
/// <list type="number">
/// <item><see cref="Load"/> prepares the float model: every BatchNormalization that follows a
/// Conv is folded into that Conv's weights and bias, the opset becomes 13 (per-channel
/// DequantizeLinear), the batch dimension becomes symbolic and intermediate shapes are dropped.</item>
/// <item><see cref="CalibrationModel"/> is that model with every tensor to be quantized added as a
/// graph output, for <see cref="ActivationCalibrator"/> to record their ranges over real images.</item>
/// <item><see cref="Quantize"/> inserts a QuantizeLinear/DequantizeLinear pair (uint8, asymmetric,
/// from the recorded range) after each of those tensors, and stores each Conv's weights as int8
/// (symmetric, one scale per output channel) and its bias as int32 (scale = input scale × weight
/// scale), each read through a DequantizeLinear.</item>
/// </list>
/// Which tensors are quantized: the graph's float inputs and the outputs of Conv, Add, Relu and
/// MaxPool, except a graph output and a tensor read only by Relu nodes (then the Relu's output is
/// quantized, with zero point 0, and ONNX Runtime drops the Relu into the integer kernel before it).
/// A MaxPool's output reuses its input's scale and zero point, so the pooling runs on the 8-bit values.
/// Other operators (the final AveragePool here) read dequantized floats and stay in float.
/// </summary>
public sealed class OnnxQuantizer
{
    /// <summary>Operators whose output tensors are quantized.</summary>
    private static readonly HashSet<string> QuantizedProducers = new(StringComparer.Ordinal) { "Conv", "Add", "Relu", "MaxPool" };

    private const int FloatType = (int)TensorProto.Types.DataType.Float;
    private const int Uint8Type = (int)TensorProto.Types.DataType.Uint8;
    private const int Int8Type = (int)TensorProto.Types.DataType.Int8;
    private const int Int32Type = (int)TensorProto.Types.DataType.Int32;
    private const int Opset = 13;

    private readonly ModelProto _model;

    private OnnxQuantizer(ModelProto model, IReadOnlyList<string> tensors, int foldedBatchNorms)
    {
        _model = model;
        CalibratedTensors = tensors;
        FoldedBatchNormalizations = foldedBatchNorms;
    }

    /// <summary>The tensors whose ranges <see cref="Quantize"/> needs, in graph order (graph inputs first).</summary>
    public IReadOnlyList<string> CalibratedTensors { get; }

    /// <summary>How many BatchNormalization nodes were folded into the Conv before them.</summary>
    public int FoldedBatchNormalizations { get; }

    /// <summary>The name of the graph's (first) input.</summary>
    public string InputName => _model.Graph.Input[0].Name;

    /// <summary>The name of the graph's (first) output.</summary>
    public string OutputName => _model.Graph.Output[0].Name;

    /// <summary>Node counts per operator of the prepared float model.</summary>
    public IReadOnlyDictionary<string, int> Operators => _model.Graph.Node.GroupBy(n => n.OpType).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    /// <summary>Node counts per operator of an ONNX model (e.g. one ONNX Runtime optimised: <c>SessionOptions.OptimizedModelFilePath</c>).</summary>
    /// <exception cref="InvalidDataException">The bytes are not an ONNX model.</exception>
    public static IReadOnlyDictionary<string, int> CountOperators(byte[] model)
    {
        ArgumentNullException.ThrowIfNull(model);
        try
        {
            return ModelProto.Parser.ParseFrom(model).Graph.Node.GroupBy(n => n.OpType).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new InvalidDataException($"The file is not an ONNX model: {ex.Message}", ex);
        }
    }

    /// <summary>Reads and prepares a float ONNX model (see the class remarks).</summary>
    /// <exception cref="InvalidDataException">The bytes are not an ONNX model, or it has a shape the quantizer does not handle.</exception>
    public static OnnxQuantizer Load(byte[] model)
    {
        ArgumentNullException.ThrowIfNull(model);
        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(model);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new InvalidDataException($"The file is not an ONNX model: {ex.Message}", ex);
        }

        if (proto.Graph is not { } graph || graph.Node.Count == 0)
        {
            throw new InvalidDataException("The file is not an ONNX model: it has no graph.");
        }

        if (proto.OpsetImport.Any(o => o.Domain is "" or "ai.onnx" && o.Version > Opset))
        {
            throw new InvalidDataException($"The model's opset is newer than {Opset}, which the quantizer writes.");
        }

        var folded = FoldBatchNormalization(graph);
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            if (node.OpType == "BatchNormalization")
            {
                throw new InvalidDataException($"BatchNormalization node '{node.Name}' does not follow a Conv whose only reader it is; the quantizer folds only those.");
            }

            if (node.OpType == "Conv" && node.Input.Skip(1).Any(i => !initializers.Contains(i)))
            {
                throw new InvalidDataException($"Conv node '{node.Name}' takes its weights from another node; the quantizer needs them as initializers.");
            }
        }

        // Opset 13 for per-channel DequantizeLinear; IR 7 for opset 13. The graph's operators here
        // (Conv, Relu, Add, MaxPool, AveragePool) have the same meaning from opset 8 to 13.
        proto.IrVersion = Math.Max(proto.IrVersion, 7);
        var standard = proto.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx");
        if (standard is null)
        {
            proto.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = Opset });
        }
        else
        {
            standard.Version = Opset;
        }

        graph.ValueInfo.Clear();
        foreach (var value in graph.Input.Concat(graph.Output))
        {
            if (value.Type?.TensorType?.Shape is { Dim.Count: > 0 } shape && !initializers.Contains(value.Name))
            {
                shape.Dim[0] = new TensorShapeProto.Types.Dimension { DimParam = "batch" };
            }
        }

        // Graph inputs listed only because they have an initializer (IR 3) are left out.
        for (var i = graph.Input.Count - 1; i >= 0; i--)
        {
            if (initializers.Contains(graph.Input[i].Name))
            {
                graph.Input.RemoveAt(i);
            }
        }

        return new OnnxQuantizer(proto, TensorsToQuantize(graph), folded);
    }

    /// <summary>The prepared float model (batch normalisation folded, opset 13, symbolic batch): what the quantized model is compared with.</summary>
    public byte[] FloatModel() => _model.ToByteArray();

    /// <summary>The prepared float model with every tensor of <see cref="CalibratedTensors"/> as an extra graph output.</summary>
    public byte[] CalibrationModel()
    {
        var copy = _model.Clone();
        var outputs = copy.Graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var tensor in CalibratedTensors.Where(t => !outputs.Contains(t)))
        {
            copy.Graph.Output.Add(new ValueInfoProto { Name = tensor, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = FloatType } } });
        }

        return copy.ToByteArray();
    }

    /// <summary>
    /// The quantized model. <paramref name="ranges"/> holds the observed minimum and maximum of
    /// every tensor of <see cref="CalibratedTensors"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A calibrated tensor has no range, or a range is not finite.</exception>
    public byte[] Quantize(IReadOnlyDictionary<string, TensorRange> ranges, QuantizationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        ArgumentNullException.ThrowIfNull(settings);
        var model = _model.Clone();
        var graph = model.Graph;
        var producers = Producers(graph);
        var parameters = new Dictionary<string, (float Scale, byte ZeroPoint)>(StringComparer.Ordinal);
        foreach (var tensor in CalibratedTensors)
        {
            if (producers.TryGetValue(tensor, out var producer) && producer.OpType == "MaxPool" && parameters.TryGetValue(producer.Input[0], out var same))
            {
                parameters[tensor] = same;
                continue;
            }

            if (!ranges.TryGetValue(tensor, out var range))
            {
                throw new ArgumentException($"No calibration range for tensor '{tensor}'.", nameof(ranges));
            }

            if (!float.IsFinite(range.Min) || !float.IsFinite(range.Max) || range.Min > range.Max)
            {
                throw new ArgumentException($"The range of tensor '{tensor}' is not a finite interval: [{range.Min}, {range.Max}].", nameof(ranges));
            }

            var afterRelu = producers.TryGetValue(tensor, out var p) && p.OpType == "Relu";
            parameters[tensor] = ActivationParameters(afterRelu ? 0f : range.Min, range.Max);
        }

        var initializers = graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var nodes = new List<NodeProto>();
        var renamed = new Dictionary<string, string>(StringComparer.Ordinal);
        var originals = new Dictionary<string, string>(StringComparer.Ordinal);

        void AddQdq(string tensor)
        {
            var (scale, zeroPoint) = parameters[tensor];
            graph.Initializer.Add(Scalar($"{tensor}_scale", scale));
            graph.Initializer.Add(new TensorProto { Name = $"{tensor}_zero_point", DataType = Uint8Type, RawData = ByteString.CopyFrom([zeroPoint]) });
            nodes.Add(Node("QuantizeLinear", $"{tensor}_QuantizeLinear", [tensor, $"{tensor}_scale", $"{tensor}_zero_point"], [$"{tensor}_quantized"]));
            nodes.Add(Node("DequantizeLinear", $"{tensor}_DequantizeLinear", [$"{tensor}_quantized", $"{tensor}_scale", $"{tensor}_zero_point"], [$"{tensor}_dequantized"]));
            renamed[tensor] = $"{tensor}_dequantized";
            originals[$"{tensor}_dequantized"] = tensor;
        }

        foreach (var input in graph.Input.Where(i => parameters.ContainsKey(i.Name)))
        {
            AddQdq(input.Name);
        }

        foreach (var node in graph.Node)
        {
            for (var i = 0; i < node.Input.Count; i++)
            {
                if (renamed.TryGetValue(node.Input[i], out var dequantized))
                {
                    node.Input[i] = dequantized;
                }
            }

            if (node.OpType == "Conv")
            {
                if (!originals.TryGetValue(node.Input[0], out var inputName) || !parameters.TryGetValue(inputName, out var input))
                {
                    throw new InvalidOperationException($"Conv node '{node.Name}' reads a tensor that is not quantized.");
                }

                QuantizeConvParameters(graph, nodes, initializers, node, input.Scale, settings);
            }

            nodes.Add(node);
            foreach (var output in node.Output.Where(parameters.ContainsKey))
            {
                AddQdq(output);
            }
        }

        graph.Node.Clear();
        graph.Node.AddRange(nodes);
        var used = graph.Node.SelectMany(n => n.Input).ToHashSet(StringComparer.Ordinal);
        for (var i = graph.Initializer.Count - 1; i >= 0; i--)
        {
            if (!used.Contains(graph.Initializer[i].Name))
            {
                graph.Initializer.RemoveAt(i);
            }
        }

        model.ProducerName = "SmartCity.Serverless quantize";
        return model.ToByteArray();
    }

    /// <summary>uint8 asymmetric: the range widened to hold 0, 255 steps, 0 mapped exactly to the zero point.</summary>
    internal static (float Scale, byte ZeroPoint) ActivationParameters(float min, float max)
    {
        min = Math.Min(min, 0f);
        max = Math.Max(max, 0f);
        var scale = (max - min) / 255f;
        if (!(scale > 0f))
        {
            return (1f, 0);
        }

        var zeroPoint = Math.Clamp(MathF.Round(-min / scale), 0f, 255f);
        return (scale, (byte)zeroPoint);
    }

    private static void QuantizeConvParameters(GraphProto graph, List<NodeProto> nodes, Dictionary<string, TensorProto> initializers, NodeProto conv, float inputScale, QuantizationSettings settings)
    {
        var weight = initializers[conv.Input[1]];
        var values = FloatValues(weight);
        var channels = (int)weight.Dims[0];
        var perChannel = values.Length / channels;
        var qmax = settings.ReduceRange ? 63f : 127f;
        var scales = new float[settings.PerChannel ? channels : 1];
        for (var c = 0; c < channels; c++)
        {
            var max = 0f;
            foreach (var v in values.AsSpan(c * perChannel, perChannel))
            {
                max = Math.Max(max, Math.Abs(v));
            }

            var s = settings.PerChannel ? c : 0;
            scales[s] = Math.Max(scales[s], max / qmax);
        }

        for (var s = 0; s < scales.Length; s++)
        {
            scales[s] = scales[s] > 0f ? scales[s] : 1f;
        }

        var quantized = new byte[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var scale = scales[settings.PerChannel ? i / perChannel : 0];
            quantized[i] = unchecked((byte)(sbyte)Math.Clamp(MathF.Round(values[i] / scale), -qmax, qmax));
        }

        var name = conv.Input[1];
        var scaleDims = settings.PerChannel ? new long[] { channels } : [];
        var weightQuantized = new TensorProto { Name = $"{name}_quantized", DataType = Int8Type, RawData = ByteString.CopyFrom(quantized) };
        weightQuantized.Dims.AddRange(weight.Dims);
        graph.Initializer.Add(weightQuantized);
        graph.Initializer.Add(FloatTensor($"{name}_scale", scales, scaleDims));
        graph.Initializer.Add(Zeros($"{name}_zero_point", Int8Type, 1, scaleDims));
        var weightDequantize = Node("DequantizeLinear", $"{name}_DequantizeLinear", [$"{name}_quantized", $"{name}_scale", $"{name}_zero_point"], [$"{name}_dequantized"]);
        if (settings.PerChannel)
        {
            weightDequantize.Attribute.Add(new AttributeProto { Name = "axis", I = 0, Type = AttributeProto.Types.AttributeType.Int });
        }

        nodes.Add(weightDequantize);
        conv.Input[1] = $"{name}_dequantized";

        if (conv.Input.Count > 2 && conv.Input[2].Length > 0)
        {
            var biasName = conv.Input[2];
            var bias = FloatValues(initializers[biasName]);
            var biasScales = scales.Select(s => s * inputScale).ToArray();
            var biasQuantized = new int[bias.Length];
            for (var c = 0; c < bias.Length; c++)
            {
                biasQuantized[c] = (int)Math.Clamp(Math.Round(bias[c] / (double)biasScales[settings.PerChannel ? c : 0]), int.MinValue, int.MaxValue);
            }

            var biasTensor = new TensorProto { Name = $"{biasName}_quantized", DataType = Int32Type, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(biasQuantized.AsSpan())) };
            biasTensor.Dims.Add(bias.Length);
            graph.Initializer.Add(biasTensor);
            graph.Initializer.Add(FloatTensor($"{biasName}_scale", biasScales, scaleDims));
            graph.Initializer.Add(Zeros($"{biasName}_zero_point", Int32Type, 4, scaleDims));
            var biasDequantize = Node("DequantizeLinear", $"{biasName}_DequantizeLinear", [$"{biasName}_quantized", $"{biasName}_scale", $"{biasName}_zero_point"], [$"{biasName}_dequantized"]);
            if (settings.PerChannel)
            {
                biasDequantize.Attribute.Add(new AttributeProto { Name = "axis", I = 0, Type = AttributeProto.Types.AttributeType.Int });
            }

            nodes.Add(biasDequantize);
            conv.Input[2] = $"{biasName}_dequantized";
        }
    }

    /// <summary>Folds each BatchNormalization whose input is a Conv's output read by nothing else into that Conv; returns how many.</summary>
    private static int FoldBatchNormalization(GraphProto graph)
    {
        var initializers = graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var producers = Producers(graph);
        var readers = graph.Node.SelectMany(n => n.Input).GroupBy(i => i, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var graphOutputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var folded = 0;
        foreach (var bn in graph.Node.Where(n => n.OpType == "BatchNormalization").ToList())
        {
            if (!producers.TryGetValue(bn.Input[0], out var conv) || conv.OpType != "Conv" || readers[bn.Input[0]] != 1 || graphOutputs.Contains(bn.Input[0])
                || bn.Input.Count < 5 || bn.Input.Skip(1).Any(i => !initializers.ContainsKey(i)) || bn.Output.Count(o => o.Length > 0) != 1
                || !initializers.ContainsKey(conv.Input[1]) || (conv.Input.Count > 2 && !initializers.ContainsKey(conv.Input[2])))
            {
                continue;
            }

            if (bn.Attribute.FirstOrDefault(a => a.Name == "spatial") is { } spatial && spatial.I != 1)
            {
                continue;
            }

            var epsilon = bn.Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F ?? 1e-5f;
            var gamma = FloatValues(initializers[bn.Input[1]]);
            var beta = FloatValues(initializers[bn.Input[2]]);
            var mean = FloatValues(initializers[bn.Input[3]]);
            var variance = FloatValues(initializers[bn.Input[4]]);
            var weightTensor = initializers[conv.Input[1]];
            var weights = FloatValues(weightTensor);
            var channels = (int)weightTensor.Dims[0];
            if (gamma.Length != channels || beta.Length != channels || mean.Length != channels || variance.Length != channels)
            {
                continue;
            }

            var bias = conv.Input.Count > 2 && conv.Input[2].Length > 0 ? FloatValues(initializers[conv.Input[2]]) : new float[channels];
            var perChannel = weights.Length / channels;
            for (var c = 0; c < channels; c++)
            {
                var factor = gamma[c] / MathF.Sqrt(variance[c] + epsilon);
                foreach (ref var w in weights.AsSpan(c * perChannel, perChannel))
                {
                    w *= factor;
                }

                bias[c] = ((bias[c] - mean[c]) * factor) + beta[c];
            }

            var foldedWeights = FloatTensor(conv.Input[1] + "_folded", weights, [.. weightTensor.Dims]);
            var foldedBias = FloatTensor(conv.Output[0] + "_bias", bias, [channels]);
            graph.Initializer.Add(foldedWeights);
            graph.Initializer.Add(foldedBias);
            initializers[foldedWeights.Name] = foldedWeights;
            initializers[foldedBias.Name] = foldedBias;
            conv.Input[1] = foldedWeights.Name;
            if (conv.Input.Count > 2)
            {
                conv.Input[2] = foldedBias.Name;
            }
            else
            {
                conv.Input.Add(foldedBias.Name);
            }

            conv.Output[0] = bn.Output[0];
            graph.Node.Remove(bn);
            folded++;
        }

        var used = graph.Node.SelectMany(n => n.Input).ToHashSet(StringComparer.Ordinal);
        for (var i = graph.Initializer.Count - 1; i >= 0; i--)
        {
            if (!used.Contains(graph.Initializer[i].Name))
            {
                graph.Initializer.RemoveAt(i);
            }
        }

        return folded;
    }

    private static List<string> TensorsToQuantize(GraphProto graph)
    {
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var graphOutputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var readers = graph.Node.SelectMany(n => n.Input.Select(i => (Input: i, n.OpType))).ToLookup(r => r.Input, r => r.OpType, StringComparer.Ordinal);
        bool Wanted(string tensor) => !graphOutputs.Contains(tensor) && readers[tensor].Any() && !readers[tensor].All(op => op == "Relu");

        var tensors = graph.Input
            .Where(i => !initializers.Contains(i.Name) && i.Type?.TensorType?.ElemType == FloatType)
            .Select(i => i.Name)
            .Where(Wanted)
            .ToList();
        tensors.AddRange(graph.Node.Where(n => QuantizedProducers.Contains(n.OpType)).SelectMany(n => n.Output).Where(Wanted));
        return tensors;
    }

    private static Dictionary<string, NodeProto> Producers(GraphProto graph)
    {
        var producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            foreach (var output in node.Output)
            {
                producers[output] = node;
            }
        }

        return producers;
    }

    private static float[] FloatValues(TensorProto tensor)
    {
        if (tensor.DataType != FloatType)
        {
            throw new InvalidDataException($"Initializer '{tensor.Name}' is not float.");
        }

        if (tensor.FloatData.Count > 0)
        {
            return [.. tensor.FloatData];
        }

        return MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray();
    }

    private static TensorProto FloatTensor(string name, float[] values, long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = FloatType, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    private static TensorProto Scalar(string name, float value) => FloatTensor(name, [value], []);

    private static TensorProto Zeros(string name, int dataType, int elementSize, long[] dims)
    {
        var count = dims.Length == 0 ? 1 : (int)dims[0];
        var tensor = new TensorProto { Name = name, DataType = dataType, RawData = ByteString.CopyFrom(new byte[count * elementSize]) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    private static NodeProto Node(string opType, string name, string[] inputs, string[] outputs)
    {
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        return node;
    }
}

/// <summary>The observed minimum and maximum of a tensor over the calibration images.</summary>
public readonly record struct TensorRange(float Min, float Max);

/// <summary>How weights are quantized.</summary>
/// <param name="PerChannel">One weight scale per output channel of each Conv (else one per Conv).</param>
/// <param name="ReduceRange">
/// Weights in 7 bits (−63..63) instead of 8: ONNX Runtime's uint8 × int8 kernels on x86 processors
/// without VNNI add pairs of products in 16 bits (VPMADDUBSW), which can saturate with full-range
/// int8 weights; ONNX Runtime's own quantizer offers the same option (<c>reduce_range</c>).
/// </param>
public sealed record QuantizationSettings(bool PerChannel = true, bool ReduceRange = true);
