using SmartCity.Functions.Tests.Models;

namespace SmartCity.Functions.Tests.Training;

/// <summary>
/// Labelled images for the training tests, uploaded to a prefix of the training data container
/// with a folder per label: the shared vehicle crops (../shared/data/vehicles) when this clone has
/// them, otherwise the committed samples (vehicle crops against camera frames), so CI never skips.
/// </summary>
internal static class TrainingImages
{
    /// <summary>Whether the shared vehicle crops are present.</summary>
    public static bool SharedVehicles => TestPaths.SharedData is { } root && Directory.Exists(Path.Combine(root, "vehicles"));

    /// <summary>Label to files: <paramref name="perLabel"/> shared crops of each of <paramref name="labels"/>, or the committed fallback.</summary>
    public static Dictionary<string, List<string>> Pick(string[] labels, int perLabel)
    {
        if (SharedVehicles)
        {
            var root = Path.Combine(TestPaths.SharedData!, "vehicles");
            return labels.ToDictionary(
                label => label,
                label => Directory.GetFiles(Path.Combine(root, label), "*.jpg").Order(StringComparer.Ordinal).Take(perLabel).ToList(),
                StringComparer.Ordinal);
        }

        return new Dictionary<string, List<string>>(StringComparer.Ordinal)
        {
            ["crop"] = [.. Directory.GetFiles(TestSupport.Sample("vehicles"), "*.jpg").Order(StringComparer.Ordinal)],
            ["frame"] = [.. Directory.GetFiles(TestSupport.Sample("traffic-cameras"), "*.jpg").Concat(Directory.GetFiles(TestSupport.Sample("synthetic"), "*.jpg")).Order(StringComparer.Ordinal)],
        };
    }

    /// <summary>Uploads the images as <c>&lt;prefix&gt;&lt;label&gt;/&lt;file&gt;</c> (what az storage blob upload-batch or azcopy would write); returns how many.</summary>
    public static async Task<int> UploadAsync(ModelStorageAccount account, string prefix, Dictionary<string, List<string>> images)
    {
        var uploads = images.SelectMany(pair => pair.Value.Select(file => (Name: $"{prefix}{pair.Key}/{Path.GetFileName(file)}", File: file))).ToList();
        await Parallel.ForEachAsync(uploads, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (upload, ct) =>
            await account.Data.GetBlobClient(upload.Name).UploadAsync(upload.File, overwrite: true, ct));
        return uploads.Count;
    }
}
