using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using SmartCity.Functions.Http;
using SmartCity.Tests.Shared;

namespace SmartCity.Benchmarks.Scenarios;

/// <summary>
/// 8. Decompression bombs: small files of huge all-black images within the pixel limit
/// (12 PNGs of 6000×6000 in one multipart request, one WebP, GIF and 1-bit BMP of 6000×6000, a
/// JPEG at the 40 MP limit) through the native predict function, against a normal 1920×1080
/// JPEG frame in the same run: peak working set, managed heap after a full collection, and time,
/// each also as a ratio to the frame's.
/// </summary>
public sealed class DecodeBombsScenario : IBenchmarkScenario
{
    public string Id => "decode-bombs";

    public string Title => "8. Decode bombs: huge images in small files";

    public async Task<ScenarioResult> RunAsync(BenchmarkContext context, BenchmarkFigures figures, CancellationToken cancellationToken)
    {
        var result = new ScenarioResult(Id, Title)
        {
            Columns = ["request", "request bytes", "status", "ms", "peak working set MB", "heap after full GC MB", "ratio ms", "ratio peak WS", "ratio heap"],
        };
        const string model = BenchmarkContext.VehicleType;
        await using var engine = context.CreateEngine();
        var version = engine.Repository.Get(model);
        await engine.WarmUpAsync(version, cancellationToken);
        var predict = new PredictFunctions(new PredictHandler(engine, Options.Create(new HttpApiOptions())));
        var side = context.Quick ? 2000 : 6000;
        var limitSide = context.Quick ? 2000 : 6320; // 6320 × 6320 = 39.9 MP, under Inference:MaxPixels
        var copies = context.Quick ? 2 : 12;

        var png = DecodeBombImages.Create("png", side, side);
        var (multipart, boundary) = await MultipartAsync(png, copies);
        var cases = new List<(string Name, byte[] Body, string ContentType)>
        {
            ("baseline: 1920×1080 JPEG frame", context.Frames[0].Bytes, "image/jpeg"),
            ($"{copies} × PNG {side}×{side} (multipart)", multipart, boundary),
            ($"WebP {side}×{side}", DecodeBombImages.Create("webp", side, side), "image/webp"),
            ($"GIF {side}×{side}", DecodeBombImages.Create("gif", side, side), "image/gif"),
            ($"BMP 1-bit {side}×{side}", DecodeBombImages.Create("bmp", side, side), "image/bmp"),
            ($"JPEG {limitSide}×{limitSide} (baseline)", DecodeBombImages.Create("jpeg", limitSide, limitSide), "image/jpeg"),
        };

        double baseMs = 0, basePeak = 0, baseHeap = 0;
        foreach (var (name, body, contentType) in cases)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await InvokeAsync(predict, model, body, contentType); // warm the path once
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            int status;
            double ms;
            var sampler = new MemorySampler();
            await using (sampler)
            {
                var started = Stopwatch.GetTimestamp();
                status = await InvokeAsync(predict, model, body, contentType);
                ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }

            var peak = sampler.PeakBytes / 1048576.0;
            var heap = GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
            if (baseMs == 0)
            {
                (baseMs, basePeak, baseHeap) = (ms, peak, heap);
            }

            result.Row(name, body.Length.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), status.ToString(System.Globalization.CultureInfo.InvariantCulture), ReportFormat.F(ms, 0), ReportFormat.F(peak, 0), ReportFormat.F(heap, 0), ReportFormat.Ratio(ms / baseMs), ReportFormat.Ratio(peak / basePeak), ReportFormat.Ratio(heap / baseHeap));
        }

        result.Notes.Add($"Each request once after one warm-up call, one after the other, model {model}, through PredictFunctions.Predict with a DefaultHttpContext. Peak working set: this process's, sampled every 20 ms during the call (it includes the engine and the loaded model). Heap: GC.GetTotalMemory after a full collection, after the call. Ratios are to the baseline frame's figures in this run.");
        result.Notes.Add($"Full-size decodes at once: at most {engine.Preprocessor.MaxFullSizeDecodes} (Inference:MaxFullSizeDecodes). A progressive JPEG is not among the inputs: SkiaSharp writes only baseline JPEGs.");
        return result;
    }

    private static async Task<(byte[] Body, string ContentType)> MultipartAsync(byte[] image, int copies)
    {
        using var content = new MultipartFormDataContent("decode-bombs-boundary");
        for (var i = 0; i < copies; i++)
        {
            var part = new ByteArrayContent(image);
            part.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            content.Add(part, "images", $"bomb-{i}.png");
        }

        return (await content.ReadAsByteArrayAsync(), content.Headers.ContentType!.ToString());
    }

    private static async Task<int> InvokeAsync(PredictFunctions predict, string model, byte[] body, string contentType)
    {
        var (status, answer) = await InProcessHttp.PostAsync("/api/models/" + model + "/predict", body, contentType, request => predict.Predict(request, model));
        if (status != StatusCodes.Status200OK)
        {
            throw new InvalidOperationException($"predict answered {status}: {Encoding.UTF8.GetString(answer)}");
        }

        return status;
    }
}
