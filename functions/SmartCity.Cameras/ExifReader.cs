using System.Buffers.Binary;
using System.Globalization;
using System.Text;

using SmartCity.Inference;
using SmartCity.Cameras.Storage;

namespace SmartCity.Cameras;

/// <summary>
/// Reads the capture time (<c>DateTimeOriginal</c>, tag 0x9003 of the Exif sub-IFD) from a
/// JPEG's APP1 Exif segment, with its <c>OffsetTimeOriginal</c> (0x9011) when present. Only
/// the markers before the first scan are walked; every offset is bounds-checked, so a
/// malformed segment gives null, never an exception.
/// </summary>
public static class ExifReader
{
    private const ushort ExifIfdPointer = 0x8769;
    private const ushort DateTimeOriginal = 0x9003;
    private const ushort OffsetTimeOriginal = 0x9011;
    private const ushort AsciiType = 2;

    /// <summary>The capture time, or null when there is none. Without an offset tag the time is taken as UTC.</summary>
    public static DateTimeOffset? ReadDateTimeOriginal(ReadOnlySpan<byte> jpeg)
    {
        if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8)
        {
            return null;
        }

        var position = 2;
        while (position + 4 <= jpeg.Length)
        {
            if (jpeg[position] != 0xFF)
            {
                return null;
            }

            var marker = jpeg[position + 1];
            if (marker == 0xFF)
            {
                position++; // fill byte
                continue;
            }

            if (marker is 0xDA or 0xD9)
            {
                return null; // start of scan or end of image: no metadata after this
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                position += 2; // markers without a length
                continue;
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(jpeg.Slice(position + 2, 2));
            if (length < 2 || position + 2 + length > jpeg.Length)
            {
                return null;
            }

            var segment = jpeg.Slice(position + 4, length - 2);
            if (marker == 0xE1 && segment.Length > 6 && segment[..6].SequenceEqual("Exif\0\0"u8))
            {
                return ReadTiff(segment[6..]);
            }

            position += 2 + length;
        }

        return null;
    }

    private static DateTimeOffset? ReadTiff(ReadOnlySpan<byte> tiff)
    {
        if (tiff.Length < 8)
        {
            return null;
        }

        bool littleEndian;
        if (tiff[0] == (byte)'I' && tiff[1] == (byte)'I')
        {
            littleEndian = true;
        }
        else if (tiff[0] == (byte)'M' && tiff[1] == (byte)'M')
        {
            littleEndian = false;
        }
        else
        {
            return null;
        }

        var reader = new TiffReader(tiff, littleEndian);
        if (reader.UInt16(2) != 42 || reader.UInt32(4) is not { } ifd0)
        {
            return null;
        }

        if (reader.FindEntry(ifd0, ExifIfdPointer) is not { } pointer || reader.UInt32(pointer + 8) is not { } exifIfd)
        {
            return null;
        }

        var text = reader.FindEntry(exifIfd, DateTimeOriginal) is { } dateEntry ? reader.Ascii(dateEntry) : null;
        if (text is null || !DateTime.TryParseExact(text, "yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return null;
        }

        var offset = TimeSpan.Zero;
        var offsetText = reader.FindEntry(exifIfd, OffsetTimeOriginal) is { } offsetEntry ? reader.Ascii(offsetEntry) : null;
        if (offsetText is not null && TimeSpan.TryParseExact(offsetText.TrimStart('+', '-'), @"hh\:mm", CultureInfo.InvariantCulture, out var parsed))
        {
            offset = offsetText.StartsWith('-') ? -parsed : parsed;
        }

        return offset.Duration() <= TimeSpan.FromHours(14) ? new DateTimeOffset(local, offset) : new DateTimeOffset(local, TimeSpan.Zero);
    }

    private readonly ref struct TiffReader(ReadOnlySpan<byte> data, bool littleEndian)
    {
        private readonly ReadOnlySpan<byte> _data = data;

        public ushort? UInt16(long offset) =>
            offset < 0 || offset + 2 > _data.Length ? null
            : littleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(_data.Slice((int)offset, 2)) : BinaryPrimitives.ReadUInt16BigEndian(_data.Slice((int)offset, 2));

        public uint? UInt32(long offset) =>
            offset < 0 || offset + 4 > _data.Length ? null
            : littleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(_data.Slice((int)offset, 4)) : BinaryPrimitives.ReadUInt32BigEndian(_data.Slice((int)offset, 4));

        /// <summary>The offset of the 12-byte entry with <paramref name="tag"/> in the IFD at <paramref name="ifd"/>.</summary>
        public long? FindEntry(long ifd, ushort tag)
        {
            if (UInt16(ifd) is not { } count)
            {
                return null;
            }

            for (var i = 0; i < count; i++)
            {
                var entry = ifd + 2 + (12L * i);
                if (UInt16(entry) is not { } entryTag)
                {
                    return null;
                }

                if (entryTag == tag)
                {
                    return entry;
                }
            }

            return null;
        }

        /// <summary>An ASCII value (inline when it fits in 4 bytes), without the trailing NULs.</summary>
        public string? Ascii(long entry)
        {
            if (UInt16(entry + 2) != AsciiType || UInt32(entry + 4) is not { } count || count is 0 or > 64)
            {
                return null;
            }

            var start = count <= 4 ? entry + 8 : UInt32(entry + 8) ?? uint.MaxValue;
            if (start + count > _data.Length)
            {
                return null;
            }

            return Encoding.ASCII.GetString(_data.Slice((int)start, (int)count)).TrimEnd('\0', ' ');
        }
    }
}
