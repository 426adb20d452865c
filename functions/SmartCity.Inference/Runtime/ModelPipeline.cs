using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SmartCity.Inference.Imaging;
using SmartCity.Inference.Models;
using SmartCity.Inference.Telemetry;

namespace SmartCity.Inference.Runtime;

/// <summary>
/// Serves one model version: the session that reads the image tensor (the model itself, or
/// its backbone), an optional head session reading the backbone's output, and the dynamic
/// batcher that feeds them. Batches run one at a time per pipeline; buffers are allocated
/// once for the largest batch and reused.
/// </summary>
internal sealed class ModelPipeline : IAsyncDisposable
{
    private readonly OnnxModel _first;
    private readonly OnnxModel? _head;
    private readonly float[] _inputBuffer;
    private readonly float[]? _featureBuffer;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _outputNames;
    private readonly DetectionSpec? _detection;
    private readonly int _embeddingHead;
    private string[]? _zipMapLabels;

    public ModelPipeline(ModelVersion model, OnnxModel first, OnnxModel? head, InferenceOptions options)
    {
        Model = model;
        _first = first;
        _head = head;
        Format = new TensorFormat(model.ImageInput);
        var expected = Format.Shape(1);
        var actual = first.InputShape;
        if (actual.Length != 4 || Enumerable.Range(1, 3).Any(i => actual[i] > 0 && actual[i] != expected[i]))
        {
            throw new ModelManifestException(model.Name, Path.Combine(model.Directory, ModelRepository.ManifestFileName), "input",
                $"declares shape [{string.Join(",", expected)}] but '{first.Path}' takes [{string.Join(",", actual)}].");
        }

        CheckImageMetadata(model, first);
        Regions = model.Regions.Count;
        _detection = model.Task == ModelTask.ObjectDetection ? model.Manifest.Detection : null;
        // A detector's outputs have a number of boxes per image: each run takes one image.
        MaxBatchSize = _detection is not null ? 1 : model.Manifest.MaxBatchSize ?? options.MaxBatchSize;
        var maxQueueDelay = TimeSpan.FromMilliseconds(model.Manifest.MaxQueueDelayMs ?? options.MaxQueueDelayMs);
        _inputBuffer = GC.AllocateUninitializedArray<float>(MaxBatchSize * ItemLength, pinned: true);
        if (head is not null)
        {
            if (head.InputItemLength != Regions * first.OutputItemLength)
            {
                throw new ModelLoadException(model.Id, head.Path, $"the head reads {head.InputItemLength} values per image but {Regions} region(s) of the backbone give {Regions * first.OutputItemLength}.");
            }

            _featureBuffer = GC.AllocateUninitializedArray<float>(checked((int)(MaxBatchSize * head.InputItemLength)), pinned: true);
        }

        var last = head ?? first;
        _outputNames = _detection is { } detection
            ? [detection.Boxes!, detection.Scores!, detection.Classes!]
            : [.. model.Heads.Select(h => h.Name ?? last.OutputName)];
        var missing = _outputNames.Where(n => !last.Session.OutputMetadata.ContainsKey(n)).ToList();
        if (missing.Count > 0)
        {
            throw new ModelLoadException(model.Id, last.Path, $"it has no output named {string.Join(", ", missing)} (it has: {string.Join(", ", last.Session.OutputMetadata.Keys)}).");
        }

        for (var h = 0; h < model.Heads.Count; h++)
        {
            if (model.Heads[h].Kind == OutputKind.Estimate && last.Session.OutputMetadata[_outputNames[h]].Dimensions.Skip(1).Any(d => d > 1))
            {
                throw new ModelLoadException(model.Id, last.Path, $"its output '{_outputNames[h]}' is an 'estimate' head, which must give one value per image, but its shape is [{string.Join(",", last.Session.OutputMetadata[_outputNames[h]].Dimensions)}].");
            }
        }

        OutputName = _outputNames[0];
        _embeddingHead = model.Heads.ToList().FindIndex(h => h.Kind == OutputKind.Embedding);
        ExampleDimension = ExampleEmbeddingLength(last, first);
        if (model.Examples is { } examples && examples.Dimension != ExampleDimension)
        {
            throw new ModelLoadException(model.Id, model.ExamplesPath ?? ModelRepository.ManifestFileName,
                $"the example index holds embeddings of {examples.Dimension} values, but the model's example embedding ({(_embeddingHead >= 0 ? $"its output '{_outputNames[_embeddingHead]}'" : $"the backbone's output '{first.OutputName}'")}) has {ExampleDimension}.");
        }

        Batcher = new DynamicBatcher<TensorRequest, TensorResponse>(
            model.Id, Execute, MaxBatchSize, maxQueueDelay, options.MaxQueueLength);
    }

    public ModelVersion Model { get; }

    /// <summary>Most requests in one run: the manifest's <c>maxBatchSize</c>, else the server's <c>Inference:MaxBatchSize</c>.</summary>
    public int MaxBatchSize { get; }

    public TensorFormat Format { get; }

    public string InputName => _first.InputName;

    /// <summary>The primary output's name.</summary>
    public string OutputName { get; }

    /// <summary>Output names, one per head, primary first.</summary>
    public IReadOnlyList<string> OutputNames => _outputNames;

    /// <summary>Regions of each image the first stage reads (1 unless the model tiles).</summary>
    public int Regions { get; }

    /// <summary>Values per request: one tensor per region.</summary>
    public int ItemLength => Regions * Format.Length;

    /// <summary>Labels of the output in order: the manifest's, or those a ZipMap output carries.</summary>
    public IReadOnlyList<string> Labels => Model.Labels.Count > 0 ? Model.Labels : (IReadOnlyList<string>?)_zipMapLabels ?? [];

    /// <summary>Labels of each head (the primary's may come from its ZipMap).</summary>
    public IReadOnlyList<string> HeadLabels(int head) => head == 0 ? Labels : Model.Heads[head].Labels;

    public DynamicBatcher<TensorRequest, TensorResponse> Batcher { get; }

    /// <summary>
    /// Values of the embedding an image is compared with training examples by: the model's own
    /// <c>embedding</c> output when it has one, else the backbone's output (for a tiled model, the
    /// normalised mean of its regions' normalised outputs).
    /// </summary>
    public int ExampleDimension { get; }

    /// <summary>Whether an item's example embedding needs the backbone's output kept (<see cref="TensorRequest.KeepFeatures"/>): not when the model outputs an embedding itself.</summary>
    public bool ExampleEmbeddingNeedsFeatures => _embeddingHead < 0;

    /// <summary>The example embedding of an answered item (L2-normalised), or null when it was not asked for.</summary>
    public float[]? ExampleEmbedding(TensorResponse response) => _embeddingHead >= 0 ? response.Heads[_embeddingHead] : response.Features;

    private int ExampleEmbeddingLength(OnnxModel last, OnnxModel first)
    {
        if (_embeddingHead >= 0 && last.Session.OutputMetadata.TryGetValue(_outputNames[_embeddingHead], out var output))
        {
            var dimensions = output.Dimensions.Skip(1).ToArray();
            if (dimensions.Length > 0 && dimensions.All(d => d > 0))
            {
                return dimensions.Aggregate(1, (a, d) => a * d);
            }
        }

        return (int)first.OutputItemLength;
    }

    /// <summary>An item's backbone output (one row per region) as one L2-normalised embedding: the normalised mean of the normalised regions.</summary>
    private static float[] PoolFeatures(ReadOnlySpan<float> features, int regions)
    {
        var width = features.Length / regions;
        var pooled = new float[width];
        var region = new float[width];
        for (var r = 0; r < regions; r++)
        {
            features.Slice(r * width, width).CopyTo(region);
            Postprocessing.L2Normalize(region);
            System.Numerics.Tensors.TensorPrimitives.Add(pooled, region, pooled);
        }

        Postprocessing.L2Normalize(pooled);
        return pooled;
    }

    /// <summary>One batch, measured (<see cref="InferenceMetrics.RecordBatch"/>): its size and ONNX Runtime's time, whatever the outcome.</summary>
    private TensorResponse[] Execute(IReadOnlyList<TensorRequest> batch)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return RunBatch(batch);
        }
        finally
        {
            InferenceMetrics.RecordBatch(Model, batch.Count, Stopwatch.GetElapsedTime(started));
        }
    }

    private TensorResponse[] RunBatch(IReadOnlyList<TensorRequest> batch)
    {
        var started = Stopwatch.GetTimestamp();
        var count = batch.Count;
        var itemLength = ItemLength;
        for (var i = 0; i < count; i++)
        {
            batch[i].Values.AsSpan(0, itemLength).CopyTo(_inputBuffer.AsSpan(i * itemLength, itemLength));
        }

        // Every region of every image is one item of the first stage's batch.
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _inputBuffer.AsMemory(0, count * itemLength), Format.Shape(count * Regions));
        using var firstOutputs = _first.Session.Run(_runOptions, [_first.InputName], [input], _head is null ? _outputNames : [_first.OutputName]);
        if (_detection is not null)
        {
            return [ReadDetections(firstOutputs, batch[0], started)];
        }

        float[][][] heads;
        float[]?[]? kept = null;
        if (_head is null)
        {
            heads = ReadOutputs(firstOutputs, count);
        }
        else
        {
            var features = firstOutputs[0].GetTensorDataAsSpan<float>();
            var featureLength = (int)_head.InputItemLength;
            features.CopyTo(_featureBuffer);
            if (_embeddingHead < 0)
            {
                for (var i = 0; i < count; i++)
                {
                    if (batch[i].KeepFeatures)
                    {
                        kept ??= new float[count][];
                        kept[i] = PoolFeatures(features.Slice(i * featureLength, featureLength), Regions);
                    }
                }
            }

            long[] headShape = _head.InputShape.Length == 3 ? [count, Regions, featureLength / Regions] : [count, featureLength];
            using var headInput = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _featureBuffer.AsMemory(0, count * featureLength), headShape);
            using var headOutputs = _head.Session.Run(_runOptions, [_head.InputName], [headInput], _outputNames);
            heads = ReadOutputs(headOutputs, count);
        }

        var finished = Stopwatch.GetTimestamp();
        var responses = new TensorResponse[count];
        for (var i = 0; i < count; i++)
        {
            var item = new float[heads.Length][];
            for (var h = 0; h < heads.Length; h++)
            {
                item[h] = heads[h][i];
                Postprocessing.Apply(Model.Heads[h].Kind, item[h]);
            }

            responses[i] = new TensorResponse(item, count, started - batch[i].SubmittedAt, finished - started, Features: kept?[i]);
        }

        return responses;
    }

    /// <summary>
    /// The image metadata Custom Vision (and Windows ML) exports carry, <c>Image.BitmapPixelFormat</c>
    /// and <c>Image.NominalPixelRange</c>, must agree with the manifest: a mismatch fails at load
    /// instead of answering wrong probabilities. Files without them are not checked.
    /// </summary>
    private static void CheckImageMetadata(ModelVersion model, OnnxModel first)
    {
        var reader = model.Backbone ?? model;
        var metadata = first.Session.ModelMetadata.CustomMetadataMap;
        var input = model.ImageInput;
        string? problem = null;
        string field = "input";
        if (metadata.TryGetValue("Image.BitmapPixelFormat", out var format))
        {
            var expected = format switch { "Bgr8" => ChannelOrder.Bgr, "Rgb8" => ChannelOrder.Rgb, _ => input.ChannelOrder };
            if (expected != input.ChannelOrder)
            {
                field = "input.channelOrder";
                problem = $"is '{(input.ChannelOrder == ChannelOrder.Bgr ? "BGR" : "RGB")}' but '{first.Path}' declares Image.BitmapPixelFormat '{format}': use '{(expected == ChannelOrder.Bgr ? "BGR" : "RGB")}'.";
            }
        }

        if (problem is null && metadata.TryGetValue("Image.NominalPixelRange", out var range))
        {
            var expected = range switch { "NominalRange_0_255" => ValueRange.ZeroTo255, "Normalized_0_1" => ValueRange.ZeroToOne, _ => input.ValueRange };
            if (expected != input.ValueRange)
            {
                field = "input.valueRange";
                problem = $"is '{(input.ValueRange == ValueRange.ZeroTo255 ? "0-255" : "0-1")}' but '{first.Path}' declares Image.NominalPixelRange '{range}': use '{(expected == ValueRange.ZeroTo255 ? "0-255" : "0-1")}'.";
            }
        }

        if (problem is not null)
        {
            throw new ModelManifestException(reader.Name, Path.Combine(reader.Directory, ModelRepository.ManifestFileName), field, problem);
        }
    }

    /// <summary>One image's boxes, scores and classes, packed as candidates (see <see cref="TensorResponse"/>), and the tensors as returned.</summary>
    private TensorResponse ReadDetections(IReadOnlyList<OrtValue> outputs, TensorRequest request, long started)
    {
        var detection = _detection!;
        var boxes = outputs[0].GetTensorDataAsSpan<float>();
        var scores = outputs[1].GetTensorDataAsSpan<float>();
        var (classes, classTensor) = ReadClasses(outputs[2], _outputNames[2]);
        var count = boxes.Length / 4;
        if (boxes.Length % 4 != 0 || scores.Length != count || classes.Length != count)
        {
            throw new InvalidOperationException($"Model '{Model.Id}' returned {boxes.Length} box values, {scores.Length} scores and {classes.Length} classes: expected 4 box values per score and class.");
        }

        var candidates = new float[count * DetectionPostprocessing.CandidateLength];
        var input = Model.ImageInput;
        for (var i = 0; i < count; i++)
        {
            var box = DetectionPostprocessing.ToBox(detection.BoxFormat, detection.Normalized, boxes[i * 4], boxes[(i * 4) + 1], boxes[(i * 4) + 2], boxes[(i * 4) + 3], input.Width, input.Height);
            var at = i * DetectionPostprocessing.CandidateLength;
            candidates[at] = box.Left;
            candidates[at + 1] = box.Top;
            candidates[at + 2] = box.Width;
            candidates[at + 3] = box.Height;
            candidates[at + 4] = scores[i];
            candidates[at + 5] = classes[i];
        }

        RawTensor[] raw =
        [
            new(_outputNames[0], "FP32", Shape(outputs[0]), boxes.ToArray()),
            new(_outputNames[1], "FP32", Shape(outputs[1]), scores.ToArray()),
            classTensor,
        ];
        var finished = Stopwatch.GetTimestamp();
        return new TensorResponse([candidates], 1, started - request.SubmittedAt, finished - started, raw);
    }

    private static (float[] Classes, RawTensor Tensor) ReadClasses(OrtValue value, string name)
    {
        var shape = Shape(value);
        switch (value.GetTensorTypeAndShape().ElementDataType)
        {
            case TensorElementType.Int64:
                var longs = value.GetTensorDataAsSpan<long>().ToArray();
                return ([.. longs.Select(c => (float)c)], new RawTensor(name, "INT64", shape, longs));
            case TensorElementType.Int32:
                var ints = value.GetTensorDataAsSpan<int>().ToArray();
                return ([.. ints.Select(c => (float)c)], new RawTensor(name, "INT32", shape, ints));
            case TensorElementType.Float:
                var floats = value.GetTensorDataAsSpan<float>().ToArray();
                return (floats, new RawTensor(name, "FP32", shape, floats));
            default:
                throw new InvalidOperationException($"Output '{name}' has element type {value.GetTensorTypeAndShape().ElementDataType}; a detector's classes must be int64, int32 or float.");
        }
    }

    private static long[] Shape(OrtValue value) => value.GetTensorTypeAndShape().Shape;

    /// <summary>Rows per head: [head][item] values.</summary>
    private float[][][] ReadOutputs(IReadOnlyList<OrtValue> outputs, int count)
    {
        var heads = new float[outputs.Count][][];
        for (var h = 0; h < outputs.Count; h++)
        {
            heads[h] = ReadOutput(outputs[h], count, Model.Heads[h].Kind);
        }

        return heads;
    }

    private float[][] ReadOutput(OrtValue output, int count, OutputKind kind)
    {
        if (kind == OutputKind.ZipMap)
        {
            return ReadZipMap(output, count);
        }

        var values = output.GetTensorDataAsSpan<float>();
        if (values.Length % count != 0)
        {
            throw new InvalidOperationException($"Model '{Model.Id}' returned {values.Length} values for a batch of {count}.");
        }

        var width = values.Length / count;
        if (kind == OutputKind.Estimate && width != 1)
        {
            throw new InvalidOperationException($"Model '{Model.Id}' returned {width} values per image for an 'estimate' head, which gives one.");
        }

        var rows = new float[count][];
        for (var i = 0; i < count; i++)
        {
            rows[i] = values.Slice(i * width, width).ToArray();
        }

        return rows;
    }

    private float[][] ReadZipMap(OrtValue sequence, int count)
    {
        var allocator = OrtAllocator.DefaultInstance;
        var rows = new float[count][];
        for (var i = 0; i < count; i++)
        {
            using var map = sequence.GetValue(i, allocator);
            using var keys = map.GetValue(0, allocator);
            using var values = map.GetValue(1, allocator);
            var labels = keys.GetStringTensorAsArray();
            _zipMapLabels ??= labels;
            if (!labels.AsSpan().SequenceEqual(_zipMapLabels))
            {
                // Keep every row in one label order.
                var lookup = new Dictionary<string, float>(StringComparer.Ordinal);
                var raw = values.GetTensorDataAsSpan<float>();
                for (var k = 0; k < labels.Length; k++)
                {
                    lookup[labels[k]] = raw[k];
                }

                rows[i] = [.. _zipMapLabels.Select(l => lookup.GetValueOrDefault(l))];
            }
            else
            {
                rows[i] = values.GetTensorDataAsSpan<float>().ToArray();
            }
        }

        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        await Batcher.DisposeAsync().ConfigureAwait(false);
        _runOptions.Dispose();
    }
}
