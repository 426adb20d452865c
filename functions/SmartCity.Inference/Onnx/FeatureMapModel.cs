using Google.Protobuf;
using Onnx;

namespace SmartCity.Inference.Onnx;

/// <summary>
/// An embedding backbone cut before its global average pool: the model that outputs the
/// convolutional feature map (<c>[batch, channels, rows, columns]</c>, one vector per cell of the
/// image) instead of one pooled vector. The network before the pool is fully convolutional, so
/// the input's height and width become symbolic and the map grows with the input (ResNet-18: one
/// cell per 32x32 pixels). The mean of the map's cells is the original model's output.
/// </summary>
public static class FeatureMapModel
{
    /// <summary>Names of the symbolic input dimensions of the model returned.</summary>
    public const string BatchDimension = "batch";

    public const string HeightDimension = "height";

    public const string WidthDimension = "width";

    private static readonly HashSet<string> Pools = new(StringComparer.Ordinal) { "GlobalAveragePool", "AveragePool" };

    /// <summary>
    /// Returns <paramref name="model"/> with the pooling node that produces its only output
    /// removed and the pool's input as the only output; the first input's batch, height and
    /// width dimensions symbolic; intermediate shape annotations dropped (ONNX Runtime infers them).
    /// </summary>
    /// <param name="outputName">The name of the feature map output.</param>
    /// <exception cref="InvalidDataException">The bytes are not an ONNX model, or its output is not made by an average pool over a 4-dimensional input.</exception>
    public static byte[] Create(byte[] model, out string outputName)
    {
        ArgumentNullException.ThrowIfNull(model);
        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(model);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException("The file is not an ONNX model.", e);
        }

        var graph = proto.Graph ?? throw new InvalidDataException("The file is not an ONNX model: it has no graph.");
        if (graph.Output.Count != 1 || graph.Input.Count == 0)
        {
            throw new InvalidDataException($"The model has {graph.Output.Count} outputs; a feature map can be cut from a model with one.");
        }

        var pooled = graph.Output[0].Name;
        var pool = graph.Node.SingleOrDefault(n => n.Output.Contains(pooled));
        if (pool is null || !Pools.Contains(pool.OpType))
        {
            throw new InvalidDataException($"The output '{pooled}' is made by {(pool is null ? "no node" : $"a {pool.OpType} node")}, not by an average pool.");
        }

        if (graph.Node.Any(n => n != pool && n.Input.Contains(pooled)))
        {
            throw new InvalidDataException($"The output '{pooled}' is also read by other nodes.");
        }

        var input = graph.Input[0];
        if (input.Type?.TensorType?.Shape is not { Dim.Count: 4 } shape)
        {
            throw new InvalidDataException($"The input '{input.Name}' is not a 4-dimensional image tensor.");
        }

        outputName = pool.Input[0];
        var elementType = graph.Output[0].Type?.TensorType?.ElemType ?? (int)TensorProto.Types.DataType.Float;
        graph.Node.Remove(pool);
        graph.Output.Clear();
        graph.Output.Add(new ValueInfoProto
        {
            Name = outputName,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elementType } },
        });
        graph.ValueInfo.Clear();
        shape.Dim[0] = new TensorShapeProto.Types.Dimension { DimParam = BatchDimension };
        shape.Dim[2] = new TensorShapeProto.Types.Dimension { DimParam = HeightDimension };
        shape.Dim[3] = new TensorShapeProto.Types.Dimension { DimParam = WidthDimension };
        return proto.ToByteArray();
    }
}
