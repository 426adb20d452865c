using SkiaSharp;
using SmartCity.Inference.Imaging;
using SmartCity.Inference.Models;

namespace SmartCity.Inference.Explaining;

/// <summary>
/// Draws a saliency map over the image as the model saw it: the pixels are read back from the
/// preprocessed tensor (denormalised), so nothing is decoded again and what is shown is what the
/// model read (a centre crop shows only the crop; parts no region reads are grey). The PNG has
/// the displayed image's aspect ratio, its longer side <see cref="LongSide"/> pixels. Cells whose
/// masking lowers the probability are tinted yellow to red, by their share of the largest drop.
/// </summary>
internal static class SaliencyOverlay
{
    public const int LongSide = 256;

    public static (int Width, int Height) Size(int displayWidth, int displayHeight) =>
        displayWidth >= displayHeight
            ? (LongSide, Math.Max(1, (int)Math.Round(LongSide * (double)displayHeight / displayWidth)))
            : (Math.Max(1, (int)Math.Round(LongSide * (double)displayWidth / displayHeight)), LongSide);

    public static byte[] Render(ReadOnlySpan<float> tensor, TensorFormat format, CellMap cells, int displayWidth, int displayHeight, ReadOnlySpan<float> scores)
    {
        var (width, height) = Size(displayWidth, displayHeight);
        var spec = format.Spec;
        var valueScale = spec.ValueRange == ValueRange.ZeroToOne ? 255f : 1f;
        var pixels = format.Width * format.Height;
        var max = 0f;
        foreach (var s in scores)
        {
            max = Math.Max(max, s);
        }

        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        Span<float> rgb = stackalloc float[3];
        for (var v = 0; v < height; v++)
        {
            var fy = (v + 0.5f) / height;
            var row = Math.Clamp((int)(fy * cells.Rows), 0, cells.Rows - 1);
            for (var u = 0; u < width; u++)
            {
                var fx = (u + 0.5f) / width;
                var column = Math.Clamp((int)(fx * cells.Columns), 0, cells.Columns - 1);
                if (!Sample(tensor, format, cells, fx, fy, pixels, valueScale, rgb))
                {
                    rgb[0] = rgb[1] = rgb[2] = 128f;
                }

                var t = max > 0f ? Math.Clamp(scores[(row * cells.Columns) + column] / max, 0f, 1f) : 0f;
                var alpha = t < 0.05f ? 0f : 0.2f + (0.55f * t);
                // Yellow (low) to red (high).
                var r = Blend(rgb[0], 255f, alpha);
                var g = Blend(rgb[1], 255f * (1f - t), alpha);
                var b = Blend(rgb[2], 0f, alpha);
                bitmap.SetPixel(u, v, new SKColor(r, g, b, 255));
            }
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static byte Blend(float under, float over, float alpha) => (byte)Math.Clamp(MathF.Round((under * (1f - alpha)) + (over * alpha)), 0f, 255f);

    /// <summary>The RGB value (0-255) the tensor holds at displayed fractions (fx, fy), from the first region that shows it.</summary>
    private static bool Sample(ReadOnlySpan<float> tensor, TensorFormat format, CellMap cells, float fx, float fy, int pixels, float valueScale, Span<float> rgb)
    {
        var spec = format.Spec;
        for (var r = 0; r < cells.Mappings.Count; r++)
        {
            var mapping = cells.Mappings[r];
            var x = mapping.TensorX(fx, format.Width);
            var y = mapping.TensorY(fy, format.Height);
            if (x < 0 || y < 0)
            {
                continue;
            }

            var region = tensor.Slice(r * format.Length, format.Length);
            var pixel = (y * format.Width) + x;
            for (var c = 0; c < 3; c++)
            {
                var value = format.Layout == TensorLayout.Nchw ? region[(c * pixels) + pixel] : region[(pixel * 3) + c];
                rgb[format.SourceChannel[c]] = ((value * spec.Std[c]) + spec.Mean[c]) * valueScale;
            }

            return true;
        }

        return false;
    }
}
