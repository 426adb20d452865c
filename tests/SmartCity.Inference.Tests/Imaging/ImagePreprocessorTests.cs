using System.Text.Json;
using SkiaSharp;
using SmartCity.Inference.Imaging;
using SmartCity.Inference.Models;

namespace SmartCity.Inference.Tests.Imaging;

public class ImagePreprocessorTests
{
    private readonly ImagePreprocessor _preprocessor = new(40_000_000);

    private static TensorFormat Format(int width, int height, TensorLayout layout = TensorLayout.Nchw, ChannelOrder order = ChannelOrder.Rgb,
        ValueRange range = ValueRange.ZeroToOne, float[]? mean = null, float[]? std = null, ResizeMode resize = ResizeMode.Stretch) =>
        new(new InputSpec
        {
            Width = width,
            Height = height,
            Layout = layout,
            ChannelOrder = order,
            ValueRange = range,
            Mean = mean ?? [0, 0, 0],
            Std = std ?? [1, 1, 1],
            Resize = resize,
        });

    private float[] Run(byte[] image, TensorFormat format)
    {
        var tensor = new float[format.Length];
        _preprocessor.Preprocess(image, format, tensor);
        return tensor;
    }

    private static readonly SKColor[] Quadrants = [SKColors.Red, new SKColor(0, 255, 0), SKColors.Blue, SKColors.White];

    [Fact]
    public void Png_pixels_become_normalised_NCHW_planes_exactly()
    {
        // Pixels: red, green / blue, white. (v/255 - 0.5) / 0.25 gives 2 for 255 and -2 for 0.
        var png = TestImages.Encode(2, 2, (x, y) => Quadrants[(y * 2) + x]);
        var tensor = Run(png, Format(2, 2, mean: [0.5f, 0.5f, 0.5f], std: [0.25f, 0.25f, 0.25f]));
        float[] expected =
        [
            2, -2, -2, 2, // R plane
            -2, 2, -2, 2, // G plane
            -2, -2, 2, 2, // B plane
        ];
        Assert.Equal(expected, tensor, new FloatTolerance(1e-6f));
    }

    [Fact]
    public void Bgr_0_255_NHWC_puts_blue_first_in_each_pixel()
    {
        var png = TestImages.Encode(2, 2, (x, y) => Quadrants[(y * 2) + x]);
        var tensor = Run(png, Format(2, 2, TensorLayout.Nhwc, ChannelOrder.Bgr, ValueRange.ZeroTo255, mean: [10, 20, 30]));
        float[] expected =
        [
            0 - 10, 0 - 20, 255 - 30, // red pixel: B, G, R
            0 - 10, 255 - 20, 0 - 30, // green
            255 - 10, 0 - 20, 0 - 30, // blue
            255 - 10, 255 - 20, 255 - 30, // white
        ];
        Assert.Equal(expected, tensor, new FloatTolerance(1e-4f));
    }

    [Fact]
    public void Downscaling_uniform_blocks_gives_the_block_colours()
    {
        var png = TestImages.Encode(4, 4, (x, y) => Quadrants[((y / 2) * 2) + (x / 2)]);
        var tensor = Run(png, Format(2, 2, range: ValueRange.ZeroTo255));
        Assert.Equal([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255], tensor, new FloatTolerance(1f));
    }

    [Fact]
    public void Shorter_side_centre_crop_keeps_the_middle()
    {
        // 6x2: red | green | blue columns, two pixels each. The 2x2 centre crop is green.
        var png = TestImages.Encode(6, 2, (x, _) => Quadrants[x / 2]);
        var tensor = Run(png, Format(2, 2, range: ValueRange.ZeroTo255, resize: ResizeMode.ShorterSideCenterCrop));
        Assert.Equal([0, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 0], tensor, new FloatTolerance(1f));
    }

    [Fact]
    public void Grayscale_is_expanded_to_three_equal_channels()
    {
        var tensor = Run(TestImages.Gray(2, 2, 100), Format(2, 2, range: ValueRange.ZeroTo255));
        Assert.All(tensor, v => Assert.Equal(100f, v, 0.5f));
    }

    [Fact]
    public void Transparent_pixels_are_composited_over_black()
    {
        var png = TestImages.Solid(new SKColor(255, 0, 0, 128), size: 2);
        var tensor = Run(png, Format(2, 2, range: ValueRange.ZeroTo255));
        Assert.Equal(128f, tensor[0], 1.5f);
        Assert.Equal(0f, tensor[4]);
        Assert.Equal(0f, tensor[8]);
    }

    [Fact]
    public void Gif_first_frame_is_read()
    {
        var tensor = Run(TestImages.Gif(new SKColor(10, 200, 30)), Format(1, 1, range: ValueRange.ZeroTo255));
        Assert.Equal([10f, 200f, 30f], tensor);
    }

    [Fact]
    public void Bmp_is_read()
    {
        var bmp = TestImages.Bmp(2, 2, (x, y) => Quadrants[(y * 2) + x]);
        var tensor = Run(bmp, Format(2, 2, range: ValueRange.ZeroTo255));
        Assert.Equal([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255], tensor);
    }

    [Fact]
    public void Lossless_webp_is_read()
    {
        var webp = TestImages.Encode(2, 2, (x, y) => Quadrants[(y * 2) + x], SKEncodedImageFormat.Webp, 100);
        Assert.Equal("webp", ImagePreprocessor.SniffFormat(webp));
        var tensor = Run(webp, Format(2, 2, range: ValueRange.ZeroTo255));
        Assert.Equal([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255], tensor, new FloatTolerance(2f));
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(3, false)]
    [InlineData(6, true)]
    [InlineData(8, true)]
    public void Exif_orientation_is_applied(ushort orientation, bool swapsAxes)
    {
        // Encoded 64x32: left half red, right half blue.
        var jpeg = TestImages.Encode(64, 32, (x, _) => x < 32 ? SKColors.Red : SKColors.Blue, SKEncodedImageFormat.Jpeg, 95);
        var oriented = TestImages.WithExifOrientation(jpeg, orientation);
        var format = Format(2, 2, range: ValueRange.ZeroTo255);
        var tensor = new float[format.Length];
        var result = _preprocessor.Preprocess(oriented, format, tensor);
        Assert.Equal(swapsAxes ? (32, 64) : (64, 32), (result.Width, result.Height));

        // Displayed as a 2x2 tensor: where does red end up?
        var red = tensor.AsSpan(0, 4).ToArray().Select(v => v > 128).ToArray();
        bool[] expected = orientation switch
        {
            1 => [true, false, true, false], // red left
            3 => [false, true, false, true], // rotated 180: red right
            6 => [true, true, false, false], // rotated 90 clockwise: the left edge becomes the top
            8 => [false, false, true, true], // rotated 90 anticlockwise: the left edge becomes the bottom
            _ => throw new ArgumentOutOfRangeException(nameof(orientation)),
        };
        Assert.Equal(expected, red);
    }

    [Fact]
    public void A_camera_frame_is_decoded_at_a_quarter_scale_only_when_allowed()
    {
        var frame = File.ReadAllBytes(TestImages.Sample("traffic-cameras/camera_2701_2026-01-22_00-24-52.jpg"));
        var format = Format(224, 224);
        var tensor = new float[format.Length];
        var scaled = new ImagePreprocessor(40_000_000, scaledDecode: true).Preprocess(frame, format, tensor);
        var full = new ImagePreprocessor(40_000_000, scaledDecode: false).Preprocess(frame, format, tensor);
        Assert.Equal((1920, 1080), (scaled.Width, scaled.Height));
        Assert.Equal((480, 270), (scaled.DecodedWidth, scaled.DecodedHeight));
        Assert.Equal((1920, 1080), (full.DecodedWidth, full.DecodedHeight));
    }

    /// <summary>
    /// Parity with an independent reference: Reference/make_reference.py resized the same frame
    /// with Pillow and recorded 28x28 block means per channel. Two correct bilinear resamplers
    /// agree on block means within a few levels; a wrong channel order, layout, crop or
    /// normalisation is off by tens. Tolerance: 4 levels (of 255) per block, 1.5 on average.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Camera_frame_tensor_matches_the_Pillow_reference(bool scaledDecode)
    {
        using var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Output, "Reference", "camera_2701_blockmeans.json")));
        var expected = reference.RootElement.GetProperty("rgbBlockMeans");
        var frame = File.ReadAllBytes(TestImages.Sample("traffic-cameras/camera_2701_2026-01-22_00-24-52.jpg"));
        // The ResNet-18 layout (BGR, 0-255, mean subtracted), undone below, so the test also covers normalisation.
        float[] mean = [103.0626f, 115.9029f, 123.1516f];
        var format = Format(224, 224, order: ChannelOrder.Bgr, range: ValueRange.ZeroTo255, mean: mean);
        var tensor = new float[format.Length];
        new ImagePreprocessor(40_000_000, scaledDecode).Preprocess(frame, format, tensor);

        var worst = 0.0;
        var total = 0.0;
        for (var rgb = 0; rgb < 3; rgb++)
        {
            var plane = 2 - rgb; // BGR planes
            for (var by = 0; by < 8; by++)
            {
                for (var bx = 0; bx < 8; bx++)
                {
                    var sum = 0.0;
                    for (var y = by * 28; y < (by + 1) * 28; y++)
                    {
                        for (var x = bx * 28; x < (bx + 1) * 28; x++)
                        {
                            sum += tensor[(plane * 224 * 224) + (y * 224) + x] + mean[plane];
                        }
                    }

                    var difference = Math.Abs((sum / (28 * 28)) - expected[rgb][by][bx].GetDouble());
                    worst = Math.Max(worst, difference);
                    total += difference;
                }
            }
        }

        Assert.True(worst <= 4.0, $"Largest block difference {worst:F2} levels");
        Assert.True(total / 192 <= 1.5, $"Mean block difference {total / 192:F2} levels");
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
