using Microsoft.Extensions.Logging.Abstractions;
using SmartCity.Cameras.Tests.Storage;
using SmartCity.Functions.Http;
using SmartCity.Functions.Http.OpenInference;
using SmartCity.Functions.Http.Repository;
using SmartCity.Functions.Models;
using SmartCity.Functions.Training;
using SmartCity.Inference;
using SmartCity.Inference.Hosting;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace SmartCity.Functions.Tests.Models;

/// <summary>
/// One instance of the function app over a <see cref="ModelStorageAccount"/>, wired as
/// <c>AddTrainingJobs</c> wires it: its own engine over the bundled models, its own cache folder,
/// the blob repository as the engine's source, and the real function classes. Two instances over
/// one account behave as two instances of the app in Azure: they share nothing but storage.
/// </summary>
internal sealed class AppInstance : IAsyncDisposable
{
    private ModelRepositoryRefreshService? _refresh;

    public AppInstance(ModelStorageAccount account, FaultPolicy? faults = null, int refreshSeconds = 30, int imagesPerMessage = 100, int minImagesPerLabel = 10, string? modelsPath = null, Action<InferenceOptions>? configure = null)
    {
        Account = account;
        Cache = Path.Combine(Path.GetTempPath(), "smartcity-test-cache-" + Guid.NewGuid().ToString("N")[..8]);
        Options = new InferenceOptions { ModelsPath = modelsPath ?? TestPaths.Models, MaxBatchSize = 16, RepositoryRefreshSeconds = refreshSeconds };
        configure?.Invoke(Options);
        Engine = new InferenceEngine(new ModelRepository(Options.ResolvedModelsPath), Options);
        Clients = account.ClientsFor(faults);
        var repositoryOptions = MsOptions.Create(new ModelRepositoryOptions { Container = account.ModelsContainer, CachePath = Cache });
        var training = MsOptions.Create(new TrainingOptions
        {
            DataContainer = account.DataContainer,
            JobsContainer = account.JobsContainer,
            Queue = account.Queue,
            ImagesPerMessage = imagesPerMessage,
            MinImagesPerLabel = minImagesPerLabel,
        });
        var http = TestSupport.HttpOptions();
        Synchronizer = new ModelRepositorySynchronizer(Engine, [new BlobModelVersionSource(Clients, repositoryOptions)]);
        Store = new ModelRepositoryStore(Clients, repositoryOptions);
        Control = new ModelVersionControl(Engine, Synchronizer, Store, NullLogger<ModelVersionControl>.Instance);
        var publisher = new ModelPublisher(Engine, Synchronizer, Store, Control, NullLogger<ModelPublisher>.Instance);
        var repositoryApi = new RepositoryHandler(Engine, Synchronizer, publisher, Control, Store, http);
        Repository = new RepositoryFunctions(repositoryApi);
        Versions = new ModelVersionFunctions(repositoryApi);
        Models = new ModelFunctions(new ModelCatalog(Engine));
        Predict = new PredictFunctions(new PredictHandler(Engine, http));
        Explain = new ExplainFunctions(new PredictHandler(Engine, http));
        OpenInference = new OpenInferenceFunctions(new OpenInferenceHandler(Engine, http));
        Jobs = new TrainingJobStore(Clients, training);
        var steps = new TrainingStepSender(Clients, training);
        var runner = new TrainingJobRunner(Engine, Synchronizer, publisher, Jobs, steps, new TrainingDataReader(Clients, training), training, NullLogger<TrainingJobRunner>.Instance);
        var reader = new TrainingDataReader(Clients, training);
        var calibrations = new CalibrationJobRunner(Engine, Synchronizer, publisher, Jobs, reader, NullLogger<CalibrationJobRunner>.Instance);
        Training = new TrainingJobFunctions(new TrainingJobHandler(Jobs, steps, http));
        Calibrations = new CalibrationJobFunctions(new CalibrationJobHandler(Engine, Jobs, steps, reader, http));
        RunTrainingJob = new RunTrainingJob(runner, calibrations);
    }

    public ModelStorageAccount Account { get; }

    public string Cache { get; }

    public InferenceOptions Options { get; }

    public InferenceEngine Engine { get; }

    public ModelStorageClients Clients { get; }

    public ModelRepositorySynchronizer Synchronizer { get; }

    public ModelRepositoryStore Store { get; }

    public ModelVersionControl Control { get; }

    public RepositoryFunctions Repository { get; }

    public ModelVersionFunctions Versions { get; }

    public ModelFunctions Models { get; }

    public PredictFunctions Predict { get; }

    public ExplainFunctions Explain { get; }

    public OpenInferenceFunctions OpenInference { get; }

    public TrainingJobStore Jobs { get; }

    public TrainingJobFunctions Training { get; }

    public CalibrationJobFunctions Calibrations { get; }

    public RunTrainingJob RunTrainingJob { get; }

    /// <summary>Starts the refresh loop the app runs (<see cref="InferenceOptions.RepositoryRefreshSeconds"/>), after a first read.</summary>
    public async Task StartRefreshingAsync()
    {
        _refresh = new ModelRepositoryRefreshService(Synchronizer, MsOptions.Create(Options), NullLogger<ModelRepositoryRefreshService>.Instance);
        await _refresh.StartAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (_refresh is not null)
        {
            await _refresh.StopAsync(CancellationToken.None);
            _refresh.Dispose();
        }

        Synchronizer.Dispose();
        await Engine.DisposeAsync();
        if (Directory.Exists(Cache))
        {
            Directory.Delete(Cache, recursive: true);
        }
    }
}
