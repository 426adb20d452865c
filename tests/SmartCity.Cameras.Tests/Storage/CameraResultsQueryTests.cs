using SmartCity.Cameras.Storage;
using SmartCity.Inference;

namespace SmartCity.Cameras.Tests.Storage;

/// <summary>Query validation, before any storage is touched (no Azurite needed).</summary>
public class CameraResultsQueryTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 22, 12, 0, 0, TimeSpan.Zero);

    private static CameraResultsQuery Query() => new(new CameraResultStore(
        new Azure.Storage.Blobs.BlobServiceClient("UseDevelopmentStorage=true"),
        new Azure.Data.Tables.TableServiceClient("UseDevelopmentStorage=true"),
        new CameraPipelineOptions()));

    private static Task Call(string query) => query switch
    {
        "top=0" => Query().ListAsync("cam-1", Now.AddHours(-1), Now, null, null, 0, null),
        "cameraId=../x" => Query().ListAsync("../x", Now.AddHours(-1), Now, null, null, 10, null),
        "from=to" => Query().ListAsync("cam-1", Now, Now, null, null, 10, null),
        "continuationToken=foreign" => Query().ListAsync("cam-1", Now.AddHours(-1), Now, null, null, 10, "bm90LW91cnM"),
        "summary of 40 days per hour" => Query().SummarizeAsync("cam-1", Now.AddDays(-40), Now, SummaryInterval.Hour),
        "top=abc" => Task.FromResult(CameraResultsQuery.ParseTop("abc")),
        "interval=week" => Task.FromResult(CameraResultsQuery.ParseInterval("week")),
        "from=yesterday" => Task.FromResult(CameraResultsQuery.ParseRange("yesterday", null, Now)),
        _ => throw new ArgumentOutOfRangeException(nameof(query)),
    };

    [Theory]
    [InlineData("top=0", "top")]
    [InlineData("cameraId=../x", "cameraId")]
    [InlineData("from=to", "from")]
    [InlineData("continuationToken=foreign", "continuationToken")]
    [InlineData("summary of 40 days per hour", "to")]
    [InlineData("top=abc", "top")]
    [InlineData("interval=week", "interval")]
    [InlineData("from=yesterday", "from")]
    public async Task A_bad_query_value_is_an_invalid_query_error_naming_the_parameter(string query, string parameter)
    {
        var error = await Assert.ThrowsAsync<CameraQueryException>(() => Call(query));

        Assert.Equal(parameter, error.Parameter);
        Assert.Equal("invalid-query", error.Code);
        Assert.IsType<InferenceException>(error, exactMatch: false);
    }

    [Fact]
    public void The_range_defaults_to_the_day_before_now()
    {
        Assert.Equal((Now.AddDays(-1), Now), CameraResultsQuery.ParseRange(null, null, Now));
        Assert.Equal((Now.AddHours(-3), Now.AddHours(-2)), CameraResultsQuery.ParseRange(T(Now.AddHours(-3)), T(Now.AddHours(-2)), Now));
    }

    [Fact]
    public void A_continuation_token_round_trips_and_a_foreign_one_is_refused()
    {
        const string TableToken = "Y2FtLTE= MjUxNjMzMjMxNjM5OTk5OTk5OV9l";

        Assert.Equal(TableToken, CameraContinuationToken.Decode(CameraContinuationToken.Encode(TableToken)));
        Assert.Null(CameraContinuationToken.Decode(null));
        Assert.Null(CameraContinuationToken.Encode(null));
        Assert.Throws<CameraQueryException>(() => CameraContinuationToken.Decode("not-a-token"));
        Assert.Throws<CameraQueryException>(() => CameraContinuationToken.Decode(Convert.ToBase64String("v2:x"u8.ToArray())));
    }

    private static string T(DateTimeOffset time) => time.ToString("O");
}
