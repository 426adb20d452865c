using SmartCity.Inference.Models;

namespace SmartCity.Inference.Imaging;

/// <summary>
/// An <see cref="InputSpec"/> compiled for the pixel loop: the target size, where each channel
/// goes, and a lookup table from byte to normalised float per channel, so the loop does one
/// load and one store per value.
/// </summary>
public sealed class TensorFormat
{
    private readonly float[] _lookup;

    public TensorFormat(InputSpec spec)
    {
        Spec = spec;
        Width = spec.Width;
        Height = spec.Height;
        Layout = spec.Layout;
        Resize = spec.Resize;
        _lookup = new float[3 * 256];
        var scale = spec.ValueRange == ValueRange.ZeroToOne ? 1f / 255f : 1f;
        for (var channel = 0; channel < 3; channel++)
        {
            for (var value = 0; value < 256; value++)
            {
                _lookup[(channel * 256) + value] = ((value * scale) - spec.Mean[channel]) / spec.Std[channel];
            }
        }

        // Tensor channel c reads source byte SourceChannel[c] of an RGBA pixel.
        SourceChannel = spec.ChannelOrder == ChannelOrder.Rgb ? [0, 1, 2] : [2, 1, 0];
    }

    public InputSpec Spec { get; }

    public int Width { get; }

    public int Height { get; }

    public TensorLayout Layout { get; }

    public ResizeMode Resize { get; }

    internal int[] SourceChannel { get; }

    /// <summary>Number of floats in one image's tensor (3 x height x width).</summary>
    public int Length => 3 * Width * Height;

    /// <summary>The shape of a batch of <paramref name="batch"/> images.</summary>
    public long[] Shape(int batch) => Layout == TensorLayout.Nchw
        ? [batch, 3, Height, Width]
        : [batch, Height, Width, 3];

    /// <summary>Writes RGBA pixels (Width x Height, tightly packed) as this format's tensor.</summary>
    public void Fill(ReadOnlySpan<byte> rgba, Span<float> destination)
    {
        var pixels = Width * Height;
        if (rgba.Length < pixels * 4 || destination.Length < pixels * 3)
        {
            throw new ArgumentException("Buffer sizes do not match the tensor format.");
        }

        var l0 = _lookup.AsSpan(0, 256);
        var l1 = _lookup.AsSpan(256, 256);
        var l2 = _lookup.AsSpan(512, 256);
        var s0 = SourceChannel[0];
        var s2 = SourceChannel[2];
        if (Layout == TensorLayout.Nchw)
        {
            var plane0 = destination[..pixels];
            var plane1 = destination.Slice(pixels, pixels);
            var plane2 = destination.Slice(2 * pixels, pixels);
            for (int i = 0, p = 0; i < pixels; i++, p += 4)
            {
                plane0[i] = l0[rgba[p + s0]];
                plane1[i] = l1[rgba[p + 1]];
                plane2[i] = l2[rgba[p + s2]];
            }
        }
        else
        {
            for (int i = 0, p = 0, t = 0; i < pixels; i++, p += 4, t += 3)
            {
                destination[t] = l0[rgba[p + s0]];
                destination[t + 1] = l1[rgba[p + 1]];
                destination[t + 2] = l2[rgba[p + s2]];
            }
        }
    }
}
