using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SmartCity.Inference.Imaging;
using SmartCity.Inference.Models;

using SmartCity.Inference.Telemetry;

namespace SmartCity.Inference.Runtime;

/// <summary>
/// The one engine every caller (HTTP, blob pipeline, CLI, benchmarks) uses. Sessions are
/// created lazily, once per model file, and shared (a backbone used by several heads is loaded
/// once); each served model version has a dynamic batcher, so concurrent callers share one
/// <c>Run</c>. Nothing is loaded in the constructor: start-up never waits for models.
/// </summary>
public sealed partial class InferenceEngine : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<OnnxModel>> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<ModelPipeline>> _pipelines = new(StringComparer.Ordinal);
    private readonly ILogger _logger;
    private readonly Lock _warmUpGate = new();
    private volatile string? _notReadyReason = "Models are not warmed up yet.";
    private Task? _warmUp;

    /// <summary>The app's engine, through dependency injection.</summary>
    public InferenceEngine(ModelRepository repository, IOptions<InferenceOptions> options, ILogger<InferenceEngine> logger)
        : this(repository, (options ?? throw new ArgumentNullException(nameof(options))).Value, logger)
    {
    }

    public InferenceEngine(ModelRepository repository, InferenceOptions options, ILogger<InferenceEngine>? logger = null)
    {
        Repository = repository;
        Options = options;
        Preprocessor = new ImagePreprocessor(options.MaxPixels, options.ScaledDecode, options.MaxFullSizeDecodes);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        if (options.WarmUpModelNames.Count == 0)
        {
            _notReadyReason = null;
        }
    }

    public ModelRepository Repository { get; }

    public InferenceOptions Options { get; }

    public ImagePreprocessor Preprocessor { get; }

    /// <summary>Null once the warm-up models are loaded and warmed; otherwise why not.</summary>
    public string? NotReadyReason => _notReadyReason;

    public bool IsLoaded(ModelVersion model) => _pipelines.TryGetValue(model.Id, out var lazy) && lazy.IsValueCreated;

    /// <summary>Starts loading and warming <see cref="InferenceOptions.WarmUpModels"/> in the background (once).</summary>
    public Task StartWarmUp(CancellationToken cancellationToken = default)
    {
        lock (_warmUpGate)
        {
            return _warmUp ??= Task.Run(() => WarmUpConfiguredAsync(cancellationToken), cancellationToken);
        }
    }

    private async Task WarmUpConfiguredAsync(CancellationToken cancellationToken)
    {
        foreach (var name in Options.WarmUpModelNames)
        {
            _notReadyReason = $"Loading model '{name}'.";
            try
            {
                await WarmUpAsync(Repository.Get(name), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InferenceException or OperationCanceledException)
            {
                // Readiness is answered anonymously: it says what failed; paths and ONNX Runtime's messages go to the log.
                _notReadyReason = ex is OperationCanceledException ? "The warm-up was cancelled." : $"Model '{name}' failed to load.";
                LogWarmUpFailed(_logger, name, ex);
                return;
            }
        }

        _notReadyReason = null;
    }

    /// <summary>Loads a model version's sessions and runs one item through them.</summary>
    public async Task WarmUpAsync(ModelVersion model, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var pipeline = GetPipeline(model);
        var values = new float[pipeline.ItemLength];
        await pipeline.Batcher.SubmitAsync(new TensorRequest(values, Stopwatch.GetTimestamp()), cancellationToken).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        LogWarmedUp(_logger, model.Id, elapsed);
    }

    public Task<Prediction> PredictAsync(string model, string? version, ReadOnlyMemory<byte> image, int top = 5, float threshold = 0f, CancellationToken cancellationToken = default) =>
        PredictAsync(Repository.Get(model, version), image, top, threshold, cancellationToken);

    /// <summary>Classifies (or embeds) one encoded image; a full queue fails at once (<see cref="QueueAdmission.RefuseWhenFull"/>).</summary>
    public Task<Prediction> PredictAsync(ModelVersion model, ReadOnlyMemory<byte> image, int top = 5, float threshold = 0f, CancellationToken cancellationToken = default) =>
        PredictAsync(model, image, top, threshold, QueueAdmission.RefuseWhenFull, cancellationToken);

    /// <summary>
    /// Classifies (or embeds) one encoded image, as <paramref name="admission"/> says when the
    /// model's queue is full: background callers (the camera pipeline) wait for room, at most
    /// <see cref="InferenceOptions.MaxQueueWaitMs"/>, while HTTP callers keep the fast refusal.
    /// </summary>
    public Task<Prediction> PredictAsync(string model, string? version, ReadOnlyMemory<byte> image, int top, float threshold, QueueAdmission admission, CancellationToken cancellationToken = default) =>
        PredictAsync(Repository.Get(model, version), image, top, threshold, admission, cancellationToken);

    /// <inheritdoc cref="PredictAsync(string, string?, ReadOnlyMemory{byte}, int, float, QueueAdmission, CancellationToken)"/>
    public Task<Prediction> PredictAsync(ModelVersion model, ReadOnlyMemory<byte> image, int top, float threshold, QueueAdmission admission, CancellationToken cancellationToken = default)
    {
        var pipeline = GetPipeline(model);
        return PredictCoreAsync(pipeline, pipeline.Batcher.Expect(), image, top, threshold, admission, cancellationToken);
    }

    /// <summary>
    /// Predicts several images. They are announced to the batcher together and decoded in
    /// parallel, so they run as one batch (or as few as the maximum batch size allows). When an
    /// image cannot be read, throws <see cref="ImageInBatchException"/> naming the first such
    /// image by its index; any other failure of the first failing image is thrown as it is.
    /// </summary>
    public async Task<Prediction[]> PredictBatchAsync(ModelVersion model, IReadOnlyList<ReadOnlyMemory<byte>> images, int top = 5, float threshold = 0f, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        var pipeline = GetPipeline(model);
        var expectations = images.Select(_ => pipeline.Batcher.Expect()).ToArray();
        var tasks = new Task<Prediction>[images.Count];
        for (var i = 0; i < images.Count; i++)
        {
            var image = images[i];
            var expectation = expectations[i];
            tasks[i] = i == images.Count - 1
                ? PredictCoreAsync(pipeline, expectation, image, top, threshold, QueueAdmission.RefuseWhenFull, cancellationToken)
                : Task.Run(() => PredictCoreAsync(pipeline, expectation, image, top, threshold, QueueAdmission.RefuseWhenFull, cancellationToken), cancellationToken);
        }

        try
        {
            return await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (ImageProblemException problem)
        {
            // Task.WhenAll rethrows the first failure in task order: find whose it is.
            throw new ImageInBatchException(Array.FindIndex(tasks, t => ReferenceEquals(t.Exception?.InnerException, problem)), problem);
        }
        finally
        {
            // A task cancelled before it started never withdraws its announcement; a batcher still
            // expecting it would make every later lone request wait the full queue delay.
            foreach (var expectation in expectations)
            {
                expectation.Dispose();
            }
        }
    }

    /// <summary>One image through the pipeline, measured (<see cref="InferenceMetrics"/>): every outcome is counted once.</summary>
    private async Task<Prediction> PredictCoreAsync(ModelPipeline pipeline, DynamicBatcher<TensorRequest, TensorResponse>.Expectation expectation, ReadOnlyMemory<byte> image, int top, float threshold, QueueAdmission admission, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var prediction = await PredictImageAsync(pipeline, expectation, image, top, threshold, admission, cancellationToken).ConfigureAwait(false);
            InferenceMetrics.RecordSuccess(pipeline.Model, Stopwatch.GetElapsedTime(started), TimeSpan.FromMilliseconds(prediction.Timings.QueueMs));
            return prediction;
        }
        catch (Exception ex)
        {
            InferenceMetrics.RecordFailure(pipeline.Model, Stopwatch.GetElapsedTime(started), ex);
            throw;
        }
    }

    private async Task<Prediction> PredictImageAsync(ModelPipeline pipeline, DynamicBatcher<TensorRequest, TensorResponse>.Expectation expectation, ReadOnlyMemory<byte> image, int top, float threshold, QueueAdmission admission, CancellationToken cancellationToken)
    {
        var tensor = ArrayPool<float>.Shared.Rent(pipeline.ItemLength);
        try
        {
            PreprocessResult preprocessed;
            Task<TensorResponse> pending;
            try
            {
                preprocessed = Preprocessor.Preprocess(image, pipeline.Format, tensor, pipeline.Model.Regions, cancellationToken);
            }
            finally
            {
                expectation.Dispose();
            }

            var request = new TensorRequest(tensor, Stopwatch.GetTimestamp());
            pending = admission == QueueAdmission.WaitForCapacity
                ? pipeline.Batcher.SubmitAsync(request, TimeSpan.FromMilliseconds(Options.MaxQueueWaitMs), cancellationToken)
                : pipeline.Batcher.SubmitAsync(request, cancellationToken);
            var response = await pending.ConfigureAwait(false);
            EnsureFinite(pipeline, response);
            var postStarted = Stopwatch.GetTimestamp();
            if (pipeline.Model.Task == ModelTask.ObjectDetection)
            {
                return DetectionPrediction(pipeline, response, preprocessed.Width, preprocessed.Height, Ms(preprocessed.DecodeTicks), Ms(preprocessed.ResizeTicks), threshold, postStarted);
            }

            var heads = new HeadPrediction[response.Heads.Length];
            for (var h = 0; h < heads.Length; h++)
            {
                var spec = pipeline.Model.Heads[h];
                var headLabels = pipeline.HeadLabels(h);
                heads[h] = new HeadPrediction(
                    pipeline.OutputNames[h],
                    spec.Kind,
                    headLabels,
                    response.Heads[h],
                    spec.Kind is OutputKind.Embedding or OutputKind.Estimate ? [] : Postprocessing.TopK(response.Heads[h], headLabels, top, threshold));
            }

            var postTicks = Stopwatch.GetTimestamp() - postStarted;
            return new Prediction
            {
                Model = pipeline.Model,
                Width = preprocessed.Width,
                Height = preprocessed.Height,
                Predictions = heads[0].Predictions,
                Scores = heads[0].Scores,
                Labels = heads[0].Labels,
                Heads = heads,
                Timings = new PredictionTimings(
                    Ms(preprocessed.DecodeTicks),
                    Ms(preprocessed.ResizeTicks),
                    Ms(response.QueueTicks),
                    Ms(response.RunTicks),
                    Ms(postTicks),
                    response.BatchSize),
            };
        }
        finally
        {
            ArrayPool<float>.Shared.Return(tensor);
        }
    }

    /// <summary>
    /// Runs already-preprocessed input (the model's own input tensor, batch first). Each item
    /// joins the dynamic batcher like an image would. Returns one row of postprocessed values per item.
    /// </summary>
    public async Task<float[][]> InferTensorAsync(ModelVersion model, ReadOnlyMemory<float> data, IReadOnlyList<long> shape, CancellationToken cancellationToken = default)
    {
        var responses = await SubmitTensorsAsync(GetPipeline(model), data, shape, cancellationToken).ConfigureAwait(false);
        return [.. responses.Select(r => r.Values)];
    }

    /// <summary>
    /// <see cref="InferTensorAsync"/> with every head: per item, one row of postprocessed values per
    /// head, primary first, in the order of <see cref="ModelSignature.Outputs"/>.
    /// </summary>
    public async Task<float[][][]> InferTensorHeadsAsync(ModelVersion model, ReadOnlyMemory<float> data, IReadOnlyList<long> shape, CancellationToken cancellationToken = default)
    {
        var responses = await SubmitTensorsAsync(GetPipeline(model), data, shape, cancellationToken).ConfigureAwait(false);
        return [.. responses.Select(r => r.Heads)];
    }

    /// <summary>
    /// Runs already-preprocessed input through an object detector (batch first, one image per
    /// item): each item's boxes, as <see cref="PredictAsync(ModelVersion, ReadOnlyMemory{byte}, int, float, CancellationToken)"/>
    /// gives them, with the model's input size as the image size.
    /// </summary>
    public async Task<Prediction[]> DetectTensorAsync(ModelVersion model, ReadOnlyMemory<float> data, IReadOnlyList<long> shape, float threshold = 0f, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Task != ModelTask.ObjectDetection)
        {
            throw new ArgumentException($"Model '{model.Id}' is not an object detector.", nameof(model));
        }

        var pipeline = GetPipeline(model);
        var responses = await SubmitTensorsAsync(pipeline, data, shape, cancellationToken).ConfigureAwait(false);
        var input = model.ImageInput;
        return [.. responses.Select(r => DetectionPrediction(pipeline, r, input.Width, input.Height, 0, 0, threshold, Stopwatch.GetTimestamp()))];
    }

    private static Prediction DetectionPrediction(ModelPipeline pipeline, TensorResponse response, int width, int height, double decodeMs, double resizeMs, float threshold, long postStarted)
    {
        var model = pipeline.Model;
        var spec = model.Manifest.Detection!;
        var detections = DetectionPostprocessing.Select(response.Values, model.Labels, Math.Max(spec.ScoreThreshold, threshold), spec.NmsIou, spec.MaxDetections);
        LabelProbability[] labels = [.. detections.Select(d => new LabelProbability(d.Label, d.Probability))];
        var postTicks = Stopwatch.GetTimestamp() - postStarted;
        return new Prediction
        {
            Model = model,
            Width = width,
            Height = height,
            Predictions = labels,
            Scores = [],
            Labels = model.Labels,
            Heads = [new HeadPrediction(DetectionsOutputName, OutputKind.Detections, model.Labels, [], labels)],
            Detections = detections,
            RawOutputs = response.Raw ?? [],
            Timings = new PredictionTimings(decodeMs, resizeMs, Ms(response.QueueTicks), Ms(response.RunTicks), Ms(postTicks), response.BatchSize),
        };
    }

    /// <summary>Tensor items through the pipeline, measured (<see cref="InferenceMetrics"/>): one request per item.</summary>
    private static async Task<TensorResponse[]> SubmitTensorsAsync(ModelPipeline pipeline, ReadOnlyMemory<float> data, IReadOnlyList<long> shape, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var items = shape.Count > 0 && shape[0] > 0 ? shape[0] : 1;
        try
        {
            var responses = await SubmitTensorItemsAsync(pipeline, data, shape, cancellationToken).ConfigureAwait(false);
            InferenceMetrics.RecordTensorSuccess(pipeline.Model, Stopwatch.GetElapsedTime(started), responses.Length);
            return responses;
        }
        catch (Exception ex)
        {
            InferenceMetrics.RecordFailure(pipeline.Model, Stopwatch.GetElapsedTime(started), ex, items);
            throw;
        }
    }

    private static async Task<TensorResponse[]> SubmitTensorItemsAsync(ModelPipeline pipeline, ReadOnlyMemory<float> data, IReadOnlyList<long> shape, CancellationToken cancellationToken)
    {
        var model = pipeline.Model;
        var expected = ItemShape(pipeline);
        if (shape.Count != expected.Length || Enumerable.Range(1, expected.Length - 1).Any(i => shape[i] != expected[i]) || shape[0] < 1)
        {
            throw new InvalidTensorException($"Input '{pipeline.InputName}' of '{model.Id}' has shape [-1,{string.Join(",", expected.Skip(1))}]; got [{string.Join(",", shape)}].");
        }

        // Checked: [1152921504606846977,3,4,4] times 48 values per item wraps around to 48.
        if (!TensorShape.TryGetElementCount(shape, out var needed) || needed != data.Length)
        {
            var needs = needed > 0 ? $"which needs {needed} values" : "whose element count does not fit a 64-bit integer";
            throw new InvalidTensorException($"Input '{pipeline.InputName}' has shape [{string.Join(",", shape)}], {needs}; got {data.Length}.");
        }

        if (!TensorShape.AllFinite(data.Span))
        {
            throw new InvalidTensorException($"Input '{pipeline.InputName}' holds a value that is not a finite number (NaN or infinity).");
        }

        var itemLength = pipeline.ItemLength;
        var count = (int)shape[0];
        var tasks = new Task<TensorResponse>[count];
        for (var i = 0; i < count; i++)
        {
            var row = data.Slice(i * itemLength, itemLength).ToArray();
            tasks[i] = pipeline.Batcher.SubmitAsync(new TensorRequest(row, Stopwatch.GetTimestamp()), cancellationToken);
        }

        var responses = await Task.WhenAll(tasks).ConfigureAwait(false);
        foreach (var response in responses)
        {
            EnsureFinite(pipeline, response);
        }

        return responses;
    }

    /// <summary>
    /// NaN or infinity is never answered: no JSON can carry it, and no caller can use it. It comes
    /// from the model's arithmetic overflowing (an input far outside its range) or a broken model.
    /// </summary>
    private static void EnsureFinite(ModelPipeline pipeline, TensorResponse response)
    {
        foreach (var head in response.Heads)
        {
            if (!TensorShape.AllFinite(head))
            {
                throw new NonFiniteOutputException(pipeline.Model.Id);
            }
        }
    }

    /// <summary>The served input and output of a model version (loads it, and warms a ZipMap model to learn its labels).</summary>
    public async Task<ModelSignature> DescribeAsync(ModelVersion model, CancellationToken cancellationToken = default)
    {
        var pipeline = GetPipeline(model);
        if (model.Task == ModelTask.ImageClassification && pipeline.Labels.Count == 0)
        {
            await WarmUpAsync(model, cancellationToken).ConfigureAwait(false);
        }

        var input = ItemShape(pipeline);
        input[0] = -1;
        if (model.Task == ModelTask.ObjectDetection)
        {
            var metadata = GetSession(model).Session.OutputMetadata;
            TensorInfo[] outputs =
            [
                .. pipeline.OutputNames.Select(name => new TensorInfo(name, Datatype(metadata[name].ElementDataType), [.. metadata[name].Dimensions.Select(d => d > 0 ? (long)d : -1L)])),
                new TensorInfo(DetectionsOutputName, "FP32", [-1, DetectionRowLength]),
            ];
            return new ModelSignature(pipeline.InputName, input, DetectionsOutputName, [-1, DetectionRowLength], pipeline.Labels, outputs);
        }

        var outputWidth = model.Task == ModelTask.ImageClassification ? pipeline.Labels.Count : GetSession(model).OutputItemLength;
        var name = ServedOutputName(pipeline);
        List<TensorInfo> served = [new TensorInfo(name, "FP32", [-1, outputWidth])];
        if (model.Heads.Count > 1)
        {
            // Every other head is served under its own name (traffic-scene's lighting, embedding, vehicles).
            var metadata = GetSession(model).Session.OutputMetadata;
            for (var h = 1; h < model.Heads.Count; h++)
            {
                var width = model.Heads[h].Kind is OutputKind.Embedding or OutputKind.Estimate
                    ? metadata[pipeline.OutputNames[h]].Dimensions.Skip(1).Aggregate(1L, (a, d) => a * Math.Max(d, 1))
                    : pipeline.HeadLabels(h).Count;
                served.Add(new TensorInfo(pipeline.OutputNames[h], "FP32", [-1, width]));
            }
        }

        return new ModelSignature(pipeline.InputName, input, name, [-1, outputWidth], pipeline.Labels, served);
    }

    /// <summary>
    /// The served name of an object detector's boxes after thresholding and suppression: FP32 rows of
    /// <see cref="DetectionRowLength"/> values (image index, class index, probability, left, top, width, height).
    /// </summary>
    public const string DetectionsOutputName = "detections";

    /// <summary>Values per row of <see cref="DetectionsOutputName"/>.</summary>
    public const int DetectionRowLength = 7;

    private static string Datatype(Microsoft.ML.OnnxRuntime.Tensors.TensorElementType type) => type switch
    {
        Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float => "FP32",
        Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Int64 => "INT64",
        Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Int32 => "INT32",
        _ => type.ToString().ToUpperInvariant(),
    };

    /// <summary>
    /// The name the primary output is served under. A classifier answers probabilities whatever
    /// its ONNX output holds (logits get a softmax, a ZipMap is unpacked), so its output is called
    /// <c>probabilities</c>; a model with several heads keeps the head names, and an embedding its ONNX name.
    /// </summary>
    private static string ServedOutputName(ModelPipeline pipeline) =>
        pipeline.Model.Heads.Count == 1 && pipeline.Model.Heads[0].Kind != OutputKind.Embedding ? ProbabilitiesOutputName : pipeline.OutputName;

    /// <summary>The served name of a single-head classifier's output.</summary>
    public const string ProbabilitiesOutputName = "probabilities";

    /// <summary>The shape of one request's input: [1, C, H, W] (or NHWC), with a regions axis after the batch for tiled models.</summary>
    private static long[] ItemShape(ModelPipeline pipeline)
    {
        var image = pipeline.Format.Shape(1);
        return pipeline.Regions == 1 ? image : [1, pipeline.Regions, .. image[1..]];
    }

    /// <summary>
    /// Proves that a version loads and runs before it is served: creates its session (reusing the
    /// backbone's), checks it against the manifest and the backbone, and runs one item through it,
    /// without keeping anything of it. Throws the <see cref="InferenceException"/> that says why not
    /// (<see cref="ModelLoadException"/>, <see cref="ModelManifestException"/>).
    /// </summary>
    public async Task ValidateAsync(ModelVersion model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var own = LoadSession(model, useCache: false);
        try
        {
            var first = model.Backbone is null ? own : GetSession(model.Backbone);
            var pipeline = new ModelPipeline(model, first, model.Backbone is null ? null : own, Options);
            await using (pipeline.ConfigureAwait(false))
            {
                await pipeline.Batcher.SubmitAsync(new TensorRequest(new float[pipeline.ItemLength], Stopwatch.GetTimestamp()), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not InferenceException and not OperationCanceledException)
        {
            throw new ModelLoadException(model.Id, model.OnnxPath, ex.Message, ex);
        }
        finally
        {
            own.Dispose();
        }
    }

    /// <summary>
    /// Lets go of every loaded version the repository no longer serves (retired, replaced, or of an
    /// unloaded model): new requests cannot reach it, and its batcher and sessions are disposed
    /// after <paramref name="grace"/>, so requests already inside finish. Returns the versions let go.
    /// </summary>
    public IReadOnlyList<string> ReleaseUnserved(TimeSpan grace)
    {
        var released = new List<ModelPipeline>();
        foreach (var (id, lazy) in _pipelines)
        {
            if (lazy.IsValueCreated && !Repository.IsServed(lazy.Value.Model) && _pipelines.TryRemove(new KeyValuePair<string, Lazy<ModelPipeline>>(id, lazy)))
            {
                released.Add(lazy.Value);
            }
        }

        if (released.Count == 0)
        {
            return [];
        }

        var stillUsed = _pipelines.Values.Where(p => p.IsValueCreated)
            .SelectMany(p => new[] { p.Value.Model.OnnxPath, p.Value.Model.Backbone?.OnnxPath })
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        var sessions = new List<OnnxModel>();
        foreach (var path in released.SelectMany(p => new[] { p.Model.OnnxPath, p.Model.Backbone?.OnnxPath }).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            // A bundled backbone stays: it is shared by every head and cheap to keep.
            if (!stillUsed.Contains(path) && !Repository.Bundled.Any(b => b.OnnxPath == path)
                && _sessions.TryRemove(path, out var session) && session.IsValueCreated)
            {
                sessions.Add(session.Value);
            }
        }

        _ = DisposeLaterAsync(released, sessions, grace);
        foreach (var pipeline in released)
        {
            LogReleased(_logger, pipeline.Model.Id);
        }

        return [.. released.Select(p => p.Model.Id)];
    }

    private static async Task DisposeLaterAsync(List<ModelPipeline> pipelines, List<OnnxModel> sessions, TimeSpan grace)
    {
        await Task.Delay(grace).ConfigureAwait(false);
        foreach (var pipeline in pipelines)
        {
            await pipeline.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var session in sessions)
        {
            session.Dispose();
        }
    }

    /// <summary>The batch sizes run so far for a model version (index = size).</summary>
    public IReadOnlyList<long> BatchSizeCounts(ModelVersion model) => GetPipeline(model).Batcher.BatchSizeCounts;

    /// <summary>The queue of a model version now: queued, announced and waiting requests, and batches that waited for announced ones.</summary>
    public BatcherState QueueState(ModelVersion model) => GetPipeline(model).Batcher.State;

    /// <summary>Holds every batch of a model version until the handle is disposed (tests: a queue that fills up).</summary>
    internal IDisposable PauseBatches(ModelVersion model) => GetPipeline(model).Batcher.Pause();

    private ModelPipeline GetPipeline(ModelVersion model) =>
        _pipelines.GetOrAdd(model.Id, _ => new Lazy<ModelPipeline>(() => CreatePipeline(model), LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    private ModelPipeline CreatePipeline(ModelVersion model)
    {
        var first = GetSession(model.Backbone ?? model);
        var head = model.Backbone is null ? null : GetSession(model);
        return new ModelPipeline(model, first, head, Options);
    }

    private OnnxModel GetSession(ModelVersion model) =>
        _sessions.GetOrAdd(model.OnnxPath, _ => new Lazy<OnnxModel>(() => LoadSession(model), LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    private OnnxModel LoadSession(ModelVersion model, bool useCache = true)
    {
        var started = Stopwatch.GetTimestamp();
        var cacheFolder = useCache ? Options.ResolvedOptimizedModelCachePath : null;
        var cache = cacheFolder is null ? null : Path.Combine(cacheFolder, model.Name, model.Version, OptimizedModelFileName(model));
        var session = OnnxModel.Load(model.Id, model.OnnxPath, model.Manifest.Input?.Name, model.Manifest.Output?.Name, model.Manifest.DynamicBatch, Options, cache);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        LogSessionLoaded(_logger, model.Id, elapsed);
        return session;
    }

    /// <summary>
    /// The cache file's name: a key of the source file (full path, length, last write time) and
    /// the ONNX Runtime version (an optimised graph may use that version's own operators), so a
    /// changed or moved model, or another runtime, never loads a stale cache.
    /// </summary>
    private static string OptimizedModelFileName(ModelVersion model)
    {
        var file = new FileInfo(model.OnnxPath);
        var key = string.Join('|', file.FullName, file.Exists ? file.Length : -1, file.Exists ? file.LastWriteTimeUtc.Ticks : 0, model.Manifest.DynamicBatch, typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version);
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)))[..16];
        return $"optimized-{hash}.onnx";
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    public async ValueTask DisposeAsync()
    {
        foreach (var pipeline in _pipelines.Values.Where(p => p.IsValueCreated))
        {
            await pipeline.Value.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var session in _sessions.Values.Where(s => s.IsValueCreated))
        {
            session.Value.Dispose();
        }

        Preprocessor.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded ONNX session for {Model} in {Milliseconds:F0} ms")]
    private static partial void LogSessionLoaded(ILogger logger, string model, double milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Warmed up {Model} in {Milliseconds:F0} ms")]
    private static partial void LogWarmedUp(ILogger logger, string model, double milliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Warm-up of model {Model} failed")]
    private static partial void LogWarmUpFailed(ILogger logger, string model, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Released {Model}: the repository no longer serves it")]
    private static partial void LogReleased(ILogger logger, string model);
}
