namespace SmartCity.Inference.Runtime;

/// <summary>Arithmetic on tensor shapes that cannot wrap around.</summary>
public static class TensorShape
{
    /// <summary>
    /// The number of elements of a shape (the product of its dimensions), or false when a
    /// dimension is negative or the product does not fit a 64-bit integer: a shape such as
    /// [1152921504606846977,3,4,4] wraps around to 48 in unchecked arithmetic.
    /// </summary>
    public static bool TryGetElementCount(IReadOnlyList<long> shape, out long count)
    {
        ArgumentNullException.ThrowIfNull(shape);
        count = 1;
        foreach (var dimension in shape)
        {
            if (dimension < 0)
            {
                count = 0;
                return false;
            }

            try
            {
                count = checked(count * dimension);
            }
            catch (OverflowException)
            {
                count = 0;
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether every value is a finite number (no NaN, no infinity).</summary>
    public static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (var value in values)
        {
            if (!float.IsFinite(value))
            {
                return false;
            }
        }

        return true;
    }
}
