using SmartCity.Cameras.Storage;

namespace SmartCity.Cameras.Tests.Storage;

/// <summary>
/// A model with an estimate head (traffic-scene's <c>vehicles</c>), stored and summarised on Azurite
/// through the result store with results built here (the engine answering an <c>estimate</c> head is
/// tested with the engine): the row keeps the value per head, and the summary gives per interval the
/// results, mean and max of each head beside the congestion labels, sure and unsure apart.
/// </summary>
[Collection(AzuriteDefinition.Name)]
public class CameraEstimateSummaryTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset T0 = new(2026, 2, 4, 7, 0, 0, TimeSpan.Zero);

    private static ClassifiedUpload Result(string camera, string name, DateTimeOffset at, string congestion, float vehicles, string confidence, params string[] reasons)
    {
        var upload = new CameraUpload(camera, name, $"https://st.example/images/{camera}/{name}", $"\"0x{name.GetHashCode(StringComparison.Ordinal):X}\"", 100, at.AddSeconds(5), new Dictionary<string, string>());
        var lighting = new Dictionary<string, IReadOnlyList<LabelScore>> { ["lighting"] = [new("day", 0.9f)] };
        var model = new ModelClassification(
            "traffic-scene",
            "3",
            [new(congestion, 0.6f), new("free", 0.3f)],
            lighting,
            ServedBy: "traffic-scene.cam-" + camera,
            Calibrated: true,
            Confidence: confidence,
            UnsureReasons: reasons,
            Margin: 0.3f,
            Estimates: new Dictionary<string, float> { ["vehicles"] = vehicles });
        return new ClassifiedUpload(upload, new CaptureTime(at, CaptureTime.FromMetadata), [new(model, 640, 480)], new StaleDecision(false, null, null, at), 10, at.AddSeconds(6));
    }

    [SkippableFact]
    public async Task The_summary_reports_the_vehicle_estimate_per_interval_and_counts_unsure_results_apart()
    {
        await using var pipeline = azurite.CreatePipeline();
        await pipeline.Store.EnsureCreatedAsync(CancellationToken.None);
        ClassifiedUpload[] results =
        [
            Result("2702", "a.jpg", T0.AddMinutes(1), "heavy", 14f, "sure"),
            Result("2702", "b.jpg", T0.AddMinutes(20), "heavy", 10f, "unsure", "low-margin"),
            Result("2702", "c.jpg", T0.AddMinutes(40), "moderate", 6f, "sure"),
            Result("2702", "d.jpg", T0.AddMinutes(70), "free", 1.5f, "sure"),
        ];
        foreach (var result in results)
        {
            Assert.True((await pipeline.Store.SaveClassificationAsync(result, null, CancellationToken.None)).Stored);
        }

        var listed = (await pipeline.Query.ListAsync("2702", T0, T0.AddHours(2), null, "traffic-scene", 10, null)).Items.ToDictionary(i => i.BlobName);
        Assert.Equal(4, listed.Count); // queried under the base model although the camera's calibrated model answered
        Assert.Equal(10f, listed["b.jpg"].Estimates!["vehicles"]);
        Assert.Equal(("traffic-scene.cam-2702", true, "3"), (listed["b.jpg"].ServedBy, listed["b.jpg"].Calibrated, listed["b.jpg"].ModelVersion));
        Assert.Equal(["low-margin"], listed["b.jpg"].UnsureReasons!);

        var summary = await pipeline.Query.SummarizeAsync("2702", T0, T0.AddHours(2), SummaryInterval.Hour);

        Assert.Equal((4, 1), (summary.Classified, summary.Unsure));
        Assert.Equal(
            [(T0, "heavy", 2, 1, 1), (T0, "moderate", 1, 1, 0), (T0.AddHours(1), "free", 1, 1, 0)],
            summary.Buckets.Select(b => (b.Start, b.Label, b.Count, b.Sure, b.Unsure)));
        Assert.Equal(
            [(T0, "traffic-scene", "vehicles", 3, 10.0, 14.0, 1), (T0.AddHours(1), "traffic-scene", "vehicles", 1, 1.5, 1.5, 0)],
            summary.Estimates!.Select(e => (e.Start, e.Model, e.Head, e.Results, e.Mean, e.Max, e.Unsure)));

        var daily = await pipeline.Query.SummarizeAsync("2702", T0, T0.AddHours(2), SummaryInterval.Day);
        var day = Assert.Single(daily.Estimates!);
        Assert.Equal((4, 7.875, 14.0), (day.Results, day.Mean, day.Max));
    }

    [SkippableFact]
    public async Task A_model_whose_primary_head_is_an_estimate_is_counted_by_its_estimate_not_as_an_empty_label()
    {
        await using var pipeline = azurite.CreatePipeline();
        await pipeline.Store.EnsureCreatedAsync(CancellationToken.None);
        var upload = new CameraUpload("lot-1", "x.jpg", "https://st.example/images/lot-1/x.jpg", "\"0x9\"", 100, T0, new Dictionary<string, string>());
        var model = new ModelClassification("occupancy", "1", [], ServedBy: "occupancy", Calibrated: false, Confidence: "sure", UnsureReasons: [], Estimates: new Dictionary<string, float> { ["occupancy"] = 0.25f });
        var classified = new ClassifiedUpload(upload, new CaptureTime(T0, CaptureTime.FromMetadata), [new(model, 64, 64)], new StaleDecision(false, null, null, T0), 1, T0);
        await pipeline.Store.SaveClassificationAsync(classified, null, CancellationToken.None);

        var summary = await pipeline.Query.SummarizeAsync("lot-1", T0, T0.AddHours(1), SummaryInterval.Hour);

        Assert.Empty(summary.Buckets);
        Assert.Equal(1, summary.Classified);
        var estimate = Assert.Single(summary.Estimates!);
        Assert.Equal(("occupancy", 1, 0.25, 0.25), (estimate.Head, estimate.Results, estimate.Mean, estimate.Max));
    }
}
