using System.Net;
using System.Text;
using SmartCity.Cli.Push;

namespace SmartCity.Cli.Tests.Push;

/// <summary>What <c>push</c> sends: one multipart part per file of the folder, the promote flag, the key, and an idempotency key from the files.</summary>
public sealed class ModelPusherTests : IDisposable
{
    private readonly SharedData _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task A_folder_is_sent_as_one_part_per_file_with_the_master_key_and_a_stable_idempotency_key()
    {
        File.WriteAllText(Path.Combine(_scratch.Folder, "model.json"), "{}");
        File.WriteAllBytes(Path.Combine(_scratch.Folder, "head.onnx"), [1, 2, 3]);
        var handler = new RecordingHandler("""{"model":"m","version":"3","created":true,"isDefault":true,"state":"READY"}""");
        using var http = new HttpClient(handler);

        var result = await new ModelPusher(http).PushAsync(new Uri("http://localhost:7071/"), "m", _scratch.Folder, "secret", promote: true, "better", CancellationToken.None);
        var first = handler.Requests.Single();
        await new ModelPusher(http).PushAsync(new Uri("http://localhost:7071/"), "m", _scratch.Folder, "secret", promote: true, null, CancellationToken.None);

        Assert.Equal(new PushResult("3", true, true, "READY"), result);
        Assert.Equal("http://localhost:7071/api/models/m/versions", first.Uri);
        Assert.Equal("secret", first.Key);
        Assert.Contains("filename=head.onnx", first.Body, StringComparison.Ordinal);
        Assert.Contains("filename=model.json", first.Body, StringComparison.Ordinal);
        Assert.Contains("name=promote", first.Body, StringComparison.Ordinal);
        Assert.Equal(first.IdempotencyKey, handler.Requests[1].IdempotencyKey);
    }

    [Fact]
    public async Task A_refusal_is_a_usage_error_with_the_apps_detail()
    {
        File.WriteAllText(Path.Combine(_scratch.Folder, "model.json"), "{}");
        using var http = new HttpClient(new RecordingHandler("""{"type":"urn:smartcity:problem:invalid-package","detail":"The package has no model.onnx."}""", HttpStatusCode.BadRequest));

        var error = await Assert.ThrowsAsync<UsageException>(() => new ModelPusher(http).PushAsync(new Uri("http://localhost:7071/"), "m", _scratch.Folder, null, false, null, CancellationToken.None));

        Assert.Equal("The app refused the push (400): The package has no model.onnx.", error.Message);
    }

    private sealed class RecordingHandler(string answer, HttpStatusCode status = HttpStatusCode.Created) : HttpMessageHandler
    {
        public List<(string Uri, string? Key, string? IdempotencyKey, string Body)> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = await request.Content!.ReadAsStringAsync(cancellationToken);
            Requests.Add((request.RequestUri!.ToString(), request.Headers.TryGetValues("x-functions-key", out var key) ? key.Single() : null, request.Headers.GetValues("Idempotency-Key").Single(), body));
            return new HttpResponseMessage(status) { Content = new StringContent(answer, Encoding.UTF8, "application/json") };
        }
    }
}
