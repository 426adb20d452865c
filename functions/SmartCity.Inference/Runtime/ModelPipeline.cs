using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using SmartCity.Inference.Imaging;
using SmartCity.Inference.Models;

namespace SmartCity.Inference.Runtime;

/// <summary>One preprocessed item waiting for a batch.</summary>
internal readonly record struct TensorRequest(float[] Values, long SubmittedAt);

/// <summary>One item's answer from a batch: postprocessed values (probabilities or a normalised embedding).</summary>
internal readonly record struct TensorResponse(float[] Values, int BatchSize, long QueueTicks, long RunTicks);

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

        _inputBuffer = new float[options.MaxBatchSize * Format.Length];
        if (head is not null)
        {
            _featureBuffer = new float[options.MaxBatchSize * head.InputItemLength];
        }

        var last = head ?? first;
        OutputName = last.OutputName;
        Batcher = new DynamicBatcher<TensorRequest, TensorResponse>(
            model.Id, Execute, options.MaxBatchSize, TimeSpan.FromMilliseconds(options.MaxQueueDelayMs), options.MaxQueueLength);
    }

    public ModelVersion Model { get; }

    public TensorFormat Format { get; }

    public string InputName => _first.InputName;

    public string OutputName { get; }

    /// <summary>Labels of the output in order: the manifest's, or those a ZipMap output carries.</summary>
    public IReadOnlyList<string> Labels => Model.Labels.Count > 0 ? Model.Labels : (IReadOnlyList<string>?)_zipMapLabels ?? [];

    public DynamicBatcher<TensorRequest, TensorResponse> Batcher { get; }

    private TensorResponse[] Execute(IReadOnlyList<TensorRequest> batch)
    {
        var started = Stopwatch.GetTimestamp();
        var count = batch.Count;
        var itemLength = Format.Length;
        for (var i = 0; i < count; i++)
        {
            batch[i].Values.AsSpan(0, itemLength).CopyTo(_inputBuffer.AsSpan(i * itemLength, itemLength));
        }

        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _inputBuffer.AsMemory(0, count * itemLength), Format.Shape(count));
        using var firstOutputs = _first.Session.Run(_runOptions, [_first.InputName], [input], [_first.OutputName]);
        float[][] rows;
        if (_head is null)
        {
            rows = ReadOutput(firstOutputs[0], count);
        }
        else
        {
            var features = firstOutputs[0].GetTensorDataAsSpan<float>();
            var featureLength = (int)_head.InputItemLength;
            if (features.Length != count * featureLength)
            {
                throw new ModelLoadException(Model.Id, _head.Path, $"the head reads {featureLength} values per item but the backbone gives {features.Length / count}.");
            }

            features.CopyTo(_featureBuffer);
            using var headInput = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _featureBuffer.AsMemory(0, count * featureLength), [count, featureLength]);
            using var headOutputs = _head.Session.Run(_runOptions, [_head.InputName], [headInput], [_head.OutputName]);
            rows = ReadOutput(headOutputs[0], count);
        }

        var finished = Stopwatch.GetTimestamp();
        var responses = new TensorResponse[count];
        for (var i = 0; i < count; i++)
        {
            Postprocessing.Apply(Model.OutputKind, rows[i]);
            responses[i] = new TensorResponse(rows[i], count, started - batch[i].SubmittedAt, finished - started);
        }

        return responses;
    }

    private float[][] ReadOutput(OrtValue output, int count)
    {
        if (Model.OutputKind == OutputKind.ZipMap)
        {
            return ReadZipMap(output, count);
        }

        var values = output.GetTensorDataAsSpan<float>();
        if (values.Length % count != 0)
        {
            throw new InvalidOperationException($"Model '{Model.Id}' returned {values.Length} values for a batch of {count}.");
        }

        var width = values.Length / count;
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
