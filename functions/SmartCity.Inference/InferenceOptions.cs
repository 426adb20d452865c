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

    /// <summary>
    /// Threads ONNX Runtime uses inside one operator; 0 means <see cref="Environment.ProcessorCount"/>,
    /// the processors this process may use (.NET takes CPU affinity and cgroup quotas into account;
    /// ONNX Runtime's own default chooses from the hardware itself).
    /// </summary>
    [SettingRange(0, 256, ErrorMessage = "Inference:IntraOpThreads must be between {1} and {2}.")]
    public int IntraOpThreads { get; set; }

    /// <summary>
    /// ONNX Runtime's CPU memory arena: keeps the largest activations it has allocated for reuse.
    /// With batch sizes that vary (the dynamic batcher), the arena grows to the largest batch and
    /// never shrinks; off, activations are allocated and freed per <c>Run</c>. On by default: in three
    /// footprint runs (README, Performance) it gave the lower peak, at the same speed.
    /// </summary>
    public bool EnableCpuMemArena { get; set; } = true;

    /// <summary>
    /// ONNX Runtime's memory pattern: plans one block for all activations of an input shape and
    /// keeps the plan (and, with the arena, the block) per shape seen. On by default, with the arena.
    /// </summary>
    public bool EnableMemoryPattern { get; set; } = true;

    /// <summary>Most requests the dynamic batcher puts in one <c>Run</c> (Triton's <c>max_batch_size</c>); a model's manifest may set its own.</summary>
    [SettingRange(ModelRepository.MinBatchSize, ModelRepository.MaxBatchSize, ErrorMessage = "Inference:MaxBatchSize must be between {1} and {2}.")]
    public int MaxBatchSize { get; set; } = 16;

    /// <summary>Longest a request waits for others to join its batch (Triton's <c>max_queue_delay_microseconds</c>, in ms); a model's manifest may set its own.</summary>
    [SettingRange(0, ModelRepository.MaxQueueDelayMs, ErrorMessage = "Inference:MaxQueueDelayMs must be between {1} and {2}.")]
    public int MaxQueueDelayMs { get; set; } = 4;

    /// <summary>Requests that may wait per model before new ones are refused (HTTP 429/503, blob retry).</summary>
    [SettingRange(1, 100_000, ErrorMessage = "Inference:MaxQueueLength must be between {1} and {2}.")]
    public int MaxQueueLength { get; set; } = 256;

    /// <summary>
    /// Longest a background caller (the camera pipeline) waits for room in a full queue before it
    /// fails (and the host retries it). HTTP callers never wait: they get a 503 at once.
    /// </summary>
    [SettingRange(0, 600_000, ErrorMessage = "Inference:MaxQueueWaitMs must be between {1} and {2}.")]
    public int MaxQueueWaitMs { get; set; } = 30_000;

    /// <summary>Comma-separated models loaded and warmed in the background at start; readiness waits for them.</summary>
    [RegularExpression(@"^\s*([A-Za-z0-9][A-Za-z0-9._-]*\s*(,\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*)*)?$", ErrorMessage = "Inference:WarmUpModels must be a comma-separated list of model names.")]
    public string WarmUpModels { get; set; } = string.Empty;

    /// <summary>
    /// Most full-size image decodes at once (default 0: one per processor). An image that cannot
    /// be decoded at the size the model needs (PNG, or a progressive JPEG, over a megapixel) takes
    /// memory in proportion to its pixels (up to 4 bytes each, 160 MB at 40 megapixels) while it
    /// is decoded; more such images wait for a place.
    /// </summary>
    [SettingRange(0, 256, ErrorMessage = "Inference:MaxFullSizeDecodes must be between {1} and {2}.")]
    public int MaxFullSizeDecodes { get; set; }

    /// <summary>Decode every image at the smallest size that covers the model input. Turn off only to measure.</summary>
    public bool ScaledDecode { get; set; } = true;

    /// <summary>
    /// How often, in seconds, the repository is read again from its external source (when one is
    /// registered, see <see cref="Models.IModelVersionSource"/>): every instance serves a newly
    /// published version, and drops a retired one, within this interval.
    /// </summary>
    [SettingRange(1, 3600, ErrorMessage = "Inference:RepositoryRefreshSeconds must be between {1} and {2}.")]
    public int RepositoryRefreshSeconds { get; set; } = 30;

    /// <summary>
    /// Cells per side of the occlusion grid of an explanation: one explanation runs
    /// grid x grid + 1 items through the model (default 7: 50 items; a 2x2-tiled model reads 4 backbone images per item).
    /// </summary>
    [SettingRange(Runtime.InferenceEngine.MinExplainGrid, Runtime.InferenceEngine.MaxExplainGrid, ErrorMessage = "Inference:ExplainGrid must be between {1} and {2}.")]
    public int ExplainGrid { get; set; } = 7;

    /// <summary>Caches ONNX Runtime's optimised models between starts in <see cref="OptimizedModelCachePath"/>.</summary>
    public bool OptimizedModelCache { get; set; } = true;

    /// <summary>Folder of the optimised-model cache; empty means <c>smartcity-onnx-cache</c> under <see cref="Path.GetTempPath"/> (writable on Flex Consumption).</summary>
    public string? OptimizedModelCachePath { get; set; }

    /// <summary>The cache folder, or null when the cache is off.</summary>
    public string? ResolvedOptimizedModelCachePath => !OptimizedModelCache
        ? null
        : string.IsNullOrWhiteSpace(OptimizedModelCachePath) ? Path.Combine(Path.GetTempPath(), "smartcity-onnx-cache") : OptimizedModelCachePath;

    /// <summary>The intra-op threads a session gets: <see cref="IntraOpThreads"/>, or the processors this process may use.</summary>
    public int ResolvedIntraOpThreads => IntraOpThreads > 0 ? IntraOpThreads : Environment.ProcessorCount;

    public string ResolvedModelsPath => string.IsNullOrWhiteSpace(ModelsPath)
        ? Path.Combine(AppContext.BaseDirectory, "models")
        : ModelsPath;

    public IReadOnlyList<string> WarmUpModelNames =>
        WarmUpModels.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
