using System.Diagnostics;
using SmartCity.Inference;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Cli.Classify;

/// <summary>Classifies image files with the engine, many in flight, and prints the run as a table or JSON.</summary>
internal static class FileClassifier
{
    /// <summary>Enough callers in flight for the dynamic batcher to form full batches.</summary>
    private const int InFlight = 16;

    public static async Task<int> RunAsync(ClassifySettings settings, CommandConsole console, CancellationToken cancellationToken)
    {
        var files = ImageInputs.Expand(settings.Inputs, out var sawFolder);
        await using var engine = settings.Engine.CreateEngine();
        var model = engine.Repository.Get(settings.Model, settings.Version);
        await engine.WarmUpAsync(model, cancellationToken);

        var run = await WorkProgress.RunAsync(console, "Classifying", files.Count,
            imageDone => ClassifyAsync(engine, model, files, settings.Top, imageDone, cancellationToken), show: sawFolder);
        if (settings.Json)
        {
            ClassificationJson.Write(run, console.Output);
        }
        else
        {
            ClassificationTable.Write(run, console.Results);
        }

        return run.Failed > 0 ? ExitCodes.SomeItemsFailed : ExitCodes.Success;
    }

    private static async Task<ClassificationRun> ClassifyAsync(InferenceEngine engine, ModelVersion model, List<string> files, int top, Action imageDone, CancellationToken cancellationToken)
    {
        var images = new ClassifiedImage[files.Count];
        var started = Stopwatch.GetTimestamp();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = InFlight, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, files.Count), parallel, async (i, ct) =>
        {
            images[i] = await ClassifyOneAsync(engine, model, files[i], top, ct);
            imageDone();
        });
        var elapsed = Stopwatch.GetElapsedTime(started);
        using var process = Process.GetCurrentProcess();
        return new ClassificationRun(model.Id, images, elapsed, process.PeakWorkingSet64 / (1024.0 * 1024.0));
    }

    private static async Task<ClassifiedImage> ClassifyOneAsync(InferenceEngine engine, ModelVersion model, string file, int top, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var bytes = await File.ReadAllBytesAsync(file, cancellationToken);
            var prediction = await engine.PredictAsync(model, bytes, top, 0f, cancellationToken);
            return new ClassifiedImage(file, prediction, null, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (InferenceException ex)
        {
            return new ClassifiedImage(file, null, ex.Message, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }
}
