using System.ComponentModel.DataAnnotations;
using SmartCity.Inference.Models;

namespace SmartCity.Inference;

/// <summary>Settings of the engine, bound from the <c>Inference</c> configuration section.</summary>
public sealed class InferenceOptions
{
    public const string Section = "Inference";

    /// <summary>The models folder. Empty means <c>models</c> beside the application.</summary>
    public string? ModelsPath { get; set; }

    /// <summary>Images with more pixels than this are refused from their header, before decoding.</summary>
    [SettingRange(1d, 500_000_000d, ErrorMessage = "Inference:MaxPixels must be between {1} and {2}.")]
    public long MaxPixels { get; set; } = 40_000_000;

    /// <summary>Threads ONNX Runtime uses inside one operator; 0 lets it use every core.</summary>
    [SettingRange(0, 256, ErrorMessage = "Inference:IntraOpThreads must be between {1} and {2}.")]
    public int IntraOpThreads { get; set; }

    /// <summary>Most requests the dynamic batcher puts in one <c>Run</c> (Triton's <c>max_batch_size</c>); a model's manifest may set its own.</summary>
    [SettingRange(ModelRepository.MinBatchSize, ModelRepository.MaxBatchSize, ErrorMessage = "Inference:MaxBatchSize must be between {1} and {2}.")]
    public int MaxBatchSize { get; set; } = 16;

    /// <summary>Longest a request waits for others to join its batch (Triton's <c>max_queue_delay_microseconds</c>, in ms); a model's manifest may set its own.</summary>
    [SettingRange(0, ModelRepository.MaxQueueDelayMs, ErrorMessage = "Inference:MaxQueueDelayMs must be between {1} and {2}.")]
    public int MaxQueueDelayMs { get; set; } = 4;

    /// <summary>Requests that may wait per model before new ones are refused (HTTP 429/503, blob retry).</summary>
    [SettingRange(1, 100_000, ErrorMessage = "Inference:MaxQueueLength must be between {1} and {2}.")]
    public int MaxQueueLength { get; set; } = 256;

    /// <summary>Comma-separated models loaded and warmed in the background at start; readiness waits for them.</summary>
    [RegularExpression(@"^\s*([A-Za-z0-9][A-Za-z0-9._-]*\s*(,\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*)*)?$", ErrorMessage = "Inference:WarmUpModels must be a comma-separated list of model names.")]
    public string WarmUpModels { get; set; } = string.Empty;

    /// <summary>Decode JPEGs at the smallest codec scale that covers the model input. Turn off only to measure.</summary>
    public bool ScaledDecode { get; set; } = true;

    /// <summary>
    /// Cells per side of the occlusion grid of an explanation: one explanation runs
    /// grid x grid + 1 items through the model (default 7: 50 items; a 2x2-tiled model reads 4 backbone images per item).
    /// </summary>
    [SettingRange(Runtime.InferenceEngine.MinExplainGrid, Runtime.InferenceEngine.MaxExplainGrid, ErrorMessage = "Inference:ExplainGrid must be between {1} and {2}.")]
    public int ExplainGrid { get; set; } = 7;

    /// <summary>Folder where ONNX Runtime's optimised models are cached between starts; empty turns the cache off.</summary>
    public string? OptimizedModelCachePath { get; set; }

    public string ResolvedModelsPath => string.IsNullOrWhiteSpace(ModelsPath)
        ? Path.Combine(AppContext.BaseDirectory, "models")
        : ModelsPath;

    public IReadOnlyList<string> WarmUpModelNames =>
        WarmUpModels.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
