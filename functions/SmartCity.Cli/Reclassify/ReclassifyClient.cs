using System.Net;
using System.Text;
using System.Text.Json;

namespace SmartCity.Cli.Reclassify;

/// <summary>
/// Calls the app's reclassification routes with the master key: <c>POST /api/cameras/reclassifications</c>
/// (202, or 200 with the job of the same request when it is running) and <c>GET .../{id}</c>.
/// A refusal is a <see cref="UsageException"/> with the app's problem detail.
/// </summary>
internal sealed class ReclassifyClient(HttpClient http, Uri host, string? key)
{
    public async Task<(ReclassifyStatus Job, bool Created)> StartAsync(string body, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Post, "api/cameras/reclassifications");
        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new UsageException($"The app refused the reclassification ({(int)response.StatusCode}): {Detail(text)}");
        }

        return (ReclassifyStatus.Parse(text), response.StatusCode == HttpStatusCode.Accepted);
    }

    public async Task<ReclassifyStatus> GetAsync(string id, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, $"api/cameras/reclassifications/{Uri.EscapeDataString(id)}");
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new UsageException($"The app did not answer reclassification '{id}' ({(int)response.StatusCode}): {Detail(text)}");
        }

        return ReclassifyStatus.Parse(text);
    }

    private HttpRequestMessage Request(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(host, path));
        if (!string.IsNullOrEmpty(key))
        {
            request.Headers.Add("x-functions-key", key);
        }

        return request;
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
