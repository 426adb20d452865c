namespace SmartCity.Functions.Reclassify;

/// <summary>
/// Uploads listed (a stored result of the model in the range), reclassified, skipped because
/// their result already came from the target version, and failed. Once the job completes,
/// listed = reclassified + skipped + failed.
/// </summary>
public sealed class ReclassifyCounts
{
    public int Listed { get; set; }

    public int Reclassified { get; set; }

    public int Skipped { get; set; }

    public int Failed { get; set; }

    public void Add(ReclassifyCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Listed += other.Listed;
        Reclassified += other.Reclassified;
        Skipped += other.Skipped;
        Failed += other.Failed;
    }
}
