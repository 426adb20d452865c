namespace SmartCity.Cli.Training;

/// <summary>The leave-one-camera-out accuracy of one region layout and L2, as a mean over the unseen cameras.</summary>
internal sealed record LayoutResult(RegionLayout Layout, float L2, double Congestion, double Lighting)
{
    public double Sum => Congestion + Lighting;
}
