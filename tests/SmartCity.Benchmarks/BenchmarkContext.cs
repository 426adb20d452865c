using SmartCity.Inference;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Benchmarks;

/// <summary>What every scenario shares: where things are, the frames, and how hard to try.</summary>
public sealed class BenchmarkContext
{
    public const string VehicleType = "vehicle-type";
    public const string Embedding = "resnet18-embedding";

    public BenchmarkContext(string repositoryRoot, string modelsPath, string framesFolder, IReadOnlyList<Frame> frames, bool quick, string outputFolder)
    {
        RepositoryRoot = repositoryRoot;
        ModelsPath = modelsPath;
        FramesFolder = framesFolder;
        Frames = frames;
        Quick = quick;
        OutputFolder = outputFolder;
        Repository = new ModelRepository(modelsPath);
    }

    public string RepositoryRoot { get; }

    public string ModelsPath { get; }

    public string FramesFolder { get; }

    public IReadOnlyList<Frame> Frames { get; }

    public bool Quick { get; }

    public string OutputFolder { get; }

    public ModelRepository Repository { get; }

    /// <summary>Batch sizes of the raw baseline.</summary>
    public IReadOnlyList<int> BatchSizes => Quick ? [1, 4] : [1, 4, 8, 16];

    /// <summary>Concurrent callers of the throughput scenario.</summary>
    public IReadOnlyList<int> Concurrency => Quick ? [1, 4] : [1, 4, 16, 64];

    /// <summary>Maximum batch sizes compared for the batcher's gain.</summary>
    public IReadOnlyList<int> MaxBatchSizes => Quick ? [1, 4] : [1, 4, 8, 16];

    /// <summary>Callers of the batcher-gain comparison.</summary>
    public int GainCallers => Quick ? 4 : 16;

    /// <summary>An engine over the real models with the defaults the function app uses, unless told otherwise.</summary>
    public InferenceEngine CreateEngine(int maxBatchSize = 16, bool scaledDecode = true, string? optimizedModelCachePath = null)
    {
        var options = new InferenceOptions
        {
            ModelsPath = ModelsPath,
            MaxBatchSize = maxBatchSize,
            ScaledDecode = scaledDecode,
            OptimizedModelCache = optimizedModelCachePath is not null,
            OptimizedModelCachePath = optimizedModelCachePath,
        };
        return new InferenceEngine(new ModelRepository(options.ResolvedModelsPath), options);
    }

    /// <summary>The folder holding SmartCity.Serverless.sln, walking up from <paramref name="start"/>.</summary>
    public static string? FindRepositoryRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SmartCity.Serverless.sln")))
            {
                return directory.FullName;
            }
        }

        return null;
    }

    /// <summary>The shared camera frames beside the repository, else the three committed samples.</summary>
    public static string FindFramesFolder(string repositoryRoot)
    {
        var shared = Path.GetFullPath(Path.Combine(repositoryRoot, "..", "shared", "data", "traffic-cameras"));
        if (Directory.Exists(shared) && Directory.EnumerateFiles(shared, "*.jpg").Any())
        {
            return shared;
        }

        return Path.Combine(repositoryRoot, "tests", "samples", "traffic-cameras");
    }

    public static IReadOnlyList<Frame> LoadFrames(string folder, int count) =>
        [.. Directory.EnumerateFiles(folder, "*.jpg")
            .Order(StringComparer.Ordinal)
            .Take(count)
            .Select(f => new Frame(Path.GetFileName(f), File.ReadAllBytes(f)))];
}
