using System.Text.Json;
using SmartCity.Cameras;
using SmartCity.Cameras.Tests.Storage;

namespace SmartCity.Functions.Tests.Soak;

/// <summary>Checks that every upload has exactly one result or one rejection, of its current version, and nothing else is stored.</summary>
internal static class SoakLedger
{
    public static async Task AssertExactlyOnceAsync(CameraTestPipeline pipeline, string camera, IReadOnlyCollection<SoakUpload> uploads)
    {
        var rows = await pipeline.RowsAsync(camera);
        Assert.Equal(uploads.Count, rows.Count);
        var byName = rows.ToDictionary(r => r.GetString("BlobName")!, StringComparer.Ordinal); // throws on a doubled row
        foreach (var upload in uploads)
        {
            var row = byName[upload.Name];
            var current = (await pipeline.Images.GetBlobClient($"{camera}/{upload.Name}").GetPropertiesAsync()).Value.ETag.ToString();
            Assert.Equal((upload.Name, upload.Status, upload.Reason, current), (upload.Name, row.GetString("Status"), row.GetString("Reason"), row.GetString("SourceETag")));
        }

        await AssertDocumentsAsync(pipeline, camera, uploads, CameraImageClassifier.StatusClassified, pipeline.Options.ResultsContainer, byName);
        await AssertDocumentsAsync(pipeline, camera, uploads, CameraImageClassifier.StatusRejected, pipeline.Options.RejectedContainer, byName);
    }

    /// <summary>The container holds exactly the documents of the uploads of <paramref name="status"/>, each naming the stored version.</summary>
    private static async Task AssertDocumentsAsync(CameraTestPipeline pipeline, string camera, IReadOnlyCollection<SoakUpload> uploads, string status, string container, Dictionary<string, Azure.Data.Tables.TableEntity> rows)
    {
        var expected = uploads.Where(u => u.Status == status).Select(u => $"{camera}/{u.Name}.json").Order(StringComparer.Ordinal).ToList();
        var stored = (await pipeline.DocumentsAsync(container)).Select(d => d.Name).Where(n => n.StartsWith(camera + "/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, stored);
        foreach (var upload in uploads.Where(u => u.Status == status))
        {
            var document = JsonDocument.Parse(await pipeline.ReadDocumentAsync(container, $"{camera}/{upload.Name}.json")).RootElement;
            Assert.Equal(rows[upload.Name].GetString("SourceETag"), document.GetProperty("sourceETag").GetString());
        }
    }
}
