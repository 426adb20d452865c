namespace SmartCity.Inference.Models;

/// <summary>Regions of each image the backbone sees: optionally the whole image, plus a grid of tiles.</summary>
public sealed class TilesSpec
{
    /// <summary>Columns and rows of the tile grid, e.g. [2, 2].</summary>
    public int[] Grid { get; set; } = [1, 1];

    /// <summary>Also pass the whole image (squashed to the input size) as the first region.</summary>
    public bool IncludeFull { get; set; } = true;
}
