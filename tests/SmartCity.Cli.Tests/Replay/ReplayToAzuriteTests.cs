using Azure.Storage.Blobs;

namespace SmartCity.Cli.Tests.Replay;

/// <summary>
/// <c>replay</c> against the Azurite that <c>scripts/test.sh</c> started (connection string in
/// SMARTCITY_TEST_STORAGE), each test in a container of its own; skipped without Azurite.
/// </summary>
public sealed class ReplayToAzuriteTests : IAsyncLifetime
{
    private const string Camera = "cam-test";

    private static readonly string? Storage = Environment.GetEnvironmentVariable("SMARTCITY_TEST_STORAGE");

    private readonly string _container = $"replay-{Guid.NewGuid():N}"[..30];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (!string.IsNullOrWhiteSpace(Storage))
        {
            await new BlobServiceClient(Storage).GetBlobContainerClient(_container).DeleteIfExistsAsync();
        }
    }

    [SkippableFact]
    public async Task Replay_without_notifying_uploads_each_frame_with_the_capture_time_in_its_name()
    {
        var result = await ReplayAsync("--no-notify");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"uploaded {Camera}/camera_2701_2026-01-22_00-24-52.jpg (capturedAt 2026-01-22T00:24:52Z)", result.Output, StringComparison.Ordinal);
        var blob = new BlobServiceClient(Storage).GetBlobContainerClient(_container).GetBlobClient($"{Camera}/camera_4703_2026-01-22_00-11-26.jpg");
        var properties = (await blob.GetPropertiesAsync()).Value;
        Assert.Equal("2026-01-22T00:11:26Z", properties.Metadata["capturedAt"]);
        Assert.Equal("image/jpeg", properties.ContentType);
    }

    [SkippableFact]
    public async Task Captured_at_none_sets_no_capture_time()
    {
        var result = await ReplayAsync("--no-notify", "--captured-at", "none");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"uploaded {Camera}/camera_2701_2026-01-22_00-24-52.jpg{Environment.NewLine}", result.Output, StringComparison.Ordinal);
        var blob = new BlobServiceClient(Storage).GetBlobContainerClient(_container).GetBlobClient($"{Camera}/camera_2701_2026-01-22_00-24-52.jpg");
        Assert.False((await blob.GetPropertiesAsync()).Value.Metadata.ContainsKey("capturedAt"));
    }

    [SkippableFact]
    public async Task An_unreachable_webhook_exits_2_after_uploading_every_frame()
    {
        // Nothing listens on the discard port of the loopback address: the connection is refused at once.
        var result = await ReplayAsync("--host", "http://127.0.0.1:9/", "--captured-at", "2026-01-22T08:00:00Z");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal(3, result.Error.Split('\n').Count(l => l.Contains("unreachable", StringComparison.Ordinal)));
        var blob = new BlobServiceClient(Storage).GetBlobContainerClient(_container).GetBlobClient($"{Camera}/camera_2702_2026-01-22_00-24-52.jpg");
        Assert.Equal("2026-01-22T08:00:00Z", (await blob.GetPropertiesAsync()).Value.Metadata["capturedAt"]);
    }

    [SkippableFact]
    public async Task The_key_from_the_key_file_is_sent_to_the_webhook_as_x_functions_key()
    {
        Skip.If(string.IsNullOrWhiteSpace(Storage), "SMARTCITY_TEST_STORAGE is not set: run the Azurite tests with `bash scripts/test.sh`.");
        using var key = new SecretFile("blobs-extension-key-from-file");
        using var webhook = new System.Net.HttpListener();
        var port = FreeLoopbackPort();
        webhook.Prefixes.Add($"http://127.0.0.1:{port}/");
        webhook.Start();
        var keys = new List<string?>();
        var answering = Task.Run(async () =>
        {
            for (var i = 0; i < 3; i++)
            {
                var call = await webhook.GetContextAsync();
                keys.Add(call.Request.Headers["x-functions-key"]);
                call.Response.StatusCode = 202;
                call.Response.Close();
            }
        });

        var result = await ReplayAsync("--host", $"http://127.0.0.1:{port}/", "--key-file", key.Path);

        Assert.True(result.ExitCode == 0, result.ToString());
        await answering.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(["blobs-extension-key-from-file", "blobs-extension-key-from-file", "blobs-extension-key-from-file"], keys);
        Assert.DoesNotContain("blobs-extension-key-from-file", result.Output + result.Error, StringComparison.Ordinal);
    }

    private async Task<CommandLineResult> ReplayAsync(params string[] options)
    {
        Skip.If(string.IsNullOrWhiteSpace(Storage), "SMARTCITY_TEST_STORAGE is not set: run the Azurite tests with `bash scripts/test.sh`.");
        using var storage = new SecretFile(Storage!); // Azurite's connection string holds its (well-known) key: never on the command line
        return await SmartCityRunner.RunAsync(["replay", SmartCityRunner.Sample("traffic-cameras"), "--storage-file", storage.Path, "--container", _container, "--camera", Camera, .. options]);
    }

    private static int FreeLoopbackPort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }
}
