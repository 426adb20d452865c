using System.Buffers.Binary;
using SkiaSharp;

namespace SmartCity.Inference.Tests;

/// <summary>Builds small images with known pixels, in every supported format.</summary>
internal static class TestImages
{
    /// <summary>Encodes an RGBA pixel grid (row-major, unpremultiplied) with SkiaSharp.</summary>
    public static byte[] Encode(int width, int height, Func<int, int, SKColor> pixel, SKEncodedImageFormat format = SKEncodedImageFormat.Png, int quality = 100)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, pixel(x, y));
            }
        }

        using var data = bitmap.Encode(format, quality);
        return data.ToArray();
    }

    public static byte[] Solid(SKColor color, int size = 4, SKEncodedImageFormat format = SKEncodedImageFormat.Png) => Encode(size, size, (_, _) => color, format);

    public static byte[] Gray(int width, int height, byte value)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        bitmap.Erase(new SKColor(value, value, value));
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>A 24-bit BMP written by hand (bottom-up rows, BGR, rows padded to 4 bytes).</summary>
    public static byte[] Bmp(int width, int height, Func<int, int, SKColor> pixel)
    {
        var rowSize = ((width * 3) + 3) & ~3;
        var data = new byte[54 + (rowSize * height)];
        data[0] = (byte)'B';
        data[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(2), data.Length);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(28), 24);
        for (var y = 0; y < height; y++)
        {
            var row = 54 + ((height - 1 - y) * rowSize);
            for (var x = 0; x < width; x++)
            {
                var c = pixel(x, y);
                data[row + (x * 3)] = c.Blue;
                data[row + (x * 3) + 1] = c.Green;
                data[row + (x * 3) + 2] = c.Red;
            }
        }

        return data;
    }

    /// <summary>
    /// A 1x1 GIF89a whose single pixel is palette entry 0 (<paramref name="color"/>), written by
    /// hand: the LZW data is clear code 4, index 0, end code 5 in 3-bit codes (0x44 0x01).
    /// </summary>
    public static byte[] Gif(SKColor color) =>
    [
        .. "GIF89a"u8,
        0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00,
        color.Red, color.Green, color.Blue, 0x00, 0x00, 0x00,
        0x2C, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
        0x02, 0x02, 0x44, 0x01, 0x00,
        0x3B,
    ];

    /// <summary>Inserts an EXIF APP1 segment with the given orientation right after the JPEG's SOI marker.</summary>
    public static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        byte[] tiff =
        [
            (byte)'M', (byte)'M', 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08,
            0x00, 0x01,
            0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, (byte)(orientation >> 8), (byte)orientation, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00,
        ];
        var payload = new byte[6 + tiff.Length];
        "Exif\0\0"u8.CopyTo(payload);
        tiff.CopyTo(payload, 6);
        var length = payload.Length + 2;
        return [.. jpeg[..2], 0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. payload, .. jpeg[2..]];
    }

    /// <summary>Rewrites the size in a JPEG's SOF0/SOF2 header, leaving the data as it was.</summary>
    public static byte[] WithJpegHeaderSize(byte[] jpeg, ushort width, ushort height)
    {
        var copy = (byte[])jpeg.Clone();
        for (var i = 2; i < copy.Length - 9; i++)
        {
            if (copy[i] == 0xFF && (copy[i + 1] == 0xC0 || copy[i + 1] == 0xC2))
            {
                BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(i + 5), height);
                BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(i + 7), width);
                return copy;
            }
        }

        throw new InvalidOperationException("No SOF marker.");
    }

    public static string Sample(string relative) => Path.Combine(TestPaths.Samples, relative);
}
