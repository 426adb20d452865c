using System.Diagnostics.Metrics;
using SmartCity.Inference.Models;

namespace SmartCity.Inference.Telemetry;

/// <summary>
/// The engine's metrics, on the meter <see cref="MeterName"/> (System.Diagnostics.Metrics, which
/// OpenTelemetry reads): per model and version, the requests (one per image or tensor item) with
/// their outcome, request and queue durations, and per batch its size and compute duration. The
/// names follow Triton's metrics where Triton has one: <c>nv_inference_request_success</c> and
/// <c>_failure</c> (here one counter with an <c>outcome</c> tag), <c>nv_inference_request_duration_us</c>,
/// <c>nv_inference_queue_duration_us</c>, <c>nv_inference_compute_infer_duration_us</c>, and the
/// batch sizes behind <c>nv_inference_exec_count</c>. Durations are in seconds, as OpenTelemetry's
/// semantic conventions ask. The meter is static, like the runtime's own, so the CLI and the
/// benchmarks, which build an engine without a host, measure the same way.
/// </summary>
public static class InferenceMetrics
{
    public const string MeterName = "SmartCity.Inference";

    public const string Requests = "smartcity.inference.requests";
    public const string RequestDuration = "smartcity.inference.request.duration";
    public const string QueueDuration = "smartcity.inference.queue.duration";
    public const string ComputeDuration = "smartcity.inference.compute.duration";
    public const string BatchSize = "smartcity.inference.batch.size";

    /// <summary>Bucket boundaries in seconds: 1 ms to 10 s (OpenTelemetry's default ones start at 0 and are meant for milliseconds).</summary>
    private static readonly double[] SecondsBuckets = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10];

    private static readonly Meter Meter = new(MeterName, typeof(InferenceMetrics).Assembly.GetName().Version?.ToString(3));

    private static readonly Counter<long> RequestCounter = Meter.CreateCounter<long>(Requests, "{request}", "Inference requests (one per image or tensor item), by model, version and outcome; failures carry error.type.");

    private static readonly Histogram<double> RequestSeconds = Meter.CreateHistogram(RequestDuration, "s", "From the engine receiving a request (encoded image or tensor item) to its answer, success or failure.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });

    private static readonly Histogram<double> QueueSeconds = Meter.CreateHistogram(QueueDuration, "s", "Time a request waited in its model's dynamic batcher before its batch ran.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });

    private static readonly Histogram<double> ComputeSeconds = Meter.CreateHistogram(ComputeDuration, "s", "ONNX Runtime time of one batch (backbone and head).", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });

    private static readonly Histogram<int> BatchSizes = Meter.CreateHistogram(BatchSize, "{request}", "Requests in one batch run.", advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });

    internal static void RecordSuccess(ModelVersion model, TimeSpan duration, TimeSpan queued)
    {
        var tags = Tags(model);
        RequestCounter.Add(1, [.. tags, new("outcome", "success")]);
        RequestSeconds.Record(duration.TotalSeconds, [.. tags, new("outcome", "success")]);
        QueueSeconds.Record(queued.TotalSeconds, tags);
    }

    /// <summary>A request that failed: <c>error.type</c> is the failure's code (for example <c>queue-full</c>, <c>corrupt-image</c>), or the exception's type when it has none.</summary>
    internal static void RecordFailure(ModelVersion model, TimeSpan duration, Exception exception, long count = 1)
    {
        var error = exception switch
        {
            InferenceException inference => inference.Code,
            OperationCanceledException => "cancelled",
            _ => exception.GetType().Name,
        };
        KeyValuePair<string, object?>[] tags = [.. Tags(model), new("outcome", "failure"), new("error.type", error)];
        RequestCounter.Add(count, tags);
        RequestSeconds.Record(duration.TotalSeconds, tags);
    }

    internal static void RecordTensorSuccess(ModelVersion model, TimeSpan duration, long count)
    {
        KeyValuePair<string, object?>[] tags = [.. Tags(model), new("outcome", "success")];
        RequestCounter.Add(count, tags);
        RequestSeconds.Record(duration.TotalSeconds, tags);
    }

    internal static void RecordBatch(ModelVersion model, int size, TimeSpan compute)
    {
        var tags = Tags(model);
        BatchSizes.Record(size, tags);
        ComputeSeconds.Record(compute.TotalSeconds, tags);
    }

    private static KeyValuePair<string, object?>[] Tags(ModelVersion model) =>
        [new("model", model.Name), new("model.version", model.Version)];
}
