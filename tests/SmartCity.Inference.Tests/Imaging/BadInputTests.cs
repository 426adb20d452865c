using SkiaSharp;
using SmartCity.Inference.Imaging;
using SmartCity.Inference.Models;

namespace SmartCity.Inference.Tests.Imaging;

/// <summary>Every kind of bad image gets its own exception, never a crash.</summary>
public class BadInputTests
{
    private static readonly TensorFormat Format = new(new InputSpec { Width = 8, Height = 8 });

    private static void Preprocess(byte[] data, long maxPixels = 40_000_000) =>
        new ImagePreprocessor(maxPixels).Preprocess(data, Format, new float[Format.Length]);

    private static byte[] Jpeg() => TestImages.Encode(64, 48, (x, y) => new SKColor((byte)(x * 4), (byte)(y * 5), 90), SKEncodedImageFormat.Jpeg, 90);

    [Fact]
    public void Zero_bytes_are_an_empty_image() => Assert.Throws<EmptyImageException>(() => Preprocess([]));

    [Fact]
    public void Random_bytes_are_an_unsupported_format()
    {
        var random = new byte[4096];
        new Random(1).NextBytes(random);
        random[0] = 0x00;
        Assert.Throws<UnsupportedImageFormatException>(() => Preprocess(random));
    }

    [Fact]
    public void Text_is_an_unsupported_format() => Assert.Throws<UnsupportedImageFormatException>(() => Preprocess("hello, this is not an image"u8.ToArray()));

    [Fact]
    public void Random_bytes_behind_a_jpeg_signature_are_corrupt()
    {
        var random = new byte[4096];
        new Random(2).NextBytes(random);
        random[0] = 0xFF;
        random[1] = 0xD8;
        random[2] = 0xFF;
        Assert.Throws<CorruptImageException>(() => Preprocess(random));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.1)]
    public void A_truncated_jpeg_is_corrupt(double keep)
    {
        var jpeg = Jpeg();
        Assert.Throws<CorruptImageException>(() => Preprocess(jpeg[..(int)(jpeg.Length * keep)]));
    }

    [Fact]
    public void A_truncated_png_is_corrupt()
    {
        var png = TestImages.Encode(64, 64, (x, y) => new SKColor((byte)x, (byte)y, 3));
        Assert.Throws<CorruptImageException>(() => Preprocess(png[..(png.Length / 2)]));
    }

    [Fact]
    public void A_header_claiming_too_many_pixels_is_refused_before_decoding()
    {
        // The header says 60000x60000 (3.6 gigapixels); the data is a 64x48 image.
        var liar = TestImages.WithJpegHeaderSize(Jpeg(), 60000, 60000);
        var error = Assert.Throws<ImageTooLargeException>(() => Preprocess(liar));
        Assert.Equal((60000, 60000), (error.Width, error.Height));
    }

    [Fact]
    public void The_pixel_limit_is_configurable()
    {
        var png = TestImages.Solid(SKColors.Red, size: 20);
        Assert.Throws<ImageTooLargeException>(() => Preprocess(png, maxPixels: 399));
        Preprocess(png, maxPixels: 400);
    }
}
