using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using SmartCity.Functions.Http;
using SmartCity.Functions.Http.OpenInference;
using SmartCity.Inference.Runtime;

namespace SmartCity.Benchmarks.Scenarios;

/// <summary>
/// 4. HTTP in-process: the native predict (raw <c>image/jpeg</c> body) and the v2 (KServe) infer
/// (a BYTES input of the base64 frame, the <c>image_bytes</c> extension) functions called through
/// their classes with a real <see cref="DefaultHttpContext"/>, the returned <see cref="IActionResult"/>
/// executed into a <see cref="MemoryStream"/> response body, as the host would. Each HTTP call
/// alternates with a direct <c>engine.PredictAsync</c> on the same bytes, so the ratio compares
/// figures taken under the same machine load.
/// </summary>
public sealed class HttpFunctionsScenario : IBenchmarkScenario
{
    public string Id => "http";

    public string Title => "4. HTTP in-process (native predict, v2 infer)";

    public async Task<ScenarioResult> RunAsync(BenchmarkContext context, BenchmarkFigures figures, CancellationToken cancellationToken)
    {
        var result = new ScenarioResult(Id, Title)
        {
            Columns = ["path", "request bytes", "HTTP p50 ms", "HTTP p95 ms", "engine p50 ms", "engine p95 ms", "HTTP share ms", "ratio HTTP / engine"],
        };
        var iterations = context.Quick ? 8 : 100;
        var warmUp = context.Quick ? 2 : 10;
        const string model = BenchmarkContext.VehicleType;
        await using var engine = context.CreateEngine();
        var version = engine.Repository.Get(model);
        await engine.WarmUpAsync(version, cancellationToken);
        var signature = await engine.DescribeAsync(version, cancellationToken);
        var httpOptions = Options.Create(new HttpApiOptions());
        var predict = new PredictFunctions(new PredictHandler(engine, httpOptions));
        var openInference = new OpenInferenceFunctions(new OpenInferenceHandler(engine, httpOptions));

        // Request bodies are built once per frame: encoding is the client's work, not the function's.
        var jpegBodies = context.Frames.Select(f => f.Bytes).ToArray();
        var inferBodies = context.Frames.Select(f => Encoding.UTF8.GetBytes(
            $$$"""{"inputs":[{"name":"{{{signature.InputName}}}","shape":[1],"datatype":"BYTES","data":["{{{Convert.ToBase64String(f.Bytes)}}}"]}],"outputs":[{"name":"{{{signature.OutputName}}}","parameters":{"classification":5}}]}""")).ToArray();

        var paths = new (string Name, string Label, byte[][] Bodies, Func<int, Task> Call)[]
        {
            ($"HTTP predict {model}", "native predict (image/jpeg)", jpegBodies,
                i => InvokeAsync("/api/models/" + model + "/predict", jpegBodies[i], "image/jpeg", request => predict.Predict(request, model))),
            ($"HTTP v2 infer {model}", "v2 infer (BYTES, base64 JSON)", inferBodies,
                i => InvokeAsync("/api/v2/models/" + model + "/infer", inferBodies[i], "application/json", request => openInference.V2Infer(request, model))),
        };

        foreach (var (name, label, bodies, call) in paths)
        {
            for (var i = 0; i < warmUp; i++)
            {
                await call(i % bodies.Length);
                await engine.PredictAsync(version, context.Frames[i % context.Frames.Count].Bytes, cancellationToken: cancellationToken);
            }

            var http = new List<double>(iterations);
            var direct = new List<double>(iterations);
            var timings = new List<PredictionTimings>(iterations);
            for (var i = 0; i < iterations; i++)
            {
                var frame = i % context.Frames.Count;

                // Alternate which goes first so neither always follows the other's garbage or cache state.
                async Task Http()
                {
                    var started = Stopwatch.GetTimestamp();
                    await call(frame);
                    http.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }

                async Task Engine()
                {
                    var started = Stopwatch.GetTimestamp();
                    var prediction = await engine.PredictAsync(version, context.Frames[frame].Bytes, cancellationToken: cancellationToken);
                    direct.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    timings.Add(prediction.Timings);
                }

                if (i % 2 == 0)
                {
                    await Http();
                    await Engine();
                }
                else
                {
                    await Engine();
                    await Http();
                }
            }

            var httpSummary = new SampleStatistics(http);
            var engineSummary = new SampleStatistics(direct);
            var share = Math.Max(0, httpSummary.Median - engineSummary.Median);
            double Median(Func<PredictionTimings, double> pick) => new SampleStatistics(timings.Select(pick)).Median;
            var decode = Median(t => t.DecodeMs);
            var resize = Median(t => t.ResizeMs);
            var queue = Median(t => t.QueueMs);
            var inference = Median(t => t.InferenceMs);
            var post = Median(t => t.PostprocessMs);
            var other = Math.Max(0, engineSummary.Median - decode - resize - queue - inference - post);
            figures.Paths[name] = new LatencyBreakdown(name, [("decode", decode), ("resize+fill", resize), ("queue", queue), ("inference", inference), ("postprocess", post), ("other", other), ("HTTP", share)]);
            result.Row(label, ReportFormat.F(bodies.Average(b => b.Length) / 1024, 0) + " KB", ReportFormat.F(httpSummary.Median), ReportFormat.F(httpSummary.P95), ReportFormat.F(engineSummary.Median), ReportFormat.F(engineSummary.P95), ReportFormat.F(share, 2), ReportFormat.Ratio(httpSummary.Median / engineSummary.Median));
        }

        result.Notes.Add($"{model}, {iterations} iterations per path after {warmUp} warm-up pairs, cycling {context.Frames.Count} 1920×1080 frame(s); each iteration times one function call and one engine.PredictAsync on the same bytes (order alternating), one caller. Engine defaults (scaled decode, MaxBatchSize 16), HttpApiOptions defaults (10 MB body limit).");
        result.Notes.Add("HTTP time: a new DefaultHttpContext with the body in a MemoryStream, the function class (PredictFunctions.Predict / OpenInferenceFunctions.V2Infer), and its IActionResult executed into a MemoryStream response; a non-200 answer aborts the run. No Functions host, gRPC or Kestrel: this is the in-process cost of reading, validating, (base64-)decoding and serialising. The v2 body is built once per frame (client-side base64); its request reads ~4/3 the JPEG bytes.");
        result.Notes.Add("HTTP share = HTTP p50 − engine p50 (floored at 0), the 'HTTP' segment of the latency chart; the chart's other segments are medians of Prediction.Timings of the engine calls measured here.");
        return result;
    }

    private static async Task InvokeAsync(string path, byte[] body, string contentType, Func<HttpRequest, Task<IActionResult>> function)
    {
        var (status, answer) = await InProcessHttp.PostAsync(path, body, contentType, function);
        if (status != StatusCodes.Status200OK || answer.Length == 0)
        {
            throw new InvalidOperationException($"{path} answered {status}: {Encoding.UTF8.GetString(answer)}");
        }
    }
}
