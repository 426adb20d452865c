using System.Net.Sockets;
using SmartCity.Inference.Runtime;

namespace SmartCity.Benchmarks.Scenarios;

/// <summary>
/// 6. The camera pipeline (blob in, classification out, results stored) against Azurite, named
/// by <c>SMARTCITY_TEST_STORAGE</c> (<c>source scripts/azurite.sh; start_azurite</c>). The pipeline is
/// being written on another branch: until its type is in this build the scenario says so, and
/// it also says so when Azurite does not answer.
/// </summary>
public sealed class CameraPipelineScenario : IBenchmarkScenario
{
    public const string StorageVariable = "SMARTCITY_TEST_STORAGE";

    public string Id => "camera-pipeline";

    public string Title => "6. Camera pipeline against Azurite";

    public async Task<ScenarioResult> RunAsync(BenchmarkContext context, BenchmarkFigures figures, CancellationToken cancellationToken)
    {
        var pipelineType = typeof(InferenceEngine).Assembly.GetTypes()
            .FirstOrDefault(t => t.Name.Contains("Camera", StringComparison.Ordinal) && t.Name.EndsWith("Pipeline", StringComparison.Ordinal));
        var connection = Environment.GetEnvironmentVariable(StorageVariable);
        var reachable = !string.IsNullOrWhiteSpace(connection) && await IsReachableAsync(BlobEndpoint(connection), cancellationToken);
        var storage = string.IsNullOrWhiteSpace(connection)
            ? $"{StorageVariable} is not set"
            : reachable ? "Azurite reachable" : "Azurite is not reachable at the blob endpoint";
        if (pipelineType is null)
        {
            return ScenarioResult.Skip(Id, Title, $"skipped: camera pipeline type not present in this build; {storage}");
        }

        return ScenarioResult.Skip(Id, Title, reachable
            ? $"skipped: {pipelineType.FullName} found but the scenario is not wired yet; {storage}"
            : $"skipped: {storage}");
    }

    /// <summary>The blob endpoint of a connection string (Azurite's default when it names none).</summary>
    internal static Uri BlobEndpoint(string connectionString)
    {
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && part[..equals].Equals("BlobEndpoint", StringComparison.OrdinalIgnoreCase))
            {
                return new Uri(part[(equals + 1)..]);
            }
        }

        return new Uri("http://127.0.0.1:10000/devstoreaccount1");
    }

    private static async Task<bool> IsReachableAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            await client.ConnectAsync(endpoint.Host, endpoint.Port, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
