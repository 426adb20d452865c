using System.Text.Json;
using SmartCity.Cameras;
using SmartCity.Cameras.Storage;
using SmartCity.Cameras.Tests;
using SmartCity.Cameras.Tests.Storage;
using SmartCity.Functions.Cameras;

namespace SmartCity.Functions.Tests.Cameras;

[Collection(AzuriteDefinition.Name)]
public class CameraResultsFunctionsTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Base = new(2026, 1, 22, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A time as a query value ('+' in an offset must be escaped, or it reads as a space).</summary>
    private static string T(DateTimeOffset time) => Uri.EscapeDataString(time.ToString("O"));

    /// <summary>Eleven uploads over three hours (one rejected), plus one outside the range.</summary>
    private static async Task<List<DateTimeOffset>> SeedAsync(CameraTestPipeline pipeline)
    {
        var times = Enumerable.Range(0, 11).Select(i => Base.AddMinutes(17 * i)).ToList();
        var blobs = new List<Azure.Storage.Blobs.BlobClient>();
        for (var i = 0; i < times.Count; i++)
        {
            var content = i == 4 ? "not an image"u8.ToArray() : CameraImages.Synthetic(100 + i);
            blobs.Add(await pipeline.UploadAsync("cam-q", $"f{i:D2}.jpg", content, times[i]));
        }

        blobs.Add(await pipeline.UploadAsync("cam-q", "old.jpg", CameraImages.Synthetic(99), Base.AddDays(-3)));
        blobs.Add(await pipeline.UploadAsync("cam-other", "f.jpg", CameraImages.Synthetic(98), Base.AddMinutes(5)));
        await Task.WhenAll(blobs.Select(pipeline.RunAsync));
        return times;
    }

    [SkippableFact]
    public async Task Classifications_come_newest_first_in_pages_that_join_up_exactly()
    {
        await using var pipeline = azurite.CreatePipeline();
        var times = await SeedAsync(pipeline);

        var seen = new List<JsonElement>();
        string? token = null;
        var pages = 0;
        do
        {
            var query = $"from={T(Base)}&to={T(Base.AddHours(4))}&top=3" + (token is null ? string.Empty : $"&continuationToken={Uri.EscapeDataString(token)}");
            var context = HttpTestHost.Request("GET", "/api/cameras/cam-q/classifications", query: query);
            var response = await HttpTestHost.InvokeAsync(context, () => new CameraResultsFunctions(pipeline.Query).ListAsync(context.Request, "cam-q", CancellationToken.None));
            Assert.Equal(200, response.Status);
            Assert.StartsWith("application/json", response.ContentType, StringComparison.Ordinal);
            var items = response.Json.GetProperty("items").EnumerateArray().ToList();
            Assert.True(items.Count <= 3);
            seen.AddRange(items);
            token = response.Json.TryGetProperty("continuationToken", out var next) ? next.GetString() : null;
            pages++;
        }
        while (token is not null && pages < 20);

        Assert.Equal(times.Count, seen.Count);
        var captured = seen.Select(i => i.GetProperty("capturedAt").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderDescending(), captured);
        Assert.Equal(seen.Count, seen.Select(i => i.GetProperty("id").GetString()).Distinct().Count());
        Assert.True(pages >= 4);
        var rejected = Assert.Single(seen, i => i.GetProperty("status").GetString() == "rejected");
        Assert.Equal("unsupported-format", rejected.GetProperty("reason").GetString());
        Assert.All(seen.Where(i => i.GetProperty("status").GetString() == "classified"), i => Assert.Equal("vehicle-type", i.GetProperty("model").GetString()));
    }

    [SkippableFact]
    public async Task A_time_range_and_a_label_narrow_the_list()
    {
        await using var pipeline = azurite.CreatePipeline();
        var times = await SeedAsync(pipeline);
        var all = await pipeline.Query.ListAsync("cam-q", Base.AddDays(-7), Base.AddDays(1), null, null, 1000, null);
        Assert.Equal(times.Count + 1, all.Items.Count);

        var window = await pipeline.Query.ListAsync("cam-q", times[2], times[6], null, null, 1000, null);
        Assert.Equal(times.Skip(2).Take(4).OrderDescending(), window.Items.Select(i => i.CapturedAt));

        var label = all.Items.First(i => i.TopLabel is not null).TopLabel!;
        var context = HttpTestHost.Request("GET", "/api/cameras/cam-q/classifications", query: $"from={T(Base.AddDays(-7))}&to={T(Base.AddDays(1))}&label={label}");
        var response = await HttpTestHost.InvokeAsync(context, () => new CameraResultsFunctions(pipeline.Query).ListAsync(context.Request, "cam-q", CancellationToken.None));
        var labelled = response.Json.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(all.Items.Count(i => i.TopLabel == label), labelled.Count);
        Assert.All(labelled, i => Assert.Equal(label, i.GetProperty("topLabel").GetString()));
    }

    [SkippableFact]
    public async Task The_summary_counts_match_the_stored_rows()
    {
        await using var pipeline = azurite.CreatePipeline();
        await SeedAsync(pipeline);
        var rows = (await pipeline.RowsAsync("cam-q")).Where(r => r.GetDateTimeOffset("CapturedAt") >= Base).ToList();

        var context = HttpTestHost.Request("GET", "/api/cameras/cam-q/summary", query: $"from={T(Base)}&to={T(Base.AddDays(1))}");
        var response = await HttpTestHost.InvokeAsync(context, () => new CameraResultsFunctions(pipeline.Query).SummaryAsync(context.Request, "cam-q", CancellationToken.None));
        Assert.Equal(200, response.Status);
        var json = response.Json;
        Assert.Equal("hour", json.GetProperty("interval").GetString());
        var expected = rows.Where(r => r.GetString("Status") == "classified")
            .GroupBy(r => (Hour: r.GetDateTimeOffset("CapturedAt")!.Value.ToString("yyyy-MM-ddTHH"), Label: r.GetString("TopLabel") ?? string.Empty))
            .ToDictionary(g => g.Key, g => g.Count());
        var actual = json.GetProperty("buckets").EnumerateArray()
            .ToDictionary(b => (Hour: b.GetProperty("start").GetDateTimeOffset().ToString("yyyy-MM-ddTHH"), Label: b.GetProperty("label").GetString() ?? string.Empty), b => b.GetProperty("count").GetInt32());
        Assert.Equal(expected.OrderBy(e => e.Key.ToString()), actual.OrderBy(e => e.Key.ToString()));
        Assert.Equal(3, actual.Keys.Select(k => k.Hour).Distinct().Count());
        Assert.Equal(10, json.GetProperty("classified").GetInt32());
        Assert.Equal(1, json.GetProperty("rejected").GetInt32());

        var daily = await pipeline.Query.SummarizeAsync("cam-q", Base.AddDays(-7), Base.AddDays(1), SummaryInterval.Day);
        Assert.Equal(2, daily.Buckets.Select(b => b.Start).Distinct().Count());
        Assert.Equal(11, daily.Buckets.Sum(b => b.Count));
    }

    /// <summary>
    /// A summary reads at most a set number of rows: past it the answer is exact for the newest
    /// whole intervals it read, says so (<c>complete</c> false, <c>coveredFrom</c>), and the same
    /// query with <c>to</c> = <c>coveredFrom</c> gives the rest.
    /// </summary>
    [SkippableFact]
    public async Task A_summary_past_its_row_limit_answers_the_newest_whole_hours_and_says_where_to_go_on()
    {
        await using var pipeline = azurite.CreatePipeline();
        await SeedAsync(pipeline);
        var api = new CameraResultsFunctions(new CameraResultsQuery(pipeline.Store, maxSummaryRows: 4));
        var answers = new List<JsonElement>();
        var to = Base.AddDays(1);
        do
        {
            var context = HttpTestHost.Request("GET", "/api/cameras/cam-q/summary", query: $"from={T(Base)}&to={T(to)}&interval=hour");
            var response = await HttpTestHost.InvokeAsync(context, () => api.SummaryAsync(context.Request, "cam-q", CancellationToken.None));
            Assert.Equal(200, response.Status);
            answers.Add(response.Json);
            to = response.Json.GetProperty("coveredFrom").GetDateTimeOffset();
        }
        while (!answers[^1].GetProperty("complete").GetBoolean() && answers.Count < 10);

        // Rows at 0-51, 68(rejected)-119 and 136-170 minutes: four rows and a peek at the fifth per answer.
        Assert.Equal([Base.AddHours(2), Base.AddHours(1), Base], answers.Select(a => a.GetProperty("coveredFrom").GetDateTimeOffset()));
        Assert.Equal([false, false, true], answers.Select(a => a.GetProperty("complete").GetBoolean()));
        Assert.Equal([3, 3, 4], answers.Select(a => a.GetProperty("classified").GetInt32()));
        Assert.Equal([0, 1, 0], answers.Select(a => a.GetProperty("rejected").GetInt32()));
        Assert.All(answers, a => Assert.All(a.GetProperty("buckets").EnumerateArray(), b => Assert.True(b.GetProperty("start").GetDateTimeOffset() >= a.GetProperty("coveredFrom").GetDateTimeOffset())));

        var whole = await new CameraResultsQuery(pipeline.Store).SummarizeAsync("cam-q", Base, Base.AddDays(1), SummaryInterval.Hour);
        Assert.Equal((true, Base), (whole.Complete, whole.CoveredFrom));
        Assert.Equal(whole.Classified, answers.Sum(a => a.GetProperty("classified").GetInt32()));
    }

    [SkippableFact]
    public async Task A_summary_whose_newest_interval_alone_is_past_the_row_limit_is_a_400_that_says_to_narrow_it()
    {
        await using var pipeline = azurite.CreatePipeline();
        await SeedAsync(pipeline);
        var api = new CameraResultsFunctions(new CameraResultsQuery(pipeline.Store, maxSummaryRows: 4));
        var context = HttpTestHost.Request("GET", "/api/cameras/cam-q/summary", query: $"from={T(Base)}&to={T(Base.AddDays(1))}&interval=day");

        var response = await HttpTestHost.InvokeAsync(context, () => api.SummaryAsync(context.Request, "cam-q", CancellationToken.None));

        Assert.Equal(400, response.Status);
        Assert.Equal("urn:smartcity:problem:invalid-query", response.Json.GetProperty("type").GetString());
        Assert.Contains("more than 4 rows", response.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("classifications", "top=0")]
    [InlineData("classifications", "top=abc")]
    [InlineData("classifications", "from=yesterday")]
    [InlineData("classifications", "from=2026-01-22T00:00:00Z&to=2026-01-21T00:00:00Z")]
    [InlineData("classifications", "continuationToken=not-a-token")]
    [InlineData("summary", "interval=week")]
    [InlineData("summary", "interval=hour&from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z")]
    public async Task Bad_query_values_are_answered_with_a_400_problem(string endpoint, string query)
    {
        // Validation happens before storage is touched: no Azurite needed.
        var store = new CameraResultStore(new Azure.Storage.Blobs.BlobServiceClient("UseDevelopmentStorage=true"), new Azure.Data.Tables.TableServiceClient("UseDevelopmentStorage=true"), new CameraPipelineOptions());
        var api = new SmartCity.Functions.Cameras.CameraResultsFunctions(new CameraResultsQuery(store));
        var context = HttpTestHost.Request("GET", $"/api/cameras/cam-q/{endpoint}", query: query);
        var response = await HttpTestHost.InvokeAsync(context, () => endpoint == "summary"
            ? api.SummaryAsync(context.Request, "cam-q", CancellationToken.None)
            : api.ListAsync(context.Request, "cam-q", CancellationToken.None));

        Assert.Equal(400, response.Status);
        Assert.StartsWith("application/problem+json", response.ContentType, StringComparison.Ordinal);
        Assert.Equal("urn:smartcity:problem:invalid-query", response.Json.GetProperty("type").GetString());
    }

    [SkippableFact]
    public async Task The_camera_list_names_every_camera_with_results_or_rejections_and_its_newest_row()
    {
        await using var pipeline = azurite.CreatePipeline();
        var times = await SeedAsync(pipeline);
        var rejectedOnly = await pipeline.UploadAsync("cam-rej", "r.jpg", "not an image"u8.ToArray(), Base.AddHours(2));
        await pipeline.RunAsync(rejectedOnly);
        await pipeline.UploadAsync("cam-unprocessed", "u.jpg", CameraImages.Synthetic(97), Base);

        var context = HttpTestHost.Request("GET", "/api/cameras");
        var response = await HttpTestHost.InvokeAsync(context, () => new CameraResultsFunctions(pipeline.Query).ListCamerasAsync(context.Request, CancellationToken.None));

        Assert.Equal(200, response.Status);
        Assert.StartsWith("application/json", response.ContentType, StringComparison.Ordinal);
        Assert.False(response.Json.GetProperty("truncated").GetBoolean());
        var cameras = response.Json.GetProperty("cameras").EnumerateArray().ToList();
        // An upload with no stored result yet (cam-unprocessed) is no camera of the list.
        Assert.Equal(["cam-other", "cam-q", "cam-rej"], cameras.Select(c => c.GetProperty("cameraId").GetString()));
        var q = cameras[1].GetProperty("latest");
        Assert.Equal(times.Max(), q.GetProperty("capturedAt").GetDateTimeOffset());
        Assert.Equal("classified", q.GetProperty("status").GetString());
        var rejected = cameras[2].GetProperty("latest");
        Assert.Equal("rejected", rejected.GetProperty("status").GetString());
        Assert.Equal(Base.AddHours(2), rejected.GetProperty("capturedAt").GetDateTimeOffset());
    }
}
