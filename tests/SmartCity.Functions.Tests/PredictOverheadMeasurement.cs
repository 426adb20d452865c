using System.Diagnostics;
using SmartCity.Functions.Http;
using Xunit.Abstractions;
using static SmartCity.Functions.Tests.HttpTestHost;

namespace SmartCity.Functions.Tests;

/// <summary>
/// Prints (never asserts) what the HTTP layer costs in-process: a full native predict of one
/// 1920x1080 camera frame through the function class against <c>engine.PredictAsync</c> alone, and
/// requests per second of 8 concurrent callers. Run with <c>MEASURE=1 dotnet test --filter Category=Measure</c>.
/// </summary>
[Trait("Category", "Measure")]
public sealed class PredictOverheadMeasurement(ITestOutputHelper output)
{
    private const int Runs = 30;
    private const int Callers = 8;
    private const int RequestsPerCaller = 10;

    [SkippableTheory]
    [InlineData("vehicle-type")]
    [InlineData("resnet18-embedding")]
    public async Task Function_versus_engine_for_one_camera_frame(string model)
    {
        Skip.IfNot(Environment.GetEnvironmentVariable("MEASURE") == "1", "Set MEASURE=1 to measure.");
        var frame = File.ReadAllBytes(Directory.GetFiles(Path.Combine(TestPaths.Samples, "traffic-cameras"), "*.jpg").Order(StringComparer.Ordinal).First());
        await using var engine = TestSupport.BundledEngine();
        var functions = new PredictFunctions(new PredictHandler(engine, TestSupport.HttpOptions()));

        async Task ThroughFunction()
        {
            var context = Request("POST", $"/api/models/{model}/predict", frame, "image/jpeg");
            var response = await InvokeAsync(context, () => functions.Predict(context.Request, model));
            if (response.Status != 200)
            {
                throw new InvalidOperationException(response.Body);
            }
        }

        Task EngineOnly() => engine.PredictAsync(model, null, frame);

        for (var i = 0; i < 5; i++)
        {
            await ThroughFunction();
            await EngineOnly();
        }

        var functionMs = new List<double>();
        var engineMs = new List<double>();
        for (var i = 0; i < Runs; i++)
        {
            // Interleaved so both see the same machine state.
            functionMs.Add(await Time(ThroughFunction));
            engineMs.Add(await Time(EngineOnly));
        }

        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < RequestsPerCaller; i++)
            {
                await ThroughFunction();
            }
        })));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        var functionMedian = Median(functionMs);
        var engineMedian = Median(engineMs);
        output.WriteLine($"{model}: 1920x1080 frame, median of {Runs}: function {functionMedian:F2} ms, engine {engineMedian:F2} ms, ratio {functionMedian / engineMedian:F3}");
        output.WriteLine($"{model}: {Callers} concurrent callers x {RequestsPerCaller} requests through the function: {Callers * RequestsPerCaller / seconds:F1} requests/s");
        Console.WriteLine($"MEASURE {model}: function {functionMedian:F2} ms, engine {engineMedian:F2} ms, ratio {functionMedian / engineMedian:F3}, {Callers} callers {Callers * RequestsPerCaller / seconds:F1} req/s");
    }

    private static async Task<double> Time(Func<Task> action)
    {
        var started = Stopwatch.GetTimestamp();
        await action();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
