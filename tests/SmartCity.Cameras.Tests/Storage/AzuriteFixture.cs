using SmartCity.Inference;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Cameras.Tests.Storage;

/// <summary>
/// The Azurite that <c>scripts/test.sh</c> started (connection string in SMARTCITY_TEST_STORAGE),
/// and one engine over the bundled models shared by the collection (sessions are expensive).
/// Without Azurite the tests skip, except in CI (CI=true), where that is a failure.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public const string SkipMessage = "SMARTCITY_TEST_STORAGE is not set: run the Azurite tests with `bash scripts/test.sh`.";

    public string? ConnectionString { get; } = Environment.GetEnvironmentVariable("SMARTCITY_TEST_STORAGE");

    public bool Available => !string.IsNullOrWhiteSpace(ConnectionString);

    public InferenceEngine Engine { get; } = CreateEngine(new InferenceOptions { ModelsPath = TestPaths.Models });

    public static InferenceEngine CreateEngine(InferenceOptions options) => new(new ModelRepository(options.ResolvedModelsPath), options);

    public Task InitializeAsync()
    {
        if (!Available && string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("CI=true but SMARTCITY_TEST_STORAGE is not set: the Azurite tests must run (bash scripts/test.sh).");
        }

        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Engine.DisposeAsync();

    /// <summary>A pipeline on uniquely named containers and table; dispose to delete them.</summary>
    public CameraTestPipeline CreatePipeline(FaultPolicy? faults = null, InferenceEngine? engine = null, string? modelRoutes = null, long? maxImageBytes = null)
    {
        Skip.IfNot(Available, SkipMessage);
        return new CameraTestPipeline(ConnectionString!, engine ?? Engine, faults, modelRoutes, maxImageBytes);
    }
}
