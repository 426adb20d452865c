using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using SmartCity.Cli.Tests.Replay;
using Spectre.Console;

namespace SmartCity.Cli.Tests.Reclassify;

/// <summary>
/// <c>reclassify start</c> and <c>watch</c> against a real HTTP server on loopback that answers as the
/// app's reclassification routes do: what the CLI sends (body, key), how it follows the job to its
/// end, the progress bar, its exit codes, and its refusals.
/// </summary>
public sealed class ReclassifyCommandTests : IDisposable
{
    private readonly StubApp _app = new();
    private readonly SecretFile _key = new("the-master-key");

    public void Dispose()
    {
        _app.Dispose();
        _key.Dispose();
    }

    private static string Job(string state, int listed, int reclassified, int skipped, int failed, string failures = "") =>
        $$"""{"id":"20261201120000-0123456789ab","state":"{{state}}","model":"vehicle-type","version":"2","counts":{"listed":{{listed}},"reclassified":{{reclassified}},"skipped":{{skipped}},"failed":{{failed}}},"listingDone":{{(state is "running" or "completed" ? "true" : "false")}},"failures":[{{failures}}]}""";

    [Fact]
    public async Task Start_sends_the_request_with_the_key_then_watches_the_job_to_its_end_and_a_failed_upload_is_exit_code_2()
    {
        _app.Answers.Enqueue((202, Job("queued", 0, 0, 0, 0)));
        _app.Answers.Enqueue((200, Job("listing", 40, 10, 0, 0)));
        _app.Answers.Enqueue((200, Job("running", 100, 60, 20, 0)));
        _app.Answers.Enqueue((200, Job("completed", 100, 79, 20, 1, """{"cameraId":"cam-1","blobName":"frames/7.jpg","reason":"the blob no longer exists"}""")));

        var result = await SmartCityRunner.RunAsync("reclassify", "start", "--camera", "cam-1", "--from", "2026-11-01", "--to", "2026-12-01T00:00:00+01:00",
            "--model", "vehicle-type", "--version", "2", "--url", _app.Url, "--key-file", _key.Path, "--watch", "--interval", "0.01");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("Started reclassification 20261201120000-0123456789ab", result.Output, StringComparison.Ordinal);
        Assert.Contains("Reclassification 20261201120000-0123456789ab: completed; listed 100, reclassified 79, skipped 20 (already at the version), failed 1", result.Output, StringComparison.Ordinal);
        Assert.Contains("  failed: cam-1/frames/7.jpg: the blob no longer exists", result.Output, StringComparison.Ordinal);
        var (method, path, key, body) = _app.Requests[0];
        Assert.Equal(("POST", "/api/cameras/reclassifications", "the-master-key"), (method, path, key));
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal("cam-1", json.GetProperty("cameraId").GetString());
        Assert.Equal("2026-11-01T00:00:00.0000000+00:00", json.GetProperty("from").GetString());
        Assert.Equal("2026-11-30T23:00:00.0000000+00:00", json.GetProperty("to").GetString());
        Assert.Equal("2", json.GetProperty("version").GetString());
        Assert.False(json.TryGetProperty("all", out _));
        Assert.Equal(4, _app.Requests.Count);
        Assert.All(_app.Requests.Skip(1), r => Assert.Equal(("GET", "/api/cameras/reclassifications/20261201120000-0123456789ab"), (r.Method, r.Path)));
    }

    [Fact]
    public async Task Watch_draws_a_progress_bar_and_a_clean_job_is_exit_code_0()
    {
        _app.Answers.Enqueue((200, Job("running", 10, 5, 0, 0)));
        _app.Answers.Enqueue((200, Job("completed", 10, 6, 4, 0)));
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await SmartCityCommandLine.RunAsync(
            ["reclassify", "watch", "20261201120000-0123456789ab", "--url", _app.Url, "--key-file", _key.Path, "--interval", "0.01"],
            new CommandConsole(output, error, showsProgress: true, AnsiSupport.Yes));

        Assert.True(exit == 0, output + "\n" + error);
        Assert.Contains("reclassify 20261201120000-0123456789ab (completed)", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("10/10", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("listed 10, reclassified 6, skipped 4", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_running_job_of_the_same_request_is_said_so_and_a_refusal_carries_the_apps_detail()
    {
        _app.Answers.Enqueue((200, Job("running", 10, 5, 0, 0)));
        var running = await SmartCityRunner.RunAsync("reclassify", "start", "--all", "--from", "2026-11-01", "--to", "2026-12-01", "--model", "vehicle-type", "--version", "2", "--url", _app.Url, "--key-file", _key.Path);
        Assert.True(running.ExitCode == 0, running.ToString());
        Assert.Contains("The same reclassification is running: 20261201120000-0123456789ab", running.Output, StringComparison.Ordinal);
        Assert.Contains("\"all\":true", _app.Requests[0].Body, StringComparison.Ordinal);

        _app.Answers.Enqueue((404, """{"type":"urn:smartcity:problem:model-not-found","detail":"Model 'vehicle-type' has no version '9'."}"""));
        var refused = await SmartCityRunner.RunAsync("reclassify", "start", "--prefix", "edge-", "--from", "2026-11-01", "--to", "2026-12-01", "--model", "vehicle-type", "--version", "9", "--url", _app.Url, "--key-file", _key.Path);
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("The app refused the reclassification (404): Model 'vehicle-type' has no version '9'.", refused.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--key", "s3cr3t-master-key", "--key shows the master key")]
    [InlineData("--camera", "a", "Give exactly one of --camera, --prefix and --all.")]
    [InlineData("--interval", "0", "--interval must be between 0 and 3600 seconds.")]
    public async Task Usage_errors_are_exit_code_1_and_send_nothing(string option, string value, string expected)
    {
        var result = await SmartCityRunner.RunAsync("reclassify", "start", "--prefix", "p", option, value, "--from", "2026-11-01", "--to", "2026-12-01", "--model", "m", "--version", "2", "--url", _app.Url);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-master-key", result.Error + result.Output, StringComparison.Ordinal);
        Assert.Empty(_app.Requests);
    }

    [Fact]
    public async Task A_bad_time_is_a_usage_error_naming_the_option()
    {
        var result = await SmartCityRunner.RunAsync("reclassify", "start", "--all", "--from", "last week", "--to", "2026-12-01", "--model", "m", "--version", "2", "--url", _app.Url);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("--from must be an ISO 8601 time", result.Error, StringComparison.Ordinal);
    }

    /// <summary>An HTTP server on a free loopback port that records each request and answers the next queued answer.</summary>
    private sealed class StubApp : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _serving;

        public StubApp()
        {
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                Url = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/";
            }

            _listener.Prefixes.Add(Url);
            _listener.Start();
            _serving = Task.Run(ServeAsync);
        }

        public string Url { get; }

        public System.Collections.Concurrent.ConcurrentQueue<(int Status, string Body)> Answers { get; } = new();

        public List<(string Method, string Path, string? Key, string Body)> Requests { get; } = [];

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            try
            {
                _serving.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
                // The listener stopped under a pending GetContextAsync.
            }
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                var body = await reader.ReadToEndAsync();
                lock (Requests)
                {
                    Requests.Add((context.Request.HttpMethod, context.Request.Url!.AbsolutePath, context.Request.Headers["x-functions-key"], body));
                }

                var (status, answer) = Answers.TryDequeue(out var next) ? next : (500, "{}");
                var bytes = Encoding.UTF8.GetBytes(answer);
                context.Response.StatusCode = status;
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
        }
    }
}
