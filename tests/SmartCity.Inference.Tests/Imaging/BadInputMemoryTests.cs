using SkiaSharp;
using SmartCity.Inference.Imaging;
using SmartCity.Inference.Models;

namespace SmartCity.Inference.Tests.Imaging;

[Collection(nameof(MemoryMeasurement))]
public class BadInputMemoryTests
{
    [Fact]
    public void Many_bad_images_do_not_leak_memory()
    {
        var format = new TensorFormat(new InputSpec { Width = 8, Height = 8 });
        var preprocessor = new ImagePreprocessor(40_000_000);
        var jpeg = TestImages.Encode(64, 48, (x, y) => new SKColor((byte)(x * 4), (byte)(y * 5), 90), SKEncodedImageFormat.Jpeg, 90);
        var truncated = jpeg[..(jpeg.Length / 2)];
        var tensor = new float[format.Length];
        void Round()
        {
            for (var i = 0; i < 2000; i++)
            {
                Assert.Throws<CorruptImageException>(() => preprocessor.Preprocess(truncated, format, tensor));
            }
        }

        Round();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        Round();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        Assert.True(after - before < 1024 * 1024, $"Managed memory grew by {(after - before) / 1024} KB over 2000 bad images");
    }
}
