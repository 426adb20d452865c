using System.Buffers.Binary;
using System.Text;

namespace SmartCity.Inference.Onnx;

/// <summary>
/// The small part of the protobuf wire format that ONNX model files need: enough to read
/// fields, copy them unchanged and write new messages. ONNX Runtime has no API to edit a
/// model, and this keeps the project free of generated protobuf code.
/// </summary>
internal static class ProtoWire
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

    public readonly record struct Field(int Number, int WireType, ulong Value, ReadOnlyMemory<byte> Payload, ReadOnlyMemory<byte> Raw);

    /// <summary>Enumerates the fields of one message. <see cref="Field.Raw"/> is the whole encoded field (tag included).</summary>
    public static IEnumerable<Field> ReadFields(ReadOnlyMemory<byte> message)
    {
        var position = 0;
        while (position < message.Length)
        {
            var start = position;
            var tag = ReadVarint(message.Span, ref position);
            var number = (int)(tag >> 3);
            var wireType = (int)(tag & 7);
            ulong value = 0;
            ReadOnlyMemory<byte> payload = default;
            switch (wireType)
            {
                case Varint:
                    value = ReadVarint(message.Span, ref position);
                    break;
                case Fixed64:
                    Require(message, position, 8);
                    value = BinaryPrimitives.ReadUInt64LittleEndian(message.Span[position..]);
                    position += 8;
                    break;
                case LengthDelimited:
                    var length = ReadVarint(message.Span, ref position);
                    if (length > (ulong)(message.Length - position))
                    {
                        throw new InvalidDataException("Truncated protobuf field.");
                    }
                    payload = message.Slice(position, (int)length);
                    position += (int)length;
                    break;
                case Fixed32:
                    Require(message, position, 4);
                    value = BinaryPrimitives.ReadUInt32LittleEndian(message.Span[position..]);
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"Unsupported protobuf wire type {wireType}.");
            }

            yield return new Field(number, wireType, value, payload, message[start..position]);
        }
    }

    public static string ReadString(Field field) => Encoding.UTF8.GetString(field.Payload.Span);

    private static void Require(ReadOnlyMemory<byte> message, int position, int count)
    {
        if (message.Length - position < count)
        {
            throw new InvalidDataException("Truncated protobuf field.");
        }
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= data.Length)
            {
                throw new InvalidDataException("Truncated protobuf varint.");
            }

            var b = data[position++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw new InvalidDataException("Malformed protobuf varint.");
    }

    public static void WriteVarint(Stream output, ulong value)
    {
        while (value >= 0x80)
        {
            output.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        output.WriteByte((byte)value);
    }

    public static void WriteTag(Stream output, int number, int wireType) => WriteVarint(output, ((ulong)number << 3) | (uint)wireType);

    public static void WriteInt(Stream output, int number, long value)
    {
        WriteTag(output, number, Varint);
        WriteVarint(output, unchecked((ulong)value));
    }

    public static void WriteFloat(Stream output, int number, float value)
    {
        WriteTag(output, number, Fixed32);
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(buffer, value);
        output.Write(buffer);
    }

    public static void WriteBytes(Stream output, int number, ReadOnlySpan<byte> value)
    {
        WriteTag(output, number, LengthDelimited);
        WriteVarint(output, (ulong)value.Length);
        output.Write(value);
    }

    public static void WriteString(Stream output, int number, string value) => WriteBytes(output, number, Encoding.UTF8.GetBytes(value));

    public static void WriteMessage(Stream output, int number, Action<Stream> body)
    {
        using var inner = new MemoryStream();
        body(inner);
        WriteBytes(output, number, inner.GetBuffer().AsSpan(0, (int)inner.Length));
    }
}
