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
        using var file = new SecretFile(connection);
        var result = await SmartCityRunner.RunAsync("replay", Frame, "--storage-file", file.Path, "--no-notify");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("error: the storage connection string (--storage-file, --storage, or the CameraStorage variable) is not valid", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0LWtleQ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_on_the_command_line_is_refused_without_being_printed()
    {
        var result = await SmartCityRunner.RunAsync("replay", Frame, "--key", "s3cr3t-blobs-key");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("error: --key shows the key to anyone who can list processes; put it in a file (--key-file <path>) or in the BLOBS_EXTENSION_KEY variable.", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-blobs-key", result.Error + result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=st1;AccountKey=c2VjcmV0LWtleQ==;EndpointSuffix=core.windows.net")]
    [InlineData("BlobEndpoint=https://st1.blob.core.windows.net/;SharedAccessSignature=sv=2024&sig=c2VjcmV0LWtleQ")]
    public async Task A_storage_connection_string_with_a_secret_on_the_command_line_is_refused_without_being_printed(string connection)
    {
        var result = await SmartCityRunner.RunAsync("replay", Frame, "--storage", connection, "--no-notify");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("error: --storage with an account key or a SAS shows it to anyone who can list processes; put the connection string in a file (--storage-file <path>) or in the CameraStorage variable.", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0LWtleQ", result.Error + result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_file_that_does_not_exist_exits_1_naming_the_option()
    {
        var result = await SmartCityRunner.RunAsync("replay", Frame, "--key-file", "no-such-key-file");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("error: --key-file: cannot read 'no-such-key-file'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_offers_the_file_options_and_hides_key()
    {
        var result = await SmartCityRunner.RunAsync("help", "replay");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("--key-file", result.Output, StringComparison.Ordinal);
        Assert.Contains("--storage-file", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("--key ", result.Output, StringComparison.Ordinal);
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
