using SmartCity.Cameras.Storage;

namespace SmartCity.Cameras.Tests.Storage;

/// <summary>The table's row format: the columns each row has, and that what is written reads back.</summary>
public class CameraTableRowsTests
{
    private static readonly DateTimeOffset Taken = new(2026, 1, 22, 9, 30, 0, TimeSpan.FromHours(1));

    private static readonly CameraUpload Upload = new("cam-1", "gate/0930.jpg", "https://st.example/images/cam-1/gate/0930.jpg", "\"0x1\"", 1234, Taken.AddMinutes(1), new Dictionary<string, string>());

    private static ClassifiedUpload Classified(StaleDecision? stale = null)
    {
        var lighting = new Dictionary<string, IReadOnlyList<LabelScore>> { ["lighting"] = [new("night", 0.9f), new("day", 0.1f)] };
        IReadOnlyList<CameraModelResult> models =
        [
            new(new ModelClassification("traffic-scene", "1", [new("heavy", 0.75f), new("free", 0.25f)], lighting), 640, 480),
            new(new ModelClassification("vehicle-type", "1", []), 640, 480),
        ];
        return new ClassifiedUpload(Upload, new CaptureTime(Taken, CaptureTime.FromExif), models, stale ?? new StaleDecision(true, "identical-bytes", 0, Taken.AddHours(-1)), 12.345, Taken.AddMinutes(2));
    }

    [Fact]
    public void A_result_row_has_the_upload_columns_and_one_model_answer()
    {
        var rows = CameraTableRows.ClassificationRows(Classified());

        Assert.Equal(2, rows.Count);
        var row = rows[0];
        Assert.Equal("cam-1", row.PartitionKey);
        Assert.Equal(CameraRowKeys.Result(Taken, "gate/0930.jpg", "traffic-scene"), row.RowKey);
        Assert.Equal(
            ["BlobName", "CaptureTimeSource", "CapturedAt", "Height", "Model", "ModelVersion", "OtherHeadLabels", "PartitionKey", "PictureFirstSeenAt", "Predictions", "ProcessingMs", "RowKey", "SourceETag", "SourceUri", "Stale", "Status", "TopLabel", "TopProbability", "Width"],
            row.Keys.Order(StringComparer.Ordinal));
        // The JSON columns are indented camelCase, as the documents are (CameraJsonContext).
        Assert.Equal("[\n  {\n    \"label\": \"heavy\",\n    \"probability\": 0.75\n  },\n  {\n    \"label\": \"free\",\n    \"probability\": 0.25\n  }\n]", row.GetString("Predictions"));
        Assert.Equal("{\n  \"lighting\": \"night\"\n}", row.GetString("OtherHeadLabels"));
        Assert.Equal(TimeSpan.Zero, row.GetDateTimeOffset("CapturedAt")!.Value.Offset);
        Assert.Equal(12.345, row.GetDouble("ProcessingMs"));
        Assert.Null(rows[1].GetString("TopLabel"));
        Assert.False(rows[1].ContainsKey("OtherHeadLabels"));
    }

    [Fact]
    public void A_result_row_reads_back_as_the_query_answer()
    {
        var row = CameraTableRows.ClassificationRows(Classified())[0];

        var item = CameraTableRows.ReadClassification(row);

        Assert.Equal(("cam-1", "gate/0930.jpg", Taken, "classified"), (item.CameraId, item.BlobName, item.CapturedAt, item.Status));
        Assert.Equal(("traffic-scene", "1", "heavy", 0.75f), (item.Model, item.ModelVersion, item.TopLabel, item.TopProbability));
        Assert.Equal([new LabelScore("heavy", 0.75f), new LabelScore("free", 0.25f)], item.Predictions);
        Assert.Equal((640, 480, true, Taken.AddHours(-1)), (item.Width, item.Height, item.Stale, item.PictureFirstSeenAt));
        Assert.Equal("night", item.OtherHeadLabels!["lighting"]);
        Assert.Equal((Upload.SourceUri, Upload.SourceETag, row.RowKey, (string?)null), (item.SourceUri, item.SourceETag, item.Id, item.Reason));
    }

    [Fact]
    public void A_rejection_row_has_the_reason_and_no_model_columns()
    {
        var rejected = new RejectedUpload(Upload, new CaptureTime(Taken, CaptureTime.FromMetadata), "corrupt-image", "The image is corrupt.", Taken);

        var row = CameraTableRows.RejectionRow(rejected);
        var item = CameraTableRows.ReadClassification(row);

        Assert.Equal(CameraRowKeys.Rejected(Taken, "gate/0930.jpg"), row.RowKey);
        Assert.Equal(["BlobName", "CaptureTimeSource", "CapturedAt", "Message", "PartitionKey", "Reason", "RowKey", "SourceETag", "SourceUri", "Status"], row.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("rejected", "corrupt-image", null, null, null), (item.Status, item.Reason, item.Model, item.Predictions, item.Stale));
        Assert.Equal(new CameraSummaryRow("rejected", null, null, Taken, "gate/0930.jpg", false, null), CameraTableRows.ReadSummaryRow(row));
    }

    [Fact]
    public void An_index_row_reads_back_with_its_keys_in_order()
    {
        var row = CameraTableRows.IndexRow(Upload, "classified", ["k2", "k1"], ["old"], complete: false, generation: 7);
        row.ETag = new Azure.ETag("W/\"datetime'2026-01-22T09%3A31%3A00Z'\"");

        var index = CameraTableRows.ReadIndex(row);

        Assert.Equal(CameraRowKeys.Index("gate/0930.jpg"), row.RowKey);
        Assert.Equal("k2|k1", row.GetString("RowKeys"));
        Assert.Equal((Upload.SourceETag, "classified", false), (index.SourceETag, index.Status, index.Complete));
        Assert.Equal((Upload.LastModified, 7L, row.ETag), (index.SourceLastModified, index.Generation, index.RowETag));
        Assert.Equal(["k2", "k1"], index.RowKeys);
        Assert.Equal(["old"], index.StaleRowKeys);
        Assert.Empty(CameraTableRows.ReadIndex(CameraTableRows.IndexRow(Upload, "rejected", [], [], complete: true, generation: 1)).StaleRowKeys);
    }

    [Fact]
    public void A_frame_state_row_keeps_the_last_two_frames_with_their_embeddings()
    {
        var last = new RecordedFrame("b.jpg|\"0x2\"", new FrameFingerprint("HASH2", [0.6f, 0.8f], Taken, Taken.AddMinutes(-5)));
        var previous = new RecordedFrame("a.jpg|\"0x1\"", new FrameFingerprint("HASH1", null, Taken.AddMinutes(-1), Taken.AddMinutes(-5)));

        var row = CameraTableRows.FrameStateRow("cam-1", last, previous);
        var (readLast, readPrevious) = CameraTableRows.ReadFrameState(row);

        Assert.Equal(CameraRowKeys.FrameState, row.RowKey);
        Assert.Equal((last.Upload, "HASH2", Taken, Taken.AddMinutes(-5)), (readLast!.Upload, readLast.Fingerprint.ContentHash, readLast.Fingerprint.CapturedAt, readLast.Fingerprint.PictureFirstSeenAt));
        Assert.Equal([0.6f, 0.8f], readLast.Fingerprint.Embedding!);
        Assert.Equal(("HASH1", (float[]?)null), (readPrevious!.Fingerprint.ContentHash, readPrevious.Fingerprint.Embedding));
        Assert.Equal(((RecordedFrame?)null, (RecordedFrame?)null), CameraTableRows.ReadFrameState(null));
        Assert.Null(CameraTableRows.ReadFrameState(CameraTableRows.FrameStateRow("cam-1", last, null)).Previous);
    }

    [Fact]
    public void The_list_filter_quotes_the_label_and_the_model()
    {
        var filter = CameraTableRows.ListFilter(new CameraClassificationFilter("cam-1", Taken, Taken.AddHours(1), "it's", "vehicle-type"));

        Assert.StartsWith(CameraTableRows.RangeFilter("cam-1", Taken, Taken.AddHours(1)), filter, StringComparison.Ordinal);
        Assert.EndsWith(" and TopLabel eq 'it''s' and Model eq 'vehicle-type'", filter, StringComparison.Ordinal);
        Assert.Equal(CameraTableRows.RangeFilter("cam-1", Taken, Taken.AddHours(1)), CameraTableRows.ListFilter(new CameraClassificationFilter("cam-1", Taken, Taken.AddHours(1))));
    }

    [Fact]
    public void A_calibrated_result_row_keeps_the_answering_model_the_confidence_and_the_estimates_and_reads_back()
    {
        var model = new ModelClassification("traffic-scene", "2", [new("heavy", 0.5f), new("moderate", 0.4f)], ServedBy: "traffic-scene.cam-2702", Calibrated: true, Confidence: "unsure", UnsureReasons: ["low-margin"], Margin: 0.1f, Estimates: new Dictionary<string, float> { ["vehicles"] = 12.5f });
        var classified = Classified() with { Models = [new(model, 640, 480)] };

        var row = Assert.Single(CameraTableRows.ClassificationRows(classified));
        var item = CameraTableRows.ReadClassification(row);
        var summaryRow = CameraTableRows.ReadSummaryRow(row);

        Assert.Equal(CameraRowKeys.Result(Taken, "gate/0930.jpg", "traffic-scene"), row.RowKey); // the base model's key, calibrated or not
        Assert.Equal(("traffic-scene", "traffic-scene.cam-2702", true, "unsure", "low-margin"), (row.GetString("Model"), row.GetString("ServedBy"), row.GetBoolean("Calibrated"), row.GetString("Confidence"), row.GetString("UnsureReasons")));
        Assert.Equal(("traffic-scene", "2", "traffic-scene.cam-2702", true, "unsure"), (item.Model, item.ModelVersion, item.ServedBy, item.Calibrated, item.Confidence));
        Assert.Equal(["low-margin"], item.UnsureReasons!);
        Assert.Equal(0.1f, item.Margin!.Value, 5);
        Assert.Equal(12.5f, item.Estimates!["vehicles"]);
        Assert.Equal(("unsure", 12.5f), (summaryRow.Confidence, summaryRow.Estimates!["vehicles"]));
        Assert.Contains("Estimates", CameraTableRows.SummaryColumns);
        Assert.Contains("Confidence", CameraTableRows.SummaryColumns);
    }
}
