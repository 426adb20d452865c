namespace SmartCity.Functions.Reclassify;

/// <summary>
/// A message of <c>%ReclassifyQueue%</c>: <c>list</c> reads the next page of stored results of job
/// <paramref name="JobId"/> (for listing step <paramref name="Sequence"/>); <c>batch</c> reclassifies
/// batch <paramref name="Batch"/>, whose uploads are in the job's <c>batches/</c> folder.
/// </summary>
public sealed record ReclassifyMessage(string JobId, string Kind, int Sequence, int Batch)
{
    public const string List = "list";
    public const string BatchKind = "batch";
}
