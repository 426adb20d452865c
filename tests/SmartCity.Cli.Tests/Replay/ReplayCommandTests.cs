namespace SmartCity.Cli.Tests.Replay;

public class ReplayCommandTests
{
    private static readonly string Frame = SmartCityRunner.Sample("traffic-cameras/camera_2701_2026-01-22_00-24-52.jpg");

    [Fact]
    public async Task A_captured_at_that_is_not_name_none_or_a_time_exits_1_saying_what_is_accepted()
    {
        var result = await SmartCityRunner.RunAsync("replay", Frame, "--captured-at", "garbage");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("error: --captured-at must be 'name', 'none' or an ISO 8601 time, not 'garbage'.", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("AccountName=devstoreaccount1;AccountKey=c2VjcmV0LWtleQ==;NoEqualsSign")]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=x")]
    public async Task A_bad_storage_connection_string_exits_1_with_a_clear_error_no_stack_trace_and_no_key(string connection)
    {
        var result = await SmartCityRunner.RunAsync("replay", Frame, "--storage", connection, "--no-notify");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("error: the storage connection string (--storage, or the CameraStorage variable) is not valid", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0LWtleQ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_camera_id_the_pipeline_would_ignore_exits_1()
    {
        var result = await SmartCityRunner.RunAsync("replay", Frame, "--camera", "../elsewhere");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("error: --camera: the camera id is not 1-64 letters, digits", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_that_is_not_an_http_url_exits_1()
    {
        var result = await SmartCityRunner.RunAsync("replay", Frame, "--host", "localhost");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("error: --host must be an http or https URL, not 'localhost'.", result.Error, StringComparison.Ordinal);
    }
}
