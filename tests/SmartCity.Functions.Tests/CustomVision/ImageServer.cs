using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SmartCity.Functions.Tests.CustomVision;

/// <summary>
/// A real HTTP server (Kestrel, in-process, on 127.0.0.1 and a free port) that the <c>/url</c>
/// tests fetch from: an image, a large body with and without Content-Length, a slow answer,
/// redirects, a 404.
/// </summary>
internal sealed class ImageServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private readonly StrongBox<int> _requests;

    private ImageServer(WebApplication app, int port, StrongBox<int> requests)
    {
        _app = app;
        Port = port;
        _requests = requests;
    }

    public int Port { get; }

    /// <summary>http://127.0.0.1:port/path</summary>
    public string Url(string path) => $"http://127.0.0.1:{Port}/{path.TrimStart('/')}";

    /// <summary>The same server under another name (<c>localhost</c>), for redirects to an unlisted host.</summary>
    public string LocalhostUrl(string path) => $"http://localhost:{Port}/{path.TrimStart('/')}";

    /// <summary>Requests the server has answered (or begun to).</summary>
    public int Requests => Volatile.Read(ref _requests.Value);

    public static async Task<ImageServer> StartAsync(byte[] image, byte[] detectorImage)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var requests = new StrongBox<int>();
        app.Use(async (context, next) =>
        {
            Interlocked.Increment(ref requests.Value);
            await next(context);
        });
        app.MapGet("/red.png", () => Results.Bytes(image, "image/png"));
        app.MapGet("/white.png", () => Results.Bytes(detectorImage, "image/png"));
        app.MapGet("/big.bin", () => Results.Bytes(new byte[64 * 1024], "application/octet-stream"));
        app.MapGet("/big-chunked", async (HttpContext context) =>
        {
            context.Response.ContentType = "application/octet-stream";
            for (var i = 0; i < 16; i++)
            {
                await context.Response.Body.WriteAsync(new byte[4096]);
                await context.Response.Body.FlushAsync();
            }
        });
        app.MapGet("/slow", async (HttpContext context) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(20), context.RequestAborted);
            return Results.Bytes(image, "image/png");
        });
        app.MapGet("/redirect-listed", () => Results.Redirect("/red.png"));
        app.MapGet("/redirect-unlisted", (HttpContext context) => Results.Redirect($"http://localhost:{context.Connection.LocalPort}/red.png"));
        app.MapGet("/redirect-loop", () => Results.Redirect("/redirect-loop"));
        app.MapGet("/missing", () => Results.NotFound());
        await app.StartAsync();
        var address = new Uri(app.Urls.First());
        return new ImageServer(app, address.Port, requests);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
