using System.Buffers.Binary;
using SkiaSharp;

namespace SmartCity.Tests.Shared;

/// <summary>
/// Small files of huge, all-zero images ("decompression bombs"): each is within the 40 MP
/// limit, but decoded at full size it would take 4 bytes per pixel.
/// </summary>
internal static class DecodeBombImages
{
    public static readonly string[] Formats = ["png", "webp", "gif", "bmp"];

    public static byte[] Create(string format, int width, int height) => format switch
    {
        "png" => Encode(width, height, SKEncodedImageFormat.Png, 100),
        "webp" => Encode(width, height, SKEncodedImageFormat.Webp, 80),
        "jpeg" => Encode(width, height, SKEncodedImageFormat.Jpeg, 80),
        "gif" => Gif(width, height),
        "bmp" => MonochromeBmp(width, height),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "png, webp, jpeg, gif or bmp"),
    };

    /// <summary>An opaque black image encoded by SkiaSharp.</summary>
    private static byte[] Encode(int width, int height, SKEncodedImageFormat format, int quality)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        bitmap.Erase(SKColors.Black);
        using var data = bitmap.Encode(format, quality);
        return data.ToArray();
    }

    /// <summary>A 1-bit-per-pixel BMP (black and white palette), all black: width x height / 8 bytes.</summary>
    private static byte[] MonochromeBmp(int width, int height)
    {
        var rowSize = ((width + 31) / 32) * 4;
        const int header = 14 + 40 + 8;
        var data = new byte[header + ((long)rowSize * height)];
        data[0] = (byte)'B';
        data[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(2), data.Length);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(10), header);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(28), 1);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(46), 2);
        data[54 + 4] = 0xFF; // palette: black, white
        data[54 + 5] = 0xFF;
        data[54 + 6] = 0xFF;
        return data;
    }

    /// <summary>A GIF of one all-black frame, LZW-compressed (a run of zeros compresses to almost nothing).</summary>
    private static byte[] Gif(int width, int height)
    {
        using var output = new MemoryStream();
        output.Write("GIF89a"u8);
        WriteUInt16(output, width);
        WriteUInt16(output, height);
        output.Write([0x81, 0, 0]); // global palette of 4 colours
        output.Write([0, 0, 0, 255, 255, 255, 0, 0, 0, 0, 0, 0]);
        output.WriteByte(0x2C);
        WriteUInt16(output, 0);
        WriteUInt16(output, 0);
        WriteUInt16(output, width);
        WriteUInt16(output, height);
        output.WriteByte(0);
        const int minimumCodeSize = 2;
        output.WriteByte(minimumCodeSize);

        var packed = new List<byte>();
        int bitBuffer = 0, bitCount = 0;
        void Emit(int code, int size)
        {
            bitBuffer |= code << bitCount;
            bitCount += size;
            while (bitCount >= 8)
            {
                packed.Add((byte)bitBuffer);
                bitBuffer >>= 8;
                bitCount -= 8;
            }
        }

        const int clear = 1 << minimumCodeSize, end = clear + 1;
        var codeSize = minimumCodeSize + 1;
        var next = end + 1;
        // Every pixel is 0, so the string for a code is a run of zeros: the table is "run of n zeros -> code".
        var runCodes = new List<int> { 0 };
        Emit(clear, codeSize);
        var remaining = (long)width * height;
        while (remaining > 0)
        {
            var run = (int)Math.Min(remaining, runCodes.Count);
            Emit(runCodes[run - 1], codeSize);
            remaining -= run;
            if (next < 4096)
            {
                if (run == runCodes.Count)
                {
                    runCodes.Add(next);
                }

                next++;
                if (next > (1 << codeSize) && codeSize < 12)
                {
                    codeSize++;
                }
            }
            else
            {
                Emit(clear, codeSize);
                codeSize = minimumCodeSize + 1;
                next = end + 1;
                runCodes = [0];
            }
        }

        Emit(end, codeSize);
        if (bitCount > 0)
        {
            packed.Add((byte)bitBuffer);
        }

        for (var i = 0; i < packed.Count; i += 255)
        {
            var count = Math.Min(255, packed.Count - i);
            output.WriteByte((byte)count);
            output.Write(packed.GetRange(i, count).ToArray());
        }

        output.WriteByte(0);
        output.WriteByte(0x3B);
        return output.ToArray();
    }

    private static void WriteUInt16(Stream stream, int value)
    {
        stream.WriteByte((byte)value);
        stream.WriteByte((byte)(value >> 8));
    }
}
