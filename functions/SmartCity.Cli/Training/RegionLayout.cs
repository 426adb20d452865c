namespace SmartCity.Cli.Training;

/// <summary>Which regions of a frame the backbone sees (a grid of tiles, and perhaps the whole frame) and how they are pooled.</summary>
internal sealed record RegionLayout(string Name, int Columns, int Rows, bool IncludeFull, RegionPooling Pooling = RegionPooling.Mean)
{
    /// <summary>The layouts <c>train-traffic-scene</c> compares.</summary>
    public static IReadOnlyList<RegionLayout> Candidates { get; } =
    [
        new("squash (1 region)", 1, 1, false),
        new("2x2 tiles, mean", 2, 2, false),
        new("full + 2x2 tiles, mean", 2, 2, true),
        new("3x3 tiles, mean", 3, 3, false),
        new("full + 3x3 tiles, mean", 3, 3, true),
        new("2x2 tiles, mean+max", 2, 2, false, RegionPooling.MeanMax),
        new("3x3 tiles, mean+max", 3, 3, false, RegionPooling.MeanMax),
        new("full + 3x3 tiles, mean+max", 3, 3, true, RegionPooling.MeanMax),
    ];

    /// <summary>Backbone passes per frame.</summary>
    public int RegionCount => (IncludeFull ? 1 : 0) + (Columns * Rows);
}
