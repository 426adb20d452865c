using System.Buffers;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;

namespace SmartCity.Functions.Http.CustomVision;

/// <summary>
/// Fetches the image of a <c>/url</c> call: only from a host of <c>CustomVision:UrlAllowedHosts</c>
/// (none by default: every call is refused), over https (http only for a listed loopback entry), at
/// a public address (checked by <see cref="ImageUrlConnector"/> on the connection itself), up to
/// <c>Http:MaxBodyBytes</c>, within <c>CustomVision:UrlTimeoutSeconds</c> for every hop and the
/// whole body. Redirects are followed by hand, each hop checked as the first; at most
/// <see cref="MaxRedirects"/>. Every failure is a <see cref="CustomVisionException"/> (403 or 400).
/// </summary>
public sealed class ImageUrlFetcher(IHttpClientFactory clients, IOptions<CustomVisionOptions> options)
{
    /// <summary>The named <see cref="HttpClient"/> (its handler from <see cref="ImageUrlConnector"/>).</summary>
    public const string ClientName = "CustomVision.ImageUrl";

    public const int MaxRedirects = 5;

    public async Task<ReadOnlyMemory<byte>> FetchAsync(string url, long maxBytes, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var hosts = settings.UrlHostList;
        if (hosts.Count == 0)
        {
            throw CustomVisionException.UrlForbidden("Images are not fetched from URLs here: no host is allowed (setting CustomVision:UrlAllowedHosts is empty). Send the image itself to the /image route.");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw CustomVisionException.UrlInvalid("The url is not an absolute http or https URL.");
        }

        var timeout = TimeSpan.FromSeconds(settings.UrlTimeoutSeconds);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var client = clients.CreateClient(ClientName);
        try
        {
            for (var hop = 0; hop <= MaxRedirects; hop++)
            {
                Check(uri, hosts);
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                request.Headers.Accept.ParseAdd("image/*");
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
                if (IsRedirect(response.StatusCode))
                {
                    if (response.Headers.Location is not { } location)
                    {
                        throw CustomVisionException.UrlInvalid($"The image URL answered {(int)response.StatusCode} without a Location.");
                    }

                    uri = location.IsAbsoluteUri ? location : new Uri(uri, location);
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    throw CustomVisionException.UrlInvalid($"The image URL answered {(int)response.StatusCode} {response.ReasonPhrase}.");
                }

                if (response.Content.Headers.ContentLength is { } declared && declared > maxBytes)
                {
                    throw CustomVisionException.ImageTooLarge(maxBytes);
                }

                await using var body = await response.Content.ReadAsStreamAsync(deadline.Token);
                return await ReadLimitedAsync(body, maxBytes, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw CustomVisionException.UrlInvalid(string.Create(CultureInfo.InvariantCulture, $"The image URL did not answer within {settings.UrlTimeoutSeconds} s (setting CustomVision:UrlTimeoutSeconds)."));
        }
        catch (HttpRequestException ex) when (Refusal(ex) is { } refusal)
        {
            throw CustomVisionException.UrlForbidden(refusal.Message);
        }
        catch (HttpRequestException ex)
        {
            throw CustomVisionException.UrlInvalid($"The image URL cannot be fetched ({ex.HttpRequestError}).");
        }
        catch (IOException)
        {
            throw CustomVisionException.UrlInvalid("The image URL's answer broke off.");
        }

        throw CustomVisionException.UrlInvalid(string.Create(CultureInfo.InvariantCulture, $"The image URL redirects more than {MaxRedirects} times."));
    }

    /// <summary>Each hop: a listed host, and https unless the host is a listed loopback entry.</summary>
    private static void Check(Uri uri, IReadOnlyList<string> hosts)
    {
        var host = ImageUrlPolicy.HostOf(uri);
        if (!ImageUrlPolicy.IsListed(host, hosts))
        {
            throw CustomVisionException.UrlForbidden($"Host '{host}' is not in CustomVision:UrlAllowedHosts: images are fetched only from the hosts listed there.");
        }

        if (uri.Scheme != Uri.UriSchemeHttps && !ImageUrlPolicy.IsLoopbackEntry(host))
        {
            throw CustomVisionException.UrlForbidden($"'{uri.Scheme}' is refused for host '{host}': images are fetched over https only (http only from a loopback entry, for local development).");
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            throw CustomVisionException.UrlInvalid("The url carries credentials (user info), which are not sent.");
        }
    }

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static ImageUrlRefusedException? Refusal(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is ImageUrlRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }

    private static async Task<ReadOnlyMemory<byte>> ReadLimitedAsync(Stream body, long limit, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        while (true)
        {
            var read = await body.ReadAsync(buffer.GetMemory(16 * 1024), cancellationToken);
            if (read == 0)
            {
                return buffer.WrittenMemory;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                throw CustomVisionException.ImageTooLarge(limit);
            }
        }
    }
}
