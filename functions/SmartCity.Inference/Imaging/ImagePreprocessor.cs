using System.Buffers;
using System.Diagnostics;
using System.Drawing;
using SkiaSharp;
using SmartCity.Inference.Models;

namespace SmartCity.Inference.Imaging;

/// <summary>
/// Turns encoded image bytes into exactly the tensor a model expects (SkiaSharp).
/// The header is read first and the pixel limit applied before any pixel is decoded; JPEGs
/// are decoded at the smallest codec scale that still covers the target size; EXIF
/// orientation is applied; alpha is composited over black; grayscale is expanded to RGB.
/// Decode and target buffers come from <see cref="ArrayPool{T}"/>.
/// </summary>
public sealed class ImagePreprocessor(long maxPixels, bool scaledDecode = true)
{
    public long MaxPixels { get; } = maxPixels;

    public bool ScaledDecode { get; } = scaledDecode;

    /// <summary>Recognises the format from the first bytes; null when it is none the engine reads.</summary>
    public static string? SniffFormat(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        {
            return "jpeg";
        }

        if (data.Length >= 8 && data[..8].SequenceEqual((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return "png";
        }

        if (data.Length >= 6 && data[..4].SequenceEqual("GIF8"u8) && (data[4] == (byte)'7' || data[4] == (byte)'9'))
        {
            return "gif";
        }

        if (data.Length >= 12 && data[..4].SequenceEqual("RIFF"u8) && data.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return "webp";
        }

        if (data.Length >= 2 && data[0] == (byte)'B' && data[1] == (byte)'M')
        {
            return "bmp";
        }

        return null;
    }

    private static readonly RectangleF[] WholeImage = [new(0, 0, 1, 1)];

    /// <summary>
    /// Preprocesses <paramref name="image"/> into <paramref name="destination"/>: one tensor of
    /// <see cref="TensorFormat.Length"/> values per region (fractions of the displayed image;
    /// default the whole image). The image is decoded once for all regions.
    /// </summary>
    public PreprocessResult Preprocess(ReadOnlyMemory<byte> image, TensorFormat format, Span<float> destination, IReadOnlyList<RectangleF>? regions = null)
    {
        regions ??= WholeImage;
        if (destination.Length < regions.Count * format.Length)
        {
            throw new ArgumentException("The destination is smaller than one tensor per region.", nameof(destination));
        }

        var started = Stopwatch.GetTimestamp();
        using var handle = image.Pin();
        using var codec = OpenCodec(image, handle, out var formatName);
        var encoded = codec.Info;
        var origin = codec.EncodedOrigin;
        var swapsAxes = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var (displayWidth, displayHeight) = swapsAxes ? (encoded.Height, encoded.Width) : (encoded.Width, encoded.Height);

        var decodeSize = ChooseDecodeSize(codec, format, displayWidth, displayHeight, regions);
        var decodeInfo = new SKImageInfo(decodeSize.Width, decodeSize.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        var decodeBytes = decodeInfo.BytesSize;
        var decodeBuffer = ArrayPool<byte>.Shared.Rent(decodeBytes);
        var targetInfo = new SKImageInfo(format.Width, format.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        var targetBuffer = ArrayPool<byte>.Shared.Rent(targetInfo.BytesSize);
        try
        {
            long decoded;
            unsafe
            {
                fixed (byte* decodePointer = decodeBuffer)
                fixed (byte* targetPointer = targetBuffer)
                {
                    var result = codec.GetPixels(decodeInfo, (IntPtr)decodePointer, decodeInfo.RowBytes, new SKCodecOptions(0));
                    if (result != SKCodecResult.Success)
                    {
                        throw new CorruptImageException(result == SKCodecResult.IncompleteInput
                            ? $"the {formatName} data ends before the image does"
                            : $"the {formatName} decoder reported {result}");
                    }

                    decoded = Stopwatch.GetTimestamp();
                    using var pixmap = new SKPixmap(decodeInfo, (IntPtr)decodePointer, decodeInfo.RowBytes);
                    using var source = SKImage.FromPixels(pixmap);
                    using var surface = SKSurface.Create(targetInfo, (IntPtr)targetPointer, targetInfo.RowBytes)
                        ?? throw new InvalidOperationException("Cannot create the resize surface.");
                    var canvas = surface.Canvas;
                    var orientation = OrientationMatrix(origin, decodeSize.Width, decodeSize.Height);
                    for (var r = 0; r < regions.Count; r++)
                    {
                        var resize = ResizeMatrix(format, decodeSize, swapsAxes, regions[r], out var regionPixels);
                        // Mipmaps cost more than the decode; bilinear alone is fine up to a 2.5x reduction,
                        // which scaled decode keeps to (a 1920x1080 frame decodes at 480x270 for 224x224).
                        var sampling = regionPixels > 2.5f * Math.Max(format.Width, format.Height)
                            ? new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear)
                            : new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None);
                        canvas.Clear(SKColors.Black);
                        canvas.SetMatrix(resize.PreConcat(orientation));
                        canvas.DrawImage(source, 0, 0, sampling);
                        canvas.Flush();
                        format.Fill(new ReadOnlySpan<byte>(targetPointer, targetInfo.BytesSize), destination.Slice(r * format.Length, format.Length));
                    }
                }
            }

            var finished = Stopwatch.GetTimestamp();
            return new PreprocessResult(displayWidth, displayHeight, decodeSize.Width, decodeSize.Height, formatName, decoded - started, finished - decoded);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(decodeBuffer);
            ArrayPool<byte>.Shared.Return(targetBuffer);
        }
    }

    private unsafe SKCodec OpenCodec(ReadOnlyMemory<byte> image, MemoryHandle handle, out string format)
    {
        if (image.IsEmpty)
        {
            throw new EmptyImageException();
        }

        format = SniffFormat(image.Span) ?? throw new UnsupportedImageFormatException();
        using var data = SKData.Create((IntPtr)handle.Pointer, image.Length);
        var codec = SKCodec.Create(data)
            ?? throw new CorruptImageException($"the {format} header cannot be read");
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0 || (long)info.Width * info.Height > MaxPixels)
        {
            codec.Dispose();
            throw new ImageTooLargeException(info.Width, info.Height, MaxPixels);
        }

        return codec;
    }

    /// <summary>The smallest size the codec can decode to that still covers the target size on both axes.</summary>
    private SKSizeI ChooseDecodeSize(SKCodec codec, TensorFormat format, int displayWidth, int displayHeight, IReadOnlyList<RectangleF> regions)
    {
        var full = codec.Info.Size;
        // Both resize modes need each region, decoded, to be at least the target size on each axis.
        var needed = regions.Max(r => Math.Max(format.Width / (r.Width * displayWidth), format.Height / (r.Height * displayHeight)));
        if (!ScaledDecode || needed >= 1f)
        {
            return full;
        }

        var needWidth = (int)Math.Ceiling(needed * full.Width);
        var needHeight = (int)Math.Ceiling(needed * full.Height);
        // JPEG decodes at k/8 scales; other codecs answer with the full size.
        for (var eighths = 1; eighths < 8; eighths++)
        {
            var scaled = codec.GetScaledDimensions(eighths / 8f);
            if (scaled.Width >= needWidth && scaled.Height >= needHeight)
            {
                return scaled;
            }
        }

        return full;
    }

    /// <summary>Maps decoded pixel coordinates to displayed coordinates for an EXIF origin.</summary>
    internal static SKMatrix OrientationMatrix(SKEncodedOrigin origin, int width, int height) => origin switch
    {
        SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, width, 0, 1, 0, 0, 0, 1),
        SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, width, 0, -1, height, 0, 0, 1),
        SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, height, 0, 0, 1),
        SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightTop => new SKMatrix(0, -1, height, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, height, -1, 0, width, 0, 0, 1),
        SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, width, 0, 0, 1),
        _ => SKMatrix.Identity,
    };

    /// <summary>Maps displayed coordinates of the decoded image to the target tensor, for one region.</summary>
    private static SKMatrix ResizeMatrix(TensorFormat format, SKSizeI decoded, bool swapsAxes, RectangleF region, out float regionPixels)
    {
        var (displayWidth, displayHeight) = swapsAxes ? (decoded.Height, decoded.Width) : (decoded.Width, decoded.Height);
        var left = region.X * displayWidth;
        var top = region.Y * displayHeight;
        var width = region.Width * displayWidth;
        var height = region.Height * displayHeight;
        regionPixels = Math.Max(width, height);
        var scaleX = format.Width / width;
        var scaleY = format.Height / height;
        if (format.Resize == ResizeMode.Stretch)
        {
            return new SKMatrix(scaleX, 0, -left * scaleX, 0, scaleY, -top * scaleY, 0, 0, 1);
        }

        var scale = Math.Max(scaleX, scaleY);
        var offsetX = ((format.Width - (width * scale)) / 2f) - (left * scale);
        var offsetY = ((format.Height - (height * scale)) / 2f) - (top * scale);
        return new SKMatrix(scale, 0, offsetX, 0, scale, offsetY, 0, 0, 1);
    }
}
