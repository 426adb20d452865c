using SmartCity.Functions.Tests.Startup.Rpc;

namespace SmartCity.Functions.Tests.Startup;

/// <summary>What a worker did at start: its exit code if it died, and its answers to the host.</summary>
internal sealed record WorkerStartResult(
    int? ExitCode,
    WorkerInitResponse? Init,
    FunctionMetadataResponse? Metadata,
    IReadOnlyList<FunctionLoadResponse> Loads,
    bool AllLoaded);
