using System.Buffers.Binary;
using System.Text;
using SkiaSharp;

namespace SmartCity.Cameras.Tests;

/// <summary>Images for the camera tests: synthetic frames, committed samples, and the shared data when present.</summary>
internal static class CameraImages
{
    /// <summary>A synthetic street-like frame: sky, road and a few coloured boxes, different per seed.</summary>
    public static byte[] Synthetic(int seed, int width = 320, int height = 240, SKEncodedImageFormat format = SKEncodedImageFormat.Jpeg)
    {
        var random = new Random(seed);
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor(120, 160, 210));
            using var paint = new SKPaint { Color = new SKColor(70, 70, 75) };
            canvas.DrawRect(0, height / 2f, width, height / 2f, paint);
            for (var i = 0; i < 4; i++)
            {
                paint.Color = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
                canvas.DrawRect(random.Next(width - 60), (height / 2) + random.Next(height / 2 - 30), 40 + random.Next(40), 20 + random.Next(20), paint);
            }
        }

        using var data = bitmap.Encode(format, 85);
        return data.ToArray();
    }

    /// <summary>The committed samples (tests/samples): six vehicle crops and three camera frames.</summary>
    public static IEnumerable<string> Samples() =>
        Directory.EnumerateFiles(TestPaths.Samples, "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    /// <summary>Up to <paramref name="count"/> files of ../shared/data/&lt;folder&gt;, or none when it is absent.</summary>
    public static IEnumerable<string> Shared(string folder, int count) =>
        TestPaths.SharedData is { } root && Directory.Exists(Path.Combine(root, folder))
            ? Directory.EnumerateFiles(Path.Combine(root, folder), "*.jpg").Order(StringComparer.Ordinal).Take(count)
            : [];

    /// <summary>Inserts an APP1 Exif segment with DateTimeOriginal (and OffsetTimeOriginal) right after SOI.</summary>
    public static byte[] WithExif(byte[] jpeg, DateTime taken, string? offset = null, bool bigEndian = false)
    {
        var entries = offset is null ? 1 : 2;
        var exifIfd = 8 + 2 + 12 + 4; // IFD0 with one entry
        var dataStart = exifIfd + 2 + (12 * entries) + 4;
        var tiff = new byte[dataStart + 20 + 8];
        void U16(int at, int v)
        {
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(at), (ushort)v);
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(at), (ushort)v);
            }
        }

        void U32(int at, int v)
        {
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(at), (uint)v);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(at), (uint)v);
            }
        }

        tiff[0] = tiff[1] = (byte)(bigEndian ? 'M' : 'I');
        U16(2, 42);
        U32(4, 8);
        U16(8, 1);
        U16(10, 0x8769);
        U16(12, 4);
        U32(14, 1);
        U32(18, exifIfd);
        U16(exifIfd, entries);
        U16(exifIfd + 2, 0x9003);
        U16(exifIfd + 4, 2);
        U32(exifIfd + 6, 20);
        U32(exifIfd + 10, dataStart);
        Encoding.ASCII.GetBytes(taken.ToString("yyyy:MM:dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)).CopyTo(tiff, dataStart);
        if (offset is not null)
        {
            U16(exifIfd + 14, 0x9011);
            U16(exifIfd + 16, 2);
            U32(exifIfd + 18, 7);
            U32(exifIfd + 22, dataStart + 20);
            Encoding.ASCII.GetBytes(offset).CopyTo(tiff, dataStart + 20);
        }

        var segment = new byte[4 + 6 + tiff.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(segment.Length - 2));
        "Exif\0\0"u8.CopyTo(segment.AsSpan(4));
        tiff.CopyTo(segment, 10);
        return [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];
    }
}
