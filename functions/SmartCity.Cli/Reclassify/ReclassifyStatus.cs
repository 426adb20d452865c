using System.Text.Json;

namespace SmartCity.Cli.Reclassify;

/// <summary>What the app said of a reclassification: its state, counts and first failures.</summary>
internal sealed record ReclassifyStatus(string Id, string State, int Listed, int Reclassified, int Skipped, int Failed, bool ListingDone, IReadOnlyList<string> Failures, string? Failure)
{
    public int Handled => Reclassified + Skipped + Failed;

    public bool Finished => State is "completed" or "failed";

    public static ReclassifyStatus Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var counts = root.GetProperty("counts");
        var failures = root.TryGetProperty("failures", out var list)
            ? list.EnumerateArray().Select(f => $"{f.GetProperty("cameraId").GetString()}/{f.GetProperty("blobName").GetString()}: {f.GetProperty("reason").GetString()}").ToList()
            : [];
        return new ReclassifyStatus(
            root.GetProperty("id").GetString()!,
            root.GetProperty("state").GetString()!,
            counts.GetProperty("listed").GetInt32(),
            counts.GetProperty("reclassified").GetInt32(),
            counts.GetProperty("skipped").GetInt32(),
            counts.GetProperty("failed").GetInt32(),
            root.TryGetProperty("listingDone", out var done) && done.GetBoolean(),
            failures,
            root.TryGetProperty("failure", out var failure) ? failure.GetString() : null);
    }

    public string Summary() =>
        $"Reclassification {Id}: {State}; listed {Listed}, reclassified {Reclassified}, skipped {Skipped} (already at the version), failed {Failed}";
}
