using System.Buffers;
using System.Diagnostics;
using System.Drawing;
using SkiaSharp;
using SmartCity.Inference.Models;

namespace SmartCity.Inference.Imaging;

/// <summary>
/// Turns encoded image bytes into exactly the tensor a model expects (SkiaSharp).
/// The header is read first and the pixel limit applied before any pixel is decoded. Every
/// format is decoded no larger than the model needs: JPEGs at the smallest k/8 codec scale that
/// still covers the target size, WebP and GIF by the codec at 1/n of the size, BMP row by row
/// averaged over n x n blocks, for the largest n whose output still covers the target size.
/// What cannot be decoded smaller (PNG: this SkiaSharp's PNG codec has neither scaled nor
/// row-by-row decoding) or needs memory for the whole image anyway (progressive JPEG) is a
/// full-size decode: at most <see cref="MaxFullSizeDecodes"/> of those run at once, and their
/// buffers are allocated for the image and freed after it, never pooled. EXIF orientation is
/// applied; alpha is composited over black; grayscale is expanded to RGB.
/// </summary>
public sealed class ImagePreprocessor : IDisposable
{
    private readonly SemaphoreSlim _fullSizeDecodes;

    /// <param name="maxPixels">Images with more pixels are refused from their header.</param>
    /// <param name="scaledDecode">Decode at the smallest size that covers the target (off only to measure).</param>
    /// <param name="maxFullSizeDecodes">Most full-size decodes at once; 0 means one per processor.</param>
    public ImagePreprocessor(long maxPixels, bool scaledDecode = true, int maxFullSizeDecodes = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxFullSizeDecodes);
        MaxPixels = maxPixels;
        ScaledDecode = scaledDecode;
        MaxFullSizeDecodes = maxFullSizeDecodes == 0 ? Environment.ProcessorCount : maxFullSizeDecodes;
        _fullSizeDecodes = new SemaphoreSlim(MaxFullSizeDecodes, MaxFullSizeDecodes);
    }

    public long MaxPixels { get; }

    public bool ScaledDecode { get; }

    /// <summary>Most decodes at once whose pixels (or decoder state) take over <see cref="PixelBuffer.PooledLimit"/> bytes.</summary>
    public int MaxFullSizeDecodes { get; }

    /// <summary>Full-size decodes running now (for tests and diagnostics).</summary>
    public int FullSizeDecodesRunning => MaxFullSizeDecodes - _fullSizeDecodes.CurrentCount;

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
    /// default the whole image). The image is decoded once for all regions. A full-size decode
    /// waits for a place among <see cref="MaxFullSizeDecodes"/> (<paramref name="cancellationToken"/> ends the wait).
    /// </summary>
    public PreprocessResult Preprocess(ReadOnlyMemory<byte> image, TensorFormat format, Span<float> destination, IReadOnlyList<RectangleF>? regions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(format);
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

        var (decodeSize, sampleSize) = ChooseDecodeSize(codec, formatName, format, displayWidth, displayHeight, regions);
        var gateHeld = false;
        PixelBuffer? pixels = null;
        var targetInfo = new SKImageInfo(format.Width, format.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        var targetBuffer = ArrayPool<byte>.Shared.Rent(targetInfo.BytesSize);
        try
        {
            // A progressive JPEG keeps every coefficient of the image in the decoder, whatever the output scale.
            if (formatName == "jpeg" && (long)encoded.Width * encoded.Height * 4 > PixelBuffer.PooledLimit && IsProgressiveJpeg(image.Span))
            {
                _fullSizeDecodes.Wait(cancellationToken);
                gateHeld = true;
            }

            var result = SKCodecResult.InvalidScale;
            if (sampleSize > 1)
            {
                // WebP and GIF decode at 1/n themselves; BMP (and any codec with row-by-row decoding) is averaged row by row.
                pixels = Allocate(Bytes(decodeSize), ref gateHeld, cancellationToken);
                result = codec.GetPixels(Info(decodeSize), pixels.Pointer, Info(decodeSize).RowBytes, new SKCodecOptions(0));
                if (result == SKCodecResult.InvalidScale)
                {
                    result = DecodeAveraged(codec, sampleSize, decodeSize, pixels.Pointer);
                }

                if (result is SKCodecResult.InvalidScale or SKCodecResult.Unimplemented)
                {
                    pixels.Dispose();
                    pixels = null;
                    decodeSize = encoded.Size;
                }
            }

            if (pixels is null)
            {
                pixels = Allocate(Bytes(decodeSize), ref gateHeld, cancellationToken);
                result = codec.GetPixels(Info(decodeSize), pixels.Pointer, Info(decodeSize).RowBytes, new SKCodecOptions(0));
            }

            if (result != SKCodecResult.Success)
            {
                throw new CorruptImageException(result == SKCodecResult.IncompleteInput
                    ? $"the {formatName} data ends before the image does"
                    : $"the {formatName} decoder reported {result}");
            }

            var decoded = Stopwatch.GetTimestamp();
            var decodeInfo = Info(decodeSize);
            unsafe
            {
                fixed (byte* targetPointer = targetBuffer)
                {
                    using var pixmap = new SKPixmap(decodeInfo, pixels.Pointer, decodeInfo.RowBytes);
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
            pixels?.Dispose();
            ArrayPool<byte>.Shared.Return(targetBuffer);
            if (gateHeld)
            {
                _fullSizeDecodes.Release();
            }
        }
    }

    public void Dispose() => _fullSizeDecodes.Dispose();

    private static SKImageInfo Info(SKSizeI size) => new(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul);

    private static int Bytes(SKSizeI size) => Info(size).BytesSize;

    /// <summary>A pixel buffer; one over <see cref="PixelBuffer.PooledLimit"/> first takes a place among the full-size decodes.</summary>
    private PixelBuffer Allocate(int bytes, ref bool gateHeld, CancellationToken cancellationToken)
    {
        if (bytes > PixelBuffer.PooledLimit && !gateHeld)
        {
            _fullSizeDecodes.Wait(cancellationToken);
            gateHeld = true;
        }

        return PixelBuffer.Allocate(bytes);
    }

    /// <summary>
    /// Decodes row by row, averaging each <paramref name="sampleSize"/> x <paramref name="sampleSize"/>
    /// block into one pixel of <paramref name="size"/> (premultiplied, so alpha averages correctly);
    /// rows and columns past the last whole block are dropped. Only one row of the image is in memory.
    /// Unimplemented when the codec cannot decode row by row or the row itself is too large.
    /// </summary>
    private static unsafe SKCodecResult DecodeAveraged(SKCodec codec, int sampleSize, SKSizeI size, IntPtr destination)
    {
        var full = codec.Info;
        var rowBytes = full.Width * 4;
        if (rowBytes > PixelBuffer.PooledLimit)
        {
            return SKCodecResult.Unimplemented;
        }

        var started = codec.StartScanlineDecode(new SKImageInfo(full.Width, full.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        if (started != SKCodecResult.Success)
        {
            return started is SKCodecResult.InvalidInput or SKCodecResult.IncompleteInput or SKCodecResult.ErrorInInput ? started : SKCodecResult.Unimplemented;
        }

        var bottomUp = codec.ScanlineOrder == SKCodecScanlineOrder.BottomUp;
        var row = ArrayPool<byte>.Shared.Rent(rowBytes);
        var sums = ArrayPool<uint>.Shared.Rent(size.Width * 4);
        try
        {
            var used = size.Height * sampleSize;
            var area = (uint)(sampleSize * sampleSize);
            Array.Clear(sums, 0, size.Width * 4);
            fixed (byte* rowPointer = row)
            {
                for (var i = 0; i < full.Height; i++)
                {
                    var y = bottomUp ? full.Height - 1 - i : i;
                    if (codec.GetScanlines((IntPtr)rowPointer, 1, rowBytes) != 1)
                    {
                        return SKCodecResult.IncompleteInput;
                    }

                    if (y >= used)
                    {
                        continue;
                    }

                    Accumulate(new ReadOnlySpan<byte>(rowPointer, rowBytes), sums.AsSpan(0, size.Width * 4), sampleSize);
                    var blockDone = bottomUp ? y % sampleSize == 0 : y % sampleSize == sampleSize - 1;
                    if (blockDone)
                    {
                        var output = new Span<byte>((byte*)destination + ((long)(y / sampleSize) * size.Width * 4), size.Width * 4);
                        for (var k = 0; k < output.Length; k++)
                        {
                            output[k] = (byte)((sums[k] + (area / 2)) / area);
                        }

                        Array.Clear(sums, 0, size.Width * 4);
                    }
                }
            }

            return SKCodecResult.Success;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(row);
            ArrayPool<uint>.Shared.Return(sums);
        }
    }

    private static void Accumulate(ReadOnlySpan<byte> row, Span<uint> sums, int sampleSize)
    {
        var width = sums.Length / 4;
        for (var x = 0; x < width; x++)
        {
            uint r = 0, g = 0, b = 0, a = 0;
            var pixel = row.Slice(x * sampleSize * 4, sampleSize * 4);
            for (var k = 0; k < pixel.Length; k += 4)
            {
                r += pixel[k];
                g += pixel[k + 1];
                b += pixel[k + 2];
                a += pixel[k + 3];
            }

            sums[(x * 4) + 0] += r;
            sums[(x * 4) + 1] += g;
            sums[(x * 4) + 2] += b;
            sums[(x * 4) + 3] += a;
        }
    }

    /// <summary>Whether a JPEG's frame is progressive (SOF2, SOF6, SOF10, SOF14), from its markers up to the first scan.</summary>
    internal static bool IsProgressiveJpeg(ReadOnlySpan<byte> data)
    {
        var i = 2;
        while (i + 4 <= data.Length)
        {
            if (data[i] != 0xFF)
            {
                return false;
            }

            var marker = data[i + 1];
            if (marker == 0xFF)
            {
                i++;
                continue;
            }

            if (marker is 0xC2 or 0xC6 or 0xCA or 0xCE)
            {
                return true;
            }

            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC or 0xDA)
            {
                return false; // another frame type, or the first scan
            }

            i += 2 + ((data[i + 2] << 8) | data[i + 3]);
        }

        return false;
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

    /// <summary>
    /// The smallest size the codec can decode to that still covers the target size on both axes,
    /// and for codecs other than JPEG the sample size n (1: full size) it is 1/n of.
    /// </summary>
    private (SKSizeI Size, int SampleSize) ChooseDecodeSize(SKCodec codec, string formatName, TensorFormat format, int displayWidth, int displayHeight, IReadOnlyList<RectangleF> regions)
    {
        var full = codec.Info.Size;
        // Both resize modes need each region, decoded, to be at least the target size on each axis.
        var needed = regions.Max(r => Math.Max(format.Width / (r.Width * displayWidth), format.Height / (r.Height * displayHeight)));
        if (!ScaledDecode || needed >= 1f)
        {
            return (full, 1);
        }

        var needWidth = Math.Max(1, (int)Math.Ceiling(needed * full.Width));
        var needHeight = Math.Max(1, (int)Math.Ceiling(needed * full.Height));
        if (formatName != "jpeg")
        {
            // The largest n whose 1/n size (rounded down, as the codecs do) still covers the need.
            var sample = Math.Min(full.Width / needWidth, full.Height / needHeight);
            return sample > 1 ? (new SKSizeI(full.Width / sample, full.Height / sample), sample) : (full, 1);
        }

        // JPEG decodes at k/8 scales.
        for (var eighths = 1; eighths < 8; eighths++)
        {
            var scaled = codec.GetScaledDimensions(eighths / 8f);
            if (scaled.Width >= needWidth && scaled.Height >= needHeight)
            {
                return (scaled, 1);
            }
        }

        return (full, 1);
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
