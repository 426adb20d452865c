using System.Buffers.Binary;
using System.Text;

namespace SmartCity.Inference.Onnx;

/// <summary>
/// A minimal protobuf writer: tags, varints, floats, bytes and nested messages. The ONNX head
/// writer of SmartCity.Training builds its small graphs with it; editing an existing model is
/// done by <see cref="OnnxModelEditor"/>.
/// </summary>
internal static class ProtoWire
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

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
