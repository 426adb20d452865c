namespace SmartCity.Inference.Onnx;

/// <summary>
/// Edits an ONNX model file in memory. Some exported models (the ResNet-18 that ML.NET ships
/// among them) fix the batch dimension at 1; serving batches needs it symbolic.
/// </summary>
internal static class OnnxModelEditor
{
    // Field numbers from onnx.proto.
    private const int ModelGraph = 7;
    private const int GraphInput = 11;
    private const int GraphOutput = 12;
    private const int GraphValueInfo = 13;
    private const int ValueInfoName = 1;
    private const int ValueInfoType = 2;
    private const int TypeTensor = 1;
    private const int TensorShape = 2;
    private const int ShapeDim = 1;
    private const int DimParam = 2;

    /// <summary>
    /// Returns the model with the first dimension of every graph input and output replaced by
    /// the symbolic dimension <paramref name="dimensionName"/>. Intermediate shape annotations
    /// (<c>value_info</c>) are dropped, since they would pin the batch size again; ONNX
    /// Runtime infers them.
    /// </summary>
    public static byte[] MakeBatchDimensionDynamic(ReadOnlyMemory<byte> model, string dimensionName = "batch")
    {
        var sawGraph = false;
        using var output = new MemoryStream(model.Length);
        foreach (var field in ProtoWire.ReadFields(model))
        {
            if (field.Number == ModelGraph && field.WireType == ProtoWire.LengthDelimited)
            {
                sawGraph = true;
                ProtoWire.WriteMessage(output, ModelGraph, graph => RewriteGraph(field.Payload, graph, dimensionName));
            }
            else
            {
                output.Write(field.Raw.Span);
            }
        }

        if (!sawGraph)
        {
            throw new InvalidDataException("The file is not an ONNX model: it has no graph.");
        }

        return output.ToArray();
    }

    private static void RewriteGraph(ReadOnlyMemory<byte> graph, Stream output, string dimensionName)
    {
        var initializers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in ProtoWire.ReadFields(graph))
        {
            if (field.Number == 5)
            {
                foreach (var tensorField in ProtoWire.ReadFields(field.Payload))
                {
                    if (tensorField.Number == 8)
                    {
                        initializers.Add(ProtoWire.ReadString(tensorField));
                    }
                }
            }
        }

        foreach (var field in ProtoWire.ReadFields(graph))
        {
            switch (field.Number)
            {
                case GraphValueInfo:
                    break;
                case GraphInput or GraphOutput when !initializers.Contains(NameOf(field.Payload)):
                    ProtoWire.WriteMessage(output, field.Number, v => RewriteValueInfo(field.Payload, v, dimensionName));
                    break;
                default:
                    output.Write(field.Raw.Span);
                    break;
            }
        }
    }

    private static string NameOf(ReadOnlyMemory<byte> valueInfo)
    {
        foreach (var field in ProtoWire.ReadFields(valueInfo))
        {
            if (field.Number == ValueInfoName)
            {
                return ProtoWire.ReadString(field);
            }
        }

        return string.Empty;
    }

    private static void RewriteValueInfo(ReadOnlyMemory<byte> valueInfo, Stream output, string dimensionName)
    {
        foreach (var field in ProtoWire.ReadFields(valueInfo))
        {
            if (field.Number == ValueInfoType)
            {
                ProtoWire.WriteMessage(output, ValueInfoType, type => RewriteNested(field.Payload, type, [TypeTensor, TensorShape], dimensionName));
            }
            else
            {
                output.Write(field.Raw.Span);
            }
        }
    }

    // Walks down TypeProto.tensor_type.shape and replaces its first dim.
    private static void RewriteNested(ReadOnlyMemory<byte> message, Stream output, int[] path, string dimensionName)
    {
        var firstDim = true;
        foreach (var field in ProtoWire.ReadFields(message))
        {
            if (path.Length > 0 && field.Number == path[0] && field.WireType == ProtoWire.LengthDelimited)
            {
                ProtoWire.WriteMessage(output, field.Number, inner => RewriteNested(field.Payload, inner, path[1..], dimensionName));
            }
            else if (path.Length == 0 && field.Number == ShapeDim && firstDim)
            {
                firstDim = false;
                ProtoWire.WriteMessage(output, ShapeDim, dim => ProtoWire.WriteString(dim, DimParam, dimensionName));
            }
            else
            {
                output.Write(field.Raw.Span);
            }
        }
    }
}
