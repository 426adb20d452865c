using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;

namespace SmartCity.Cli.Push;

/// <summary>
/// Publishes a model version folder through the function app's repository API
/// (<c>POST /api/models/{model}/versions</c>, multipart, one part per file, with the master key):
/// the app validates the package before writing anything and records the push in the model's
/// history. The <c>Idempotency-Key</c> is a hash of the files, so pushing the same folder again
/// publishes it once.
/// </summary>
internal sealed class ModelPusher(HttpClient http)
{
    public const string KeyVariable = "SMARTCITY_ADMIN_KEY";

    public async Task<PushResult> PushAsync(Uri host, string model, string folder, string? key, bool promote, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (!Directory.Exists(folder))
        {
            throw new UsageException($"The version folder '{folder}' does not exist.");
        }

        var files = Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToList();
        using var content = new MultipartFormDataContent();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            var bytes = await File.ReadAllBytesAsync(file, cancellationToken);
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(file) + "\n"));
            hash.AppendData(bytes);
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Add(part, "files", Path.GetFileName(file));
        }

        content.Add(new StringContent(promote ? "true" : "false"), "promote");
        if (!string.IsNullOrWhiteSpace(reason))
        {
            content.Add(new StringContent(reason), "reason");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host, $"api/models/{Uri.EscapeDataString(model)}/versions")) { Content = content };
        request.Headers.Add("Idempotency-Key", Convert.ToHexStringLower(hash.GetHashAndReset())[..32]);
        if (!string.IsNullOrEmpty(key))
        {
            request.Headers.Add("x-functions-key", key);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new UsageException($"The app refused the push ({(int)response.StatusCode}): {Detail(body)}");
        }

        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        return new PushResult(root.GetProperty("version").GetString()!, root.GetProperty("created").GetBoolean(), root.GetProperty("isDefault").GetBoolean(), root.GetProperty("state").GetString()!);
    }

    private static string Detail(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() ?? body : body;
        }
        catch (JsonException)
        {
            return body.Length == 0 ? "(no body; 401 means the master key is missing or wrong)" : body;
        }
    }
}
