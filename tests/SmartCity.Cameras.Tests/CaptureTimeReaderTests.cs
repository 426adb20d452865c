using System.Buffers.Binary;
using SkiaSharp;

namespace SmartCity.Cameras.Tests;

public class CaptureTimeReaderTests
{
    private static readonly DateTimeOffset Uploaded = new(2026, 1, 22, 9, 0, 0, TimeSpan.Zero);

    private static Dictionary<string, string> Metadata(string? capturedAt) =>
        capturedAt is null ? [] : new() { ["CapturedAt"] = capturedAt };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DateTimeOriginal_is_read_in_either_byte_order_as_UTC_without_an_offset(bool bigEndian)
    {
        var jpeg = CameraImages.WithExif(CameraImages.Synthetic(1), new DateTime(2026, 1, 22, 6, 57, 28), bigEndian: bigEndian);

        Assert.Equal(new DateTimeOffset(2026, 1, 22, 6, 57, 28, TimeSpan.Zero), CaptureTimeReader.ReadExif(jpeg));
    }

    [Theory]
    [InlineData("+08:00", false)]
    [InlineData("+08:00", true)]
    public void OffsetTimeOriginal_gives_the_capture_time_its_zone(string offset, bool bigEndian)
    {
        var jpeg = CameraImages.WithExif(CameraImages.Synthetic(1), new DateTime(2026, 1, 22, 14, 0, 0), offset, bigEndian);

        var time = CaptureTimeReader.ReadExif(jpeg);
        Assert.Equal(new DateTimeOffset(2026, 1, 22, 6, 0, 0, TimeSpan.Zero), time!.Value.ToUniversalTime());
        Assert.Equal(TimeSpan.FromHours(8), time.Value.Offset);
    }

    [Theory]
    [InlineData("-05:00", -5)]
    [InlineData("+15:00", 0)] // beyond the ±14 hours a zone can be: taken as UTC
    [InlineData("junk", 0)]
    public void An_offset_west_of_UTC_is_negative_and_an_impossible_one_means_UTC(string offset, int hours)
    {
        var jpeg = CameraImages.WithExif(CameraImages.Synthetic(1), new DateTime(2026, 1, 22, 6, 0, 0), offset);

        Assert.Equal(new DateTimeOffset(2026, 1, 22, 6, 0, 0, TimeSpan.FromHours(hours)), CaptureTimeReader.ReadExif(jpeg));
    }

    [Fact]
    public void A_JPEG_without_Exif_a_PNG_and_garbage_give_no_time()
    {
        Assert.Null(CaptureTimeReader.ReadExif(CameraImages.Synthetic(2)));
        Assert.Null(CaptureTimeReader.ReadExif(CameraImages.Synthetic(2, format: SKEncodedImageFormat.Png)));
        Assert.Null(CaptureTimeReader.ReadExif([0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 0x45]));
        Assert.Null(CaptureTimeReader.ReadExif([]));
        Assert.Null(CaptureTimeReader.ReadExif("this is not an image"u8.ToArray()));
    }

    [Fact]
    public void A_truncated_Exif_segment_gives_no_time_instead_of_throwing()
    {
        var plain = CameraImages.Synthetic(3);
        var jpeg = CameraImages.WithExif(plain, new DateTime(2026, 1, 22, 6, 57, 28));
        var segmentEnd = jpeg.Length - (plain.Length - 2);
        for (var cut = 0; cut < segmentEnd + 40; cut++)
        {
            var time = CaptureTimeReader.ReadExif(jpeg[..cut]);
            if (cut < segmentEnd)
            {
                Assert.Null(time);
            }
        }

        // Exif data pointing outside the segment.
        var broken = (byte[])jpeg.Clone();
        broken[2 + 4 + 6 + 21] = 0xF0; // high byte of the Exif IFD pointer (little-endian) in IFD0
        Assert.Null(CaptureTimeReader.ReadExif(broken));
    }

    [Fact]
    public void A_garbage_Exif_segment_gives_no_time_instead_of_throwing()
    {
        var jpeg = CameraImages.Synthetic(4);
        var huge = new byte[16];
        "II*\0"u8.CopyTo(huge);
        BinaryPrimitives.WriteUInt32LittleEndian(huge.AsSpan(4), 8);
        BinaryPrimitives.WriteUInt16LittleEndian(huge.AsSpan(8), 0xFFFF); // 65535 entries in 8 bytes
        var loop = new byte[32];
        "MM\0*"u8.CopyTo(loop);
        BinaryPrimitives.WriteUInt32BigEndian(loop.AsSpan(4), 8);
        BinaryPrimitives.WriteUInt16BigEndian(loop.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt16BigEndian(loop.AsSpan(10), 0x8769); // Exif IFD pointer ...
        BinaryPrimitives.WriteUInt16BigEndian(loop.AsSpan(12), 4);
        BinaryPrimitives.WriteUInt32BigEndian(loop.AsSpan(14), 1);
        BinaryPrimitives.WriteUInt32BigEndian(loop.AsSpan(18), 8); // ... back to IFD0

        foreach (var tiff in new[] { "II*\0\xFF\xFF\xFF\xFF"u8.ToArray(), huge, loop, "not a TIFF header at all"u8.ToArray(), [] })
        {
            Assert.Null(CaptureTimeReader.ReadExif(CameraImages.WithExifSegment(jpeg, tiff)));
        }
    }

    [Theory]
    [InlineData("+01:00")] // 0001-01-01T00:00+01:00 is before DateTimeOffset.MinValue in UTC: the old reader threw
    [InlineData(null)] // 0001-01-01 UTC: before 1601, which the results table cannot store
    public void A_DateTimeOriginal_out_of_range_gives_no_time_instead_of_throwing(string? offset)
    {
        var jpeg = CameraImages.WithExif(CameraImages.Synthetic(5), new DateTime(1, 1, 1, 0, 0, 0), offset);

        Assert.Null(CaptureTimeReader.ReadExif(jpeg));
        Assert.Equal(new CaptureTime(Uploaded, CaptureTime.FromUpload), CaptureTimeReader.Read(Metadata(null), jpeg, Uploaded));
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        var random = new Random(20260122);
        var exifStart = CameraImages.WithExifSegment([0xFF, 0xD8], []);
        for (var i = 0; i < 500; i++)
        {
            var bytes = new byte[random.Next(0, 2048)];
            random.NextBytes(bytes);
            var prefixed = i % 2 == 0 ? bytes : [.. exifStart, .. bytes];

            var error = Record.Exception(() => CaptureTimeReader.Read(Metadata(null), prefixed, Uploaded));

            Assert.Null(error);
        }
    }

    [Fact]
    public void Metadata_comes_first_then_EXIF_then_the_upload_time()
    {
        var jpeg = CameraImages.WithExif(CameraImages.Synthetic(6), new DateTime(2026, 1, 20, 8, 30, 15));
        var plain = CameraImages.Synthetic(7);

        Assert.Equal(new CaptureTime(new DateTimeOffset(2026, 1, 21, 7, 0, 0, TimeSpan.Zero), CaptureTime.FromMetadata), CaptureTimeReader.Read(Metadata("2026-01-21T08:00:00+01:00"), jpeg, Uploaded));
        Assert.Equal(new CaptureTime(new DateTimeOffset(2026, 1, 21, 8, 0, 0, TimeSpan.Zero), CaptureTime.FromMetadata), CaptureTimeReader.Read(Metadata("2026-01-21T08:00:00"), jpeg, Uploaded));
        Assert.Equal(new CaptureTime(new DateTimeOffset(2026, 1, 20, 8, 30, 15, TimeSpan.Zero), CaptureTime.FromExif), CaptureTimeReader.Read(Metadata(null), jpeg, Uploaded));
        Assert.Equal(new CaptureTime(Uploaded, CaptureTime.FromUpload), CaptureTimeReader.Read(Metadata(null), plain, Uploaded));
        Assert.Equal(new CaptureTime(Uploaded, CaptureTime.FromUpload), CaptureTimeReader.Read(Metadata(null), null, Uploaded));
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("   ")]
    public void Metadata_that_is_not_a_usable_time_falls_back_to_EXIF(string capturedAt)
    {
        var jpeg = CameraImages.WithExif(CameraImages.Synthetic(8), new DateTime(2026, 1, 20, 8, 30, 15));

        Assert.Equal(CaptureTime.FromExif, CaptureTimeReader.Read(Metadata(capturedAt), jpeg, Uploaded).Source);
    }

    [Theory]
    [InlineData("2027-01-22T09:00:00Z")] // a camera whose clock is a year ahead
    [InlineData("2026-01-22T09:06:00Z")] // six minutes after the upload: more than clock skew
    public void A_metadata_time_after_the_upload_is_not_trusted(string capturedAt)
    {
        var read = CaptureTimeReader.Read(Metadata(capturedAt), CameraImages.Synthetic(9), Uploaded);

        Assert.Equal((Uploaded, CaptureTime.FromUpload), (read.Time, read.Source));
    }

    [Fact]
    public void A_time_a_few_minutes_after_the_upload_is_clock_skew_and_kept()
    {
        var read = CaptureTimeReader.Read(Metadata("2026-01-22T09:04:00Z"), null, Uploaded);

        Assert.Equal((Uploaded.AddMinutes(4), CaptureTime.FromMetadata), (read.Time, read.Source));
    }

    [Fact]
    public void A_future_metadata_time_falls_back_to_a_sane_EXIF_time_and_a_future_EXIF_time_to_the_upload()
    {
        var sane = CameraImages.WithExif(CameraImages.Synthetic(10), new DateTime(2026, 1, 22, 8, 59, 0));
        var future = CameraImages.WithExif(CameraImages.Synthetic(10), new DateTime(2031, 1, 22, 8, 59, 0));

        Assert.Equal(CaptureTime.FromExif, CaptureTimeReader.Read(Metadata("2030-01-01T00:00:00Z"), sane, Uploaded).Source);
        Assert.Equal((Uploaded, CaptureTime.FromUpload), (CaptureTimeReader.Read(Metadata(null), future, Uploaded).Time, CaptureTimeReader.Read(Metadata(null), future, Uploaded).Source));
    }

    [Fact]
    public void A_time_that_is_not_trusted_is_noted_with_what_it_was()
    {
        var read = CaptureTimeReader.Read(Metadata("2027-01-22T09:00:00Z"), null, Uploaded);

        Assert.Equal("capturedAt metadata 2027-01-22T09:00:00.0000000+00:00 is 365.0 days after the upload (at most 5 minutes of clock skew are trusted): the camera's clock is wrong", read.Note);
        Assert.Null(CaptureTimeReader.Read(Metadata("2026-01-22T08:00:00Z"), null, Uploaded).Note);
        Assert.Null(CaptureTimeReader.Read(Metadata("yesterday"), null, Uploaded).Note);
    }
}
