using System.Drawing;
using SmartCity.Inference.Imaging;
using SmartCity.Inference.Models;

namespace SmartCity.Inference.Explaining;

/// <summary>
/// A grid of <see cref="Rows"/> x <see cref="Columns"/> cells over the displayed image, mapped to
/// the pixels of the model's input tensor (every region of a tiled model): which cell each tensor
/// pixel shows. Masking a cell writes 0 into its pixels, which after normalisation is the
/// normalisation mean (the mean pixel), so no pixel has to be decoded again.
/// </summary>
internal sealed class CellMap
{
    private readonly int[][] _columnOf;
    private readonly int[][] _rowOf;
    private readonly TensorFormat _format;

    public CellMap(TensorFormat format, IReadOnlyList<RectangleF> regions, int displayWidth, int displayHeight, int rows, int columns)
    {
        _format = format;
        Rows = rows;
        Columns = columns;
        Mappings = [.. regions.Select(r => RegionMapping.For(format, r, displayWidth, displayHeight))];
        _columnOf = [.. Mappings.Select(m => Enumerable.Range(0, format.Width).Select(x => Cell(m.FractionX(x), columns)).ToArray())];
        _rowOf = [.. Mappings.Select(m => Enumerable.Range(0, format.Height).Select(y => Cell(m.FractionY(y), rows)).ToArray())];
    }

    public int Rows { get; }

    public int Columns { get; }

    public int Count => Rows * Columns;

    public IReadOnlyList<RegionMapping> Mappings { get; }

    private static int Cell(float fraction, int cells) => Math.Clamp((int)MathF.Floor(fraction * cells), 0, cells - 1);

    /// <summary>Writes 0 (the normalisation mean) into every tensor value of the cells in <paramref name="masked"/> (one flag per cell).</summary>
    public void Mask(Span<float> item, ReadOnlySpan<bool> masked)
    {
        var width = _format.Width;
        var height = _format.Height;
        var pixels = width * height;
        for (var r = 0; r < Mappings.Count; r++)
        {
            var tensor = item.Slice(r * _format.Length, _format.Length);
            var columnOf = _columnOf[r];
            var rowOf = _rowOf[r];
            for (var y = 0; y < height; y++)
            {
                var rowBase = rowOf[y] * Columns;
                for (var x = 0; x < width; x++)
                {
                    if (!masked[rowBase + columnOf[x]])
                    {
                        continue;
                    }

                    var pixel = (y * width) + x;
                    if (_format.Layout == TensorLayout.Nchw)
                    {
                        tensor[pixel] = 0f;
                        tensor[pixels + pixel] = 0f;
                        tensor[(2 * pixels) + pixel] = 0f;
                    }
                    else
                    {
                        tensor.Slice(pixel * 3, 3).Clear();
                    }
                }
            }
        }
    }
}
