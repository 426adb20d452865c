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
        var tiff = new Tiff(new byte[dataStart + 20 + 8], bigEndian);
        tiff.Header(firstIfd: 8);
        tiff.U16(8, 1);
        tiff.Entry(10, 0x8769, type: 4, count: 1, value: exifIfd);
        tiff.U16(exifIfd, entries);
        tiff.Entry(exifIfd + 2, 0x9003, type: 2, count: 20, value: dataStart);
        Encoding.ASCII.GetBytes(taken.ToString("yyyy:MM:dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)).CopyTo(tiff.Bytes, dataStart);
        if (offset is not null)
        {
            tiff.Entry(exifIfd + 14, 0x9011, type: 2, count: 7, value: dataStart + 20);
            Encoding.ASCII.GetBytes(offset).CopyTo(tiff.Bytes, dataStart + 20);
        }

        return WithExifSegment(jpeg, tiff.Bytes);
    }

    /// <summary>Inserts an APP1 segment holding <c>Exif\0\0</c> and <paramref name="tiff"/> (well-formed or not) right after SOI.</summary>
    public static byte[] WithExifSegment(byte[] jpeg, byte[] tiff)
    {
        var segment = new byte[4 + 6 + tiff.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(segment.Length - 2));
        "Exif\0\0"u8.CopyTo(segment.AsSpan(4));
        tiff.CopyTo(segment, 10);
        return [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];
    }

    /// <summary>Writes TIFF structures in either byte order.</summary>
    private readonly struct Tiff(byte[] bytes, bool bigEndian)
    {
        public byte[] Bytes { get; } = bytes;

        public void Header(int firstIfd)
        {
            Bytes[0] = Bytes[1] = (byte)(bigEndian ? 'M' : 'I');
            U16(2, 42);
            U32(4, firstIfd);
        }

        /// <summary>A 12-byte IFD entry: tag, type, count, value or offset.</summary>
        public void Entry(int at, int tag, int type, int count, int value)
        {
            U16(at, tag);
            U16(at + 2, type);
            U32(at + 4, count);
            U32(at + 8, value);
        }

        public void U16(int at, int value)
        {
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt16BigEndian(Bytes.AsSpan(at), (ushort)value);
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(Bytes.AsSpan(at), (ushort)value);
            }
        }

        public void U32(int at, int value)
        {
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt32BigEndian(Bytes.AsSpan(at), (uint)value);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(Bytes.AsSpan(at), (uint)value);
            }
        }
    }
}
