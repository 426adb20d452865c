using Google.Protobuf;
using Onnx;

namespace SmartCity.Inference.Onnx;

/// <summary>
/// Edits an ONNX model file as a sequence of protobuf fields, copying what it does not change
/// and parsing the few fields it changes with the typed <c>onnx.proto</c> messages of OnnxSharp.
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
        using var input = new MemoryStream(model, writable: false);
        using var output = new MemoryStream();
        MakeBatchDimensionDynamic(input, output, dimensionName);
        return output.ToArray();
    }

    /// <summary>
    /// The same edit from a seekable stream to another, without parsing the model: every field
    /// is copied as it is (the weights byte for byte) except the graph's inputs and outputs, which
    /// are small and parsed one by one, and its <c>value_info</c>, which is dropped. Holds no more
    /// than one input or output in memory, and costs little more than copying the file.
    /// </summary>
    /// <exception cref="InvalidDataException">The input is not an ONNX model.</exception>
    public static void MakeBatchDimensionDynamic(Stream model, Stream output, string dimensionName = "batch")
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(output);
        if (!model.CanSeek)
        {
            throw new ArgumentException("The model stream must be seekable.", nameof(model));
        }

        try
        {
            var fields = ReadFields(model, 0, model.Length);
            var graph = fields.Where(f => f.Number == ModelGraphField && f.WireType == ProtoWire.LengthDelimited).ToList();
            if (graph.Count != 1)
            {
                throw new InvalidDataException("The file is not an ONNX model: it has no graph.");
            }

            var graphFields = ReadFields(model, graph[0].PayloadStart, graph[0].PayloadLength);
            var initializers = graphFields.Where(f => f.Number == GraphInitializerField && f.WireType == ProtoWire.LengthDelimited)
                .Select(f => ReadTensorName(model, f))
                .ToHashSet(StringComparer.Ordinal);
            var edited = new Dictionary<long, byte[]>();
            foreach (var field in graphFields.Where(f => (f.Number is GraphInputField or GraphOutputField) && f.WireType == ProtoWire.LengthDelimited))
            {
                var value = ValueInfoProto.Parser.ParseFrom(ReadBytes(model, field.PayloadStart, field.PayloadLength));
                if (!initializers.Contains(value.Name) && value.Type?.TensorType?.Shape is { Dim.Count: > 0 } shape)
                {
                    shape.Dim[0] = new TensorShapeProto.Types.Dimension { DimParam = dimensionName };
                    edited[field.Start] = value.ToByteArray();
                }
            }

            var kept = graphFields.Where(f => f.Number != GraphValueInfoField).ToList();
            var graphLength = kept.Sum(f => edited.TryGetValue(f.Start, out var bytes) ? TagLength(f) + VarintLength((ulong)bytes.Length) + bytes.Length : f.Length);
            foreach (var field in fields)
            {
                if (field.Start != graph[0].Start)
                {
                    Copy(model, output, field.Start, field.Length);
                    continue;
                }

                ProtoWire.WriteTag(output, ModelGraphField, ProtoWire.LengthDelimited);
                ProtoWire.WriteVarint(output, (ulong)graphLength);
                foreach (var inner in kept)
                {
                    if (edited.TryGetValue(inner.Start, out var bytes))
                    {
                        ProtoWire.WriteTag(output, inner.Number, ProtoWire.LengthDelimited);
                        ProtoWire.WriteVarint(output, (ulong)bytes.Length);
                        output.Write(bytes);
                    }
                    else
                    {
                        Copy(model, output, inner.Start, inner.Length);
                    }
                }
            }
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new InvalidDataException($"The file is not an ONNX model: {ex.Message}", ex);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException($"The file is not an ONNX model: {ex.Message}", ex);
        }
    }

    private const int ModelGraphField = 7;
    private const int GraphInitializerField = 5;
    private const int GraphInputField = 11;
    private const int GraphOutputField = 12;
    private const int GraphValueInfoField = 13;
    private const int TensorNameField = 8;

    /// <summary>One field of a message in the stream: where its tag starts, the whole field's length, and its payload's.</summary>
    private readonly record struct Field(int Number, int WireType, long Start, long Length, long PayloadStart, long PayloadLength);

    private static List<Field> ReadFields(Stream stream, long start, long length)
    {
        var fields = new List<Field>();
        var end = start + length;
        stream.Position = start;
        while (stream.Position < end)
        {
            var fieldStart = stream.Position;
            var tag = ReadVarint(stream);
            var number = (int)(tag >> 3);
            var wireType = (int)(tag & 7);
            long payloadLength = wireType switch
            {
                ProtoWire.Varint => -1,
                ProtoWire.Fixed64 => 8,
                ProtoWire.LengthDelimited => (long)ReadVarint(stream),
                ProtoWire.Fixed32 => 4,
                _ => throw new InvalidDataException($"The file is not an ONNX model: unsupported protobuf wire type {wireType} at byte {fieldStart}."),
            };
            var payloadStart = stream.Position;
            if (payloadLength < 0)
            {
                ReadVarint(stream);
                payloadLength = stream.Position - payloadStart;
            }
            else
            {
                stream.Position = payloadStart + payloadLength;
            }

            if (number == 0 || stream.Position > end)
            {
                throw new InvalidDataException($"The file is not an ONNX model: a field at byte {fieldStart} is malformed.");
            }

            fields.Add(new Field(number, wireType, fieldStart, stream.Position - fieldStart, payloadStart, payloadLength));
        }

        return fields;
    }

    private static string ReadTensorName(Stream stream, Field tensor)
    {
        var name = ReadFields(stream, tensor.PayloadStart, tensor.PayloadLength).FirstOrDefault(f => f.Number == TensorNameField && f.WireType == ProtoWire.LengthDelimited);
        return name == default ? string.Empty : System.Text.Encoding.UTF8.GetString(ReadBytes(stream, name.PayloadStart, name.PayloadLength));
    }

    private static ulong ReadVarint(Stream stream)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = stream.ReadByte();
            if (b < 0)
            {
                throw new EndOfStreamException("The model ends inside a field.");
            }

            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("The file is not an ONNX model: a varint is too long.");
    }

    private static byte[] ReadBytes(Stream stream, long start, long length)
    {
        var bytes = new byte[length];
        stream.Position = start;
        stream.ReadExactly(bytes);
        return bytes;
    }

    private static void Copy(Stream source, Stream destination, long start, long length)
    {
        source.Position = start;
        var buffer = new byte[Math.Min(length, 1 << 20)];
        while (length > 0)
        {
            var read = source.Read(buffer, 0, (int)Math.Min(buffer.Length, length));
            if (read == 0)
            {
                throw new EndOfStreamException("The model ends inside a field.");
            }

            destination.Write(buffer, 0, read);
            length -= read;
        }
    }

    private static long TagLength(Field field) => VarintLength(((ulong)field.Number << 3) | (uint)field.WireType);

    private static int VarintLength(ulong value)
    {
        var length = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            length++;
        }

        return length;
    }
}
