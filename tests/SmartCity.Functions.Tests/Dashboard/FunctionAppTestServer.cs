using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SmartCity.Functions.Http;
using SmartCity.Functions.Security;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace SmartCity.Functions.Tests.Dashboard;

/// <summary>
/// The function app's HTTP functions on a real socket, for a browser: Kestrel on 127.0.0.1 (a free
/// port) maps each function of the app's <c>functions.metadata</c> (its route under <c>/api</c>, its
/// methods and its key level, as the host reads them) to the real function class, with Kestrel's own
/// <see cref="HttpContext"/>. Around the call it does what the host and the worker's middleware do:
/// the key check of Azure (<see cref="Key"/>: an <c>x-functions-key</c> on every non-anonymous route,
/// else a bare 401 as the host answers), the app's role check (<see cref="AppRoleMiddleware"/> when
/// <see cref="EasyAuth"/> is on), the failure mapping (<see cref="ProblemDetailsMiddleware.Map"/>),
/// and the <see cref="IActionResult"/> executed into the response. Every request is recorded.
/// </summary>
internal sealed class FunctionAppTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FunctionAppTestServer(WebApplication app, Uri address, EasyAuthOptions easyAuth)
    {
        _app = app;
        BaseAddress = address;
        EasyAuth = easyAuth;
    }

    /// <summary><c>http://127.0.0.1:port/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Whether the app requires its app roles (as with <c>EasyAuth__Enabled=true</c>); off by default.</summary>
    public EasyAuthOptions EasyAuth { get; }

    /// <summary>The key every non-anonymous route wants, as the host in Azure does; null checks none (as Core Tools).</summary>
    public string? Key { get; set; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Starts the server with an invoker per function name; functions of the metadata without one are not mapped.</summary>
    public static async Task<FunctionAppTestServer> StartAsync(IReadOnlyDictionary<string, Func<HttpRequest, Task<IActionResult>>> functions)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddRouting();
        var app = builder.Build();
        var easyAuth = new EasyAuthOptions();
        var roles = new AppRoleMiddleware(MsOptions.Create(easyAuth), NullLogger<AppRoleMiddleware>.Instance);
        FunctionAppTestServer? server = null;
        var mapped = 0;
        foreach (var (name, route, methods, level) in HttpTriggers())
        {
            if (!functions.TryGetValue(name, out var invoke))
            {
                continue;
            }

            mapped++;
            app.MapMethods("api/" + route, methods, async context =>
            {
                server!.Requests.Enqueue(new RecordedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, name, context.Request.Headers["x-functions-key"].ToString()));
                if (level != "Anonymous" && server.Key is { } key && context.Request.Headers["x-functions-key"] != key)
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return;
                }

                IActionResult result;
                try
                {
                    result = roles.RefusalFor(name, context.Request) ?? await invoke(context.Request);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    result = ProblemDetailsMiddleware.Map(exception, context.Request, NullLogger.Instance);
                }

                await result.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
            });
        }

        Assert.Equal(functions.Count, mapped);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server = new FunctionAppTestServer(app, new Uri(address.TrimEnd('/') + "/"), easyAuth);
        return server;
    }

    /// <summary>Route value <paramref name="name"/> of a request (a function's route parameter).</summary>
    public static string Route(HttpRequest request, string name) => (string)request.RouteValues[name]!;

    /// <summary>The HTTP triggers of the app, as the Worker SDK wrote them for the host.</summary>
    private static IEnumerable<(string Name, string Route, string[] Methods, string Level)> HttpTriggers()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(TestPaths.FunctionsMetadata));
        foreach (var function in document.RootElement.EnumerateArray())
        {
            foreach (var binding in function.GetProperty("bindings").EnumerateArray().Where(b => b.GetProperty("type").GetString() == "httpTrigger"))
            {
                yield return (
                    function.GetProperty("name").GetString()!,
                    binding.GetProperty("route").GetString()!,
                    [.. binding.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant())],
                    binding.GetProperty("authLevel").GetString()!);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    internal sealed record RecordedRequest(string Method, string PathAndQuery, string Function, string Key);
}
