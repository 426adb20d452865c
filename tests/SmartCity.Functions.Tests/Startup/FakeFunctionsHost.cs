using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SmartCity.Functions.Tests.Startup.Rpc;

namespace SmartCity.Functions.Tests.Startup;

/// <summary>
/// Plays the Functions host's side of a worker start: listens for the worker's gRPC stream on
/// loopback, starts the built app as the host does (<c>dotnet SmartCity.Functions.dll</c> with the
/// host's command-line arguments and the app settings as environment variables), then sends the
/// init request, asks for the function metadata (worker indexing) and loads every function, as
/// the host does before it serves a request. What the worker answered is kept for the test.
/// </summary>
internal sealed class FakeFunctionsHost : IAsyncDisposable
{
    private readonly WebApplication _server;
    private readonly WorkerStream _stream;
    private readonly StringBuilder _output = new();
    private Process? _worker;

    private FakeFunctionsHost(WebApplication server, WorkerStream stream)
    {
        _server = server;
        _stream = stream;
    }

    /// <summary>Log lines the worker sent over the stream (level, category, message, exception).</summary>
    public IReadOnlyCollection<RpcLog> Logs => _stream.Logs;

    /// <summary>What the worker wrote on stdout and stderr.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<FakeFunctionsHost> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(o => o.MaxReceiveMessageSize = null);
        var stream = new WorkerStream();
        builder.Services.AddSingleton(stream);
        var host = new FakeFunctionsHost(builder.Build(), stream);
        host._server.MapGrpcService<WorkerStream>();
        await host._server.StartAsync();
        return host;
    }

    private Uri ServerUri => new(_server.Urls.First().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");

    /// <summary>
    /// Starts the app in <paramref name="appDirectory"/> with exactly <paramref name="settings"/>
    /// as its app settings (the test's own environment is not passed on, except what .NET needs).
    /// </summary>
    public void StartWorker(string appDirectory, IReadOnlyDictionary<string, string> settings)
    {
        var workerId = Guid.NewGuid().ToString();
        var requestId = Guid.NewGuid().ToString();
        _stream.AppDirectory = appDirectory;
        var uri = ServerUri;
        // The arguments RpcWorkerContext.GetFormattedArguments() of the host gives a worker.
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = appDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            Path.Combine(appDirectory, "SmartCity.Functions.dll"),
            "--host", uri.Host, "--port", uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--workerId", workerId, "--requestId", requestId, "--grpcMaxMessageLength", "2147483647",
            "--functions-uri", uri.AbsoluteUri, "--functions-worker-id", workerId,
            "--functions-request-id", requestId, "--functions-grpc-max-message-length", "2147483647",
        })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Clear();
        foreach (var name in new[] { "PATH", "HOME", "DOTNET_ROOT", "TMPDIR" })
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                info.Environment[name] = value;
            }
        }

        foreach (var (key, value) in settings)
        {
            info.Environment[key] = value;
        }

        // What RpcWorkerProcess.CreateWorkerProcess() of the host adds for every worker.
        info.Environment["FUNCTIONS_WORKER_DIRECTORY"] = appDirectory;
        info.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = appDirectory;

        _worker = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        _worker.OutputDataReceived += (_, e) => Append(e.Data);
        _worker.ErrorDataReceived += (_, e) => Append(e.Data);
        _worker.BeginOutputReadLine();
        _worker.BeginErrorReadLine();
    }

    /// <summary>
    /// Waits until every function the worker indexed has answered its load request, or the worker
    /// exits, or the time is up; returns what happened.
    /// </summary>
    public async Task<WorkerStartResult> WaitForFunctionsLoadedAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        var exited = _worker!.WaitForExitAsync(cancellation.Token);
        var loaded = _stream.AllLoaded.Task.WaitAsync(cancellation.Token);
        try
        {
            await Task.WhenAny(exited, loaded);
        }
        catch (OperationCanceledException)
        {
        }

        return new WorkerStartResult(
            _worker.HasExited ? _worker.ExitCode : null,
            _stream.InitResponse,
            _stream.MetadataResponse,
            [.. _stream.LoadResponses.Values],
            loaded.IsCompletedSuccessfully);
    }

    /// <summary>Waits until the worker sends a log line that matches, or the time is up.</summary>
    public async Task<bool> WaitForLogAsync(Func<RpcLog, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!_stream.Logs.Any(match))
        {
            if (DateTime.UtcNow > deadline || _worker is { HasExited: true })
            {
                return false;
            }

            await Task.Delay(50);
        }

        return true;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_worker is { HasExited: false })
        {
            _worker.Kill(entireProcessTree: true);
            await _worker.WaitForExitAsync();
        }

        _worker?.Dispose();
        await _server.StopAsync();
        await _server.DisposeAsync();
    }

    /// <summary>The host end of the worker's event stream.</summary>
    private sealed class WorkerStream : FunctionRpc.FunctionRpcBase
    {
        public string AppDirectory { get; set; } = string.Empty;

        public ConcurrentQueue<RpcLog> Logs { get; } = new();

        public ConcurrentDictionary<string, FunctionLoadResponse> LoadResponses { get; } = new();

        public TaskCompletionSource AllLoaded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public WorkerInitResponse? InitResponse { get; private set; }

        public FunctionMetadataResponse? MetadataResponse { get; private set; }

        public override async Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context)
        {
            var expectedLoads = 0;
            await foreach (var message in requestStream.ReadAllAsync(context.CancellationToken))
            {
                switch (message.ContentCase)
                {
                    case StreamingMessage.ContentOneofCase.StartStream:
                        await responseStream.WriteAsync(new StreamingMessage
                        {
                            RequestId = Guid.NewGuid().ToString(),
                            WorkerInitRequest = new WorkerInitRequest { HostVersion = "4.1037.0", FunctionAppDirectory = AppDirectory, WorkerDirectory = AppDirectory },
                        });
                        break;
                    case StreamingMessage.ContentOneofCase.WorkerInitResponse:
                        InitResponse = message.WorkerInitResponse;
                        await responseStream.WriteAsync(new StreamingMessage
                        {
                            RequestId = Guid.NewGuid().ToString(),
                            FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = AppDirectory },
                        });
                        break;
                    case StreamingMessage.ContentOneofCase.FunctionMetadataResponse:
                        MetadataResponse = message.FunctionMetadataResponse;
                        expectedLoads = MetadataResponse.FunctionMetadataResults.Count;
                        if (expectedLoads == 0)
                        {
                            AllLoaded.TrySetResult();
                        }

                        foreach (var function in MetadataResponse.FunctionMetadataResults)
                        {
                            await responseStream.WriteAsync(new StreamingMessage
                            {
                                RequestId = Guid.NewGuid().ToString(),
                                FunctionLoadRequest = new FunctionLoadRequest { FunctionId = function.FunctionId, Metadata = function },
                            });
                        }

                        break;
                    case StreamingMessage.ContentOneofCase.FunctionLoadResponse:
                        LoadResponses[message.FunctionLoadResponse.FunctionId] = message.FunctionLoadResponse;
                        if (LoadResponses.Count == expectedLoads)
                        {
                            AllLoaded.TrySetResult();
                        }

                        break;
                    case StreamingMessage.ContentOneofCase.RpcLog:
                        Logs.Enqueue(message.RpcLog);
                        break;
                }
            }
        }
    }
}
