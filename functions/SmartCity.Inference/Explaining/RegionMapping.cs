using System.Drawing;
using SmartCity.Inference.Imaging;
using SmartCity.Inference.Models;

namespace SmartCity.Inference.Explaining;

/// <summary>
/// Where one region of the displayed image lands in the model's input tensor, as the
/// preprocessor put it there: tensor x = <see cref="OffsetX"/> + (displayed x - region left) * <see cref="ScaleX"/>
/// (the same for y). Stretch scales each axis to the input; a centre crop scales both by the
/// larger factor and cuts the middle.
/// </summary>
internal readonly record struct RegionMapping(RectangleF Region, float ScaleX, float ScaleY, float OffsetX, float OffsetY, int DisplayWidth, int DisplayHeight)
{
    public static RegionMapping For(TensorFormat format, RectangleF region, int displayWidth, int displayHeight)
    {
        var width = region.Width * displayWidth;
        var height = region.Height * displayHeight;
        var scaleX = format.Width / width;
        var scaleY = format.Height / height;
        if (format.Resize == ResizeMode.Stretch)
        {
            return new RegionMapping(region, scaleX, scaleY, 0f, 0f, displayWidth, displayHeight);
        }

        var scale = Math.Max(scaleX, scaleY);
        return new RegionMapping(region, scale, scale, (format.Width - (width * scale)) / 2f, (format.Height - (height * scale)) / 2f, displayWidth, displayHeight);
    }

    /// <summary>The displayed image's horizontal fraction (0..1) at the centre of tensor column <paramref name="x"/>.</summary>
    public float FractionX(int x) => Region.X + (((x + 0.5f - OffsetX) / ScaleX) / DisplayWidth);

    public float FractionY(int y) => Region.Y + (((y + 0.5f - OffsetY) / ScaleY) / DisplayHeight);

    /// <summary>The tensor column that shows horizontal fraction <paramref name="fx"/>, or -1 when the region does not show it.</summary>
    public int TensorX(float fx, int tensorWidth) => ToTensor(fx, Region.X, Region.Width, ScaleX, OffsetX, DisplayWidth, tensorWidth);

    public int TensorY(float fy, int tensorHeight) => ToTensor(fy, Region.Y, Region.Height, ScaleY, OffsetY, DisplayHeight, tensorHeight);

    private static int ToTensor(float f, float start, float extent, float scale, float offset, int display, int size)
    {
        if (f < start || f >= start + extent)
        {
            return -1;
        }

        var t = (int)MathF.Floor(offset + ((f - start) * display * scale));
        return t >= 0 && t < size ? t : -1;
    }
}
