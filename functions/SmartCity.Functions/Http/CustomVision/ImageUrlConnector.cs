using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace SmartCity.Functions.Http.CustomVision;

/// <summary>Resolves a host name to its addresses (the system's DNS in the app; a fixed answer in tests).</summary>
public delegate Task<IPAddress[]> HostResolver(string host, CancellationToken cancellationToken);

/// <summary>
/// The connections of the <c>/url</c> fetches: the host is resolved here, every address it resolves
/// to is checked with <see cref="ImageUrlPolicy.MayConnect"/>, and the socket connects to a checked
/// address, so a name that resolves to a public address at the check and a private one at the
/// connection (DNS rebinding) cannot get through. No proxy (it would connect elsewhere), no
/// redirects (<see cref="ImageUrlFetcher"/> checks each hop), no cookies, no credentials.
/// </summary>
public sealed class ImageUrlConnector(IOptions<CustomVisionOptions> options, HostResolver resolve)
{
    public SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        Credentials = null,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = TimeSpan.FromSeconds(options.Value.UrlTimeoutSeconds),
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = ConnectAsync,
    };

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host.Trim('[', ']');
        if (!ImageUrlPolicy.IsListed(host, options.Value.UrlHostList))
        {
            throw new ImageUrlRefusedException($"Host '{host}' is not in CustomVision:UrlAllowedHosts.");
        }

        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await resolve(host, cancellationToken);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        if (addresses.FirstOrDefault(a => !ImageUrlPolicy.MayConnect(host, a)) is { } refused)
        {
            throw new ImageUrlRefusedException(ImageUrlPolicy.IsLoopbackEntry(host)
                ? $"Host '{host}' resolves to {refused}, which is not a loopback address."
                : $"Host '{host}' resolves to {refused}, a private, loopback, link-local or reserved address: the app fetches only from public addresses.");
        }

        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }
}

/// <summary>A connection the SSRF guard refused (the host's address is not one the app may reach).</summary>
public sealed class ImageUrlRefusedException(string message) : IOException(message);
