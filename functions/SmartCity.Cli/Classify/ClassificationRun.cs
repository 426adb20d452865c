namespace SmartCity.Cli.Classify;

/// <summary>A finished <c>classify</c>: every image in input order, the model, the wall time and the peak working set.</summary>
internal sealed record ClassificationRun(string ModelId, IReadOnlyList<ClassifiedImage> Images, TimeSpan Elapsed, double PeakWorkingSetMb)
{
    public int Failed => Images.Count(i => i.Error is not null);

    public double ImagesPerSecond => Images.Count / Math.Max(Elapsed.TotalSeconds, 1e-9);
}
