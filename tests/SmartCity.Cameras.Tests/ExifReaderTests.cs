using SmartCity.Cameras;
using SmartCity.Cameras.Storage;

namespace SmartCity.Cameras.Tests;

public class ExifReaderTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DateTimeOriginal_is_read_in_either_byte_order_as_UTC_without_an_offset(bool bigEndian)
    {
        var jpeg = CameraImages.WithExif(CameraImages.Synthetic(1), new DateTime(2026, 1, 22, 6, 57, 28), bigEndian: bigEndian);

        Assert.Equal(new DateTimeOffset(2026, 1, 22, 6, 57, 28, TimeSpan.Zero), ExifReader.ReadDateTimeOriginal(jpeg));
    }

    [Fact]
    public void OffsetTimeOriginal_gives_the_capture_time_its_zone()
    {
        var jpeg = CameraImages.WithExif(CameraImages.Synthetic(1), new DateTime(2026, 1, 22, 14, 0, 0), "+08:00");

        Assert.Equal(new DateTimeOffset(2026, 1, 22, 6, 0, 0, TimeSpan.Zero), ExifReader.ReadDateTimeOriginal(jpeg)!.Value.ToUniversalTime());
    }

    [Fact]
    public void A_JPEG_without_Exif_a_PNG_and_garbage_give_no_time()
    {
        Assert.Null(ExifReader.ReadDateTimeOriginal(CameraImages.Synthetic(2)));
        Assert.Null(ExifReader.ReadDateTimeOriginal(CameraImages.Synthetic(2, format: SkiaSharp.SKEncodedImageFormat.Png)));
        Assert.Null(ExifReader.ReadDateTimeOriginal([0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 0x45]));
        Assert.Null(ExifReader.ReadDateTimeOriginal([]));
    }

    [Fact]
    public void A_truncated_Exif_segment_gives_no_time_instead_of_throwing()
    {
        var jpeg = CameraImages.WithExif(CameraImages.Synthetic(3), new DateTime(2026, 1, 22, 6, 57, 28));
        for (var cut = 4; cut < 90; cut++)
        {
            var truncated = jpeg[..cut];
            _ = ExifReader.ReadDateTimeOriginal(truncated);
        }

        // Exif data pointing outside the segment.
        var broken = (byte[])jpeg.Clone();
        broken[2 + 4 + 6 + 21] = 0xF0; // high byte of the Exif IFD pointer (little-endian) in IFD0
        Assert.Null(ExifReader.ReadDateTimeOriginal(broken));
    }
}
