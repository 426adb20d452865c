using Google.Protobuf;
using Onnx;

namespace SmartCity.Inference.Onnx;

/// <summary>
/// Edits an ONNX model file in memory, over the typed <c>onnx.proto</c> messages of OnnxSharp.
/// Some exported models (the ResNet-18 that ML.NET ships among them) fix the batch dimension
/// at 1; serving batches needs it symbolic.
/// </summary>
internal static class OnnxModelEditor
{
    /// <summary>
    /// Returns the model with the first dimension of every graph input and output tensor (not
    /// initializers) replaced by the symbolic dimension <paramref name="dimensionName"/>.
    /// Intermediate shape annotations (<c>value_info</c>) are dropped, since they would pin the
    /// batch size again; ONNX Runtime infers them.
    /// </summary>
    /// <remarks>
    /// OnnxSharp's own <c>GraphProto.SetDim</c> is not used: it changes only dimensions equal to
    /// 1, rewrites <c>value_info</c> and the shape constants of <c>Reshape</c> nodes, and fails
    /// on outputs that are not tensors (a ZipMap's sequence of maps).
    /// </remarks>
    /// <exception cref="InvalidDataException">The bytes are not an ONNX model.</exception>
    public static byte[] MakeBatchDimensionDynamic(byte[] model, string dimensionName = "batch")
    {
        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(model);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new InvalidDataException($"The file is not an ONNX model: {ex.Message}", ex);
        }

        var graph = proto.Graph ?? throw new InvalidDataException("The file is not an ONNX model: it has no graph.");
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        graph.ValueInfo.Clear();
        foreach (var value in graph.Input.Concat(graph.Output).Where(v => !initializers.Contains(v.Name)))
        {
            if (value.Type?.TensorType?.Shape is { Dim.Count: > 0 } shape)
            {
                shape.Dim[0] = new TensorShapeProto.Types.Dimension { DimParam = dimensionName };
            }
        }

        return proto.ToByteArray();
    }
}
