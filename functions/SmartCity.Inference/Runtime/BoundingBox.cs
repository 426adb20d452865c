namespace SmartCity.Inference.Runtime;

/// <summary>A box as fractions of the image's width and height (0 to 1), as Custom Vision answers them.</summary>
public readonly record struct BoundingBox(float Left, float Top, float Width, float Height)
{
    public float Right => Left + Width;

    public float Bottom => Top + Height;

    public float Area => Width * Height;

    /// <summary>Intersection over union with another box (0 when either is empty).</summary>
    public float IntersectionOverUnion(BoundingBox other)
    {
        var width = Math.Min(Right, other.Right) - Math.Max(Left, other.Left);
        var height = Math.Min(Bottom, other.Bottom) - Math.Max(Top, other.Top);
        if (width <= 0f || height <= 0f)
        {
            return 0f;
        }

        var intersection = width * height;
        var union = Area + other.Area - intersection;
        return union <= 0f ? 0f : intersection / union;
    }
}
