namespace SmartCity.Functions.Reclassify;

/// <summary>What a batch did (<c>batches/NNNNNN.done.json</c>): written before it is counted, so a redelivery counts it, not redoes it.</summary>
public sealed record ReclassifyBatchResult(int Reclassified, int Skipped, int Failed, IReadOnlyList<ReclassifyFailure> Failures);
